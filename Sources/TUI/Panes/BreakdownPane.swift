// The concepts pane's view model: unique detectors per category for the selected layer (the
// bar chart of the CVPR 2017 paper) and the labels with the most detector units.

/// One category's bar.
public struct CategoryBar: Hashable, Sendable {
    public var category: String
    /// Distinct labels of this category among the layer's detectors.
    public var uniqueDetectors: Int
    /// Detector units whose best label is of this category.
    public var detectors: Int
}

/// A label and how many detector units it has in the layer.
public struct LabelCount: Hashable, Sendable {
    public var label: String
    public var category: String
    /// Detector units whose best label it is.
    public var units: Int
    /// The best IoU among them.
    public var bestIoU: Double
}

/// The breakdown of one layer, computed from its units.
public struct Breakdown: Hashable, Sendable {
    /// One bar per category, in the dataset's category order (categories without detectors too).
    public var bars: [CategoryBar]
    /// Labels by number of detector units (most first; ties by best IoU, then name).
    public var topLabels: [LabelCount]

    public init() { bars = []; topLabels = [] }

    /// The breakdown of `units` at `threshold`, with bars for `categories` (plus any category a
    /// detector names that the list lacks).
    public init(units: [UnitRow], categories: [String], threshold: Double) {
        let detectors = units.filter { $0.iou >= threshold }
        var order = categories
        for d in detectors where !order.contains(d.category) { order.append(d.category) }
        bars = order.map { category in
            let inCategory = detectors.filter { $0.category == category }
            return CategoryBar(category: category, uniqueDetectors: Set(inCategory.map(\.label)).count,
                               detectors: inCategory.count)
        }
        var byLabel: [String: LabelCount] = [:]
        for d in detectors {
            var entry = byLabel[d.label] ?? LabelCount(label: d.label, category: d.category, units: 0, bestIoU: 0)
            entry.units += 1
            entry.bestIoU = max(entry.bestIoU, d.iou)
            byLabel[d.label] = entry
        }
        topLabels = byLabel.values.sorted {
            $0.units != $1.units ? $0.units > $1.units
                : $0.bestIoU != $1.bestIoU ? $0.bestIoU > $1.bestIoU : $0.label < $1.label
        }
    }

    /// Rows the pane lists and the cursor moves over: the bars, then the labels.
    public var rowCount: Int { bars.count + topLabels.count }
}

/// The concepts pane: breakdown plus cursor.
public struct BreakdownPane: Hashable, Sendable {
    /// The selected layer's breakdown.
    public var breakdown = Breakdown()
    /// Selection and scroll over `breakdown`'s rows.
    public var cursor = ListCursor()

    public init() {}
}

// What a report is made of, as plain values: the report writer knows nothing of the run store,
// so it can be tested (and reused for other sources) on its own. Workflows' glue fills these
// from a run.

/// One unit of a layer as a report shows it.
public struct ReportUnit: Sendable, Equatable {
    /// The unit number as shown to people (1-based, as in `tally.csv`).
    public var unit: Int
    /// Best label's name.
    public var label: String
    /// The label's category.
    public var category: String
    /// The best IoU.
    public var iou: Double
    /// Path of the unit's picture (top images with the overlay), relative to the page; nil
    /// when there is none.
    public var image: String?
    /// The unit's compositional explanation (`netdissect explain`) and its IoU, when stored.
    public var formula: String?, formulaIoU: Double?

    public init(unit: Int, label: String, category: String, iou: Double, image: String? = nil,
                formula: String? = nil, formulaIoU: Double? = nil) {
        self.unit = unit; self.label = label; self.category = category; self.iou = iou; self.image = image
        self.formula = formula; self.formulaIoU = formulaIoU
    }
}

/// One layer's page.
public struct ReportLayer: Sendable, Equatable {
    public var name: String
    /// Every unit of the layer (detectors or not).
    public var units: [ReportUnit]
    /// IoU at which a unit counts as a detector.
    public var iouThreshold: Double
    /// Category names in display order (the probe's `category.csv` order); categories seen
    /// only in `units` are appended.
    public var categories: [String]
    /// A line under the title (model, dataset, run directory); nil for none.
    public var subtitle: String?

    public init(name: String, units: [ReportUnit], iouThreshold: Double = 0.04,
                categories: [String] = [], subtitle: String? = nil) {
        self.name = name; self.units = units; self.iouThreshold = iouThreshold
        self.categories = categories; self.subtitle = subtitle
    }

    /// Units whose IoU reaches the threshold.
    public var detectors: [ReportUnit] { units.filter { $0.iou >= iouThreshold } }

    /// Distinct labels among the detectors (unique detectors).
    public var uniqueLabels: Int { Set(detectors.map(\.label)).count }

    /// Category names in display order, including any that only the units mention.
    public var orderedCategories: [String] {
        var out = categories
        for u in units where !out.contains(u.category) { out.append(u.category) }
        return out
    }

    /// Detectors per label, grouped by category (in `orderedCategories` order), labels within a
    /// category by count descending then name: the bars of the published reports.
    public var detectorCounts: [(category: String, label: String, count: Int)] {
        var counts: [String: [String: Int]] = [:]
        for d in detectors { counts[d.category, default: [:]][d.label, default: 0] += 1 }
        var out: [(String, String, Int)] = []
        for c in orderedCategories {
            guard let labels = counts[c] else { continue }
            for (label, n) in labels.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
                out.append((c, label, n))
            }
        }
        return out
    }

    /// The headline: "k/N units covering m concepts with IoU ≥ t".
    public var headline: String {
        "\(detectors.count)/\(units.count) units covering \(uniqueLabels) concepts with IoU ≥ \(formatIoU(iouThreshold))"
    }
}

/// A fixed colour per category, shared by the bar graph, the cards and the terminal summary.
public enum CategoryColors {
    /// Colours of Broden's six categories.
    public static let known: [String: RGBColor] = [
        "object": RGBColor(0x4e, 0x79, 0xa7), "part": RGBColor(0xf2, 0x8e, 0x2b),
        "material": RGBColor(0x59, 0xa1, 0x4f), "color": RGBColor(0xe1, 0x57, 0x59),
        "scene": RGBColor(0xb0, 0x7a, 0xa1), "texture": RGBColor(0xd4, 0xa6, 0x0a),
    ]
    private static let extra: [RGBColor] = [
        RGBColor(0x76, 0xb7, 0xb2), RGBColor(0xff, 0x9d, 0xa7), RGBColor(0x9c, 0x75, 0x5f), RGBColor(0x8c, 0x8c, 0x8c)]

    /// The colour of `category`; unknown names get a stable colour from a spare list.
    public static func color(for category: String) -> RGBColor {
        if let c = known[category.lowercased()] { return c }
        let h = category.unicodeScalars.reduce(UInt32(5381)) { ($0 &* 33) &+ $1.value }
        return extra[Int(h % UInt32(extra.count))]
    }
}

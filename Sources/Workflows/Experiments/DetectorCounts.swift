// The numbers every experiment plots: how many units of a layer are detectors and how many
// distinct concepts they detect (unique detectors), in all and per category (docs/method.md#winners-and-detectors).
import Dissection

/// Detectors of one category in one layer.
public struct CategoryCount: Sendable, Equatable, Codable {
    public var category: String
    /// Distinct labels of this category among the detectors.
    public var unique: Int
    /// Detector units whose label is of this category.
    public var detectors: Int

    public init(category: String, unique: Int, detectors: Int) {
        self.category = category
        self.unique = unique
        self.detectors = detectors
    }
}

/// Detector counts of one layer.
public struct DetectorCounts: Sendable, Equatable, Codable {
    /// Units in the layer.
    public var units: Int
    /// Units whose best IoU reaches the run's threshold.
    public var detectors: Int
    /// Distinct labels among the detectors.
    public var unique: Int
    /// Per category, in the run's category order (then any other category the results name).
    public var perCategory: [CategoryCount]
    /// Whether every unit's result is final (not provisional from a partial tally).
    public var isFinal: Bool

    public init(units: Int, detectors: Int, unique: Int, perCategory: [CategoryCount], isFinal: Bool) {
        self.units = units
        self.detectors = detectors
        self.unique = unique
        self.perCategory = perCategory
        self.isFinal = isFinal
    }

    /// Counts `results` (one per unit of a layer of `units` units); `categories` fixes the order.
    public static func of(_ results: [UnitResult], units: Int, categories: [String]) -> DetectorCounts {
        of(results.map { (label: $0.labelName, category: $0.categoryName, isDetector: $0.isDetector, isFinal: $0.isFinal) },
           units: units, categories: categories)
    }

    /// Counts units given by their best label, its category, and whether they are detectors and final.
    public static func of(_ results: [(label: String, category: String, isDetector: Bool, isFinal: Bool)],
                          units: Int, categories: [String]) -> DetectorCounts {
        let detectors = results.filter(\.isDetector)
        var unique: [String: Set<String>] = [:], count: [String: Int] = [:]
        for d in detectors {
            unique[d.category, default: []].insert(d.label)
            count[d.category, default: 0] += 1
        }
        var order = categories
        for name in unique.keys.sorted() where !order.contains(name) { order.append(name) }
        return DetectorCounts(
            units: units, detectors: detectors.count, unique: unique.values.reduce(0) { $0 + $1.count },
            perCategory: order.map { CategoryCount(category: $0, unique: unique[$0]?.count ?? 0, detectors: count[$0] ?? 0) },
            isFinal: results.count == units && results.allSatisfy(\.isFinal))
    }

    /// The count of category `name` (zeros when absent).
    public func category(_ name: String) -> CategoryCount {
        perCategory.first { $0.category == name } ?? CategoryCount(category: name, unique: 0, detectors: 0)
    }
}

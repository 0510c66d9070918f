// IoU scores, per-category winners, detectors and unique detectors (docs/method.md#scores).
//
//     IoU_ul = I_ul / (U_{u,cat(l)} + G_l - I_ul)        (0 when the denominator is 0)
//
// A label competes only in its primary category. Ties between labels go to the lower label id,
// ties between categories to the category listed first; so a unit that matches nothing gets the
// first label of the first category with IoU 0, as the published tally.csv shows.

/// A unit's best label within one category, with the sums behind its IoU.
public struct CategoryScore: Sendable, Equatable, Codable {
    /// Category index.
    public var category: Int
    /// Best label id of the category, 0 when the category has no scored label.
    public var label: Int
    public var iou: Double
    /// `G_l`.
    public var truth: UInt64
    /// `U_uc`.
    public var activation: UInt64
    /// `I_ul`.
    public var intersect: UInt64
}

/// A unit's result: the best label overall and per category.
public struct UnitScore: Sendable, Equatable, Codable {
    /// Unit index, 0-based.
    public var unit: Int
    /// Best label id overall, 0 when nothing could be scored.
    public var label: Int
    /// Category index of that label, -1 when none.
    public var category: Int
    public var iou: Double
    /// Whether `iou >= ` the detector threshold.
    public var isDetector: Bool
    /// One entry per category, in catalog order.
    public var perCategory: [CategoryScore]
}

/// Scoring a finished (or provisional) tally.
public enum Scoring {
    /// `IoU_ul` of `tally` for unit `u` and the label in slot `k`, of primary category `c`.
    @inlinable public static func iou(_ tally: LayerTally, unit u: Int, slot k: Int, category c: Int) -> Double {
        let i = tally.intersection(unit: u, slot: k)
        let denominator = tally.union(unit: u, category: c) &+ tally.truth[k] &- i
        return denominator == 0 ? 0 : Double(i) / Double(denominator)
    }

    /// The `units x labels` IoU matrix, row-major; column k is `catalog.labels[k]` (the tally's
    /// slots; `tally` is of `catalog`).
    public static func iouMatrix(_ tally: LayerTally, catalog: ConceptCatalog) -> [Double] {
        let n = catalog.labels.count
        var out = [Double](repeating: 0, count: tally.units * n)
        for u in 0..<tally.units {
            for (k, label) in catalog.labels.enumerated() {
                out[u * n + k] = iou(tally, unit: u, slot: k, category: label.category)
            }
        }
        return out
    }

    /// Every unit's scores.
    public static func score(_ tally: LayerTally, catalog: ConceptCatalog, iouThreshold: Double) -> [UnitScore] {
        let nCat = catalog.categories.count
        return (0..<tally.units).map { u in
            var per: [CategoryScore] = (0..<nCat).map {
                CategoryScore(category: $0, label: 0, iou: 0, truth: 0, activation: tally.union(unit: u, category: $0), intersect: 0)
            }
            var seen = [Bool](repeating: false, count: nCat)
            for (k, label) in catalog.labels.enumerated() {
                let c = label.category
                let value = iou(tally, unit: u, slot: k, category: c)
                if !seen[c] || value > per[c].iou {
                    seen[c] = true
                    per[c].label = label.id
                    per[c].iou = value
                    per[c].truth = tally.truth[k]
                    per[c].intersect = tally.intersection(unit: u, slot: k)
                }
            }
            var best = -1
            for c in 0..<nCat where seen[c] && (best < 0 || per[c].iou > per[best].iou) { best = c }
            let bestIoU = best >= 0 ? per[best].iou : 0
            return UnitScore(unit: u, label: best >= 0 ? per[best].label : 0, category: best,
                             iou: bestIoU, isDetector: best >= 0 && bestIoU >= iouThreshold, perCategory: per)
        }
    }

    /// A layer's unique detectors: distinct labels among its detectors, and their count per category.
    public static func uniqueDetectors(_ scores: [UnitScore], categoryCount: Int) -> (labels: [Int], perCategory: [Int]) {
        var byLabel: [Int: Int] = [:]
        for s in scores where s.isDetector { byLabel[s.label] = s.category }
        var perCategory = [Int](repeating: 0, count: categoryCount)
        for (_, c) in byLabel where c >= 0 && c < categoryCount { perCategory[c] += 1 }
        return (byLabel.keys.sorted(), perCategory)
    }
}

// How a layer's mean IoU grows with the length of its units' formulas (the compositional
// explanations papers' headline plot), from the run's explanations table.
import Dissection

/// Mean IoU per formula length bound for one layer and search.
public struct ExplanationCurve: Sendable, Equatable {
    public var search: ExplainSearch
    /// Units with rows for every length 1...meanIoU.count.
    public var units: Int
    /// `meanIoU[k - 1]`: the mean over those units of the best IoU with at most k labels.
    public var meanIoU: [Double]

    /// The curves of `rows` (one layer's explanations), one per search present, optimal first;
    /// a curve runs to the longest length every counted unit has.
    public static func of(_ rows: [StoredExplanation]) -> [ExplanationCurve] {
        var curves: [ExplanationCurve] = []
        for search in ExplainSearch.allCases {
            var perUnit: [Int: [Int: Double]] = [:]
            for r in rows where r.search == search { perUnit[r.unit, default: [:]][r.length] = r.iou }
            // The lengths every unit has, from 1 up.
            let complete = perUnit.values.map { lengths in
                var n = 0
                while lengths[n + 1] != nil { n += 1 }
                return n
            }
            guard let n = complete.max(), n > 0 else { continue }
            let units = perUnit.values.filter { (1...n).allSatisfy($0.keys.contains) }
            guard !units.isEmpty else { continue }
            let means = (1...n).map { k in units.reduce(0.0) { $0 + $1[k]! } / Double(units.count) }
            curves.append(ExplanationCurve(search: search, units: units.count, meanIoU: means))
        }
        return curves
    }
}

/// The formula a viewer shows for each unit.
public enum ShownFormula {
    /// Per 0-based unit: the stored formula under the longest length bound, the optimal
    /// search's when both searches are stored; units without a formula are absent.
    public static func perUnit(_ rows: [StoredExplanation]) -> [Int: StoredExplanation] {
        var best: [Int: StoredExplanation] = [:]
        for r in rows where r.formula != nil {
            if let b = best[r.unit] {
                let better = (r.search == .optimal && b.search != .optimal) || (r.search == b.search && r.length > b.length)
                if !better { continue }
            }
            best[r.unit] = r
        }
        return best
    }
}

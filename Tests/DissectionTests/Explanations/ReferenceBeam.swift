// A plain beam search, written from Mu and Andreas's code (jayelm/compexp,
// vision/dissection/neuron.py, compute_best_iou) over per-pixel masks: the reference BeamSearch
// is held to. It evaluates every formula from scratch, pixel by pixel; only the IoU comparison is
// exact (cross products) where the original compares floats.
@testable import Dissection

enum ReferenceBeam {
    static func search(_ dense: ExhaustiveSearch.Dense, candidates: [Int32], maxLength: Int, beam width: Int) -> [FormulaScore?] {
        // ious for every label that meets the unit; keep those > 0, in label order.
        var formulas: [FormulaScore] = []
        for l in candidates {
            let s = dense.score(Formula(l))
            if s.intersection > 0 { formulas.append(s) }
        }
        if formulas.isEmpty || dense.unit.allSatisfy({ !$0 }) { return [FormulaScore?](repeating: nil, count: maxLength) }
        formulas = mostCommon(formulas, width)
        var results: [FormulaScore?] = [mostCommon(formulas, 1)[0]]
        for _ in 1..<maxLength {
            var new: [FormulaScore] = []
            for f in formulas {
                for l in candidates {
                    for op in [FormulaOp.or, .and, .andNot] { new.append(dense.score(f.formula.appending(op, l))) }
                }
            }
            formulas = mostCommon(formulas + new, width)
            results.append(mostCommon(formulas, 1)[0])
        }
        return results
    }

    /// Python's Counter.most_common(n): sorted by value, largest first, stable.
    static func mostCommon(_ items: [FormulaScore], _ n: Int) -> [FormulaScore] {
        var sorted = items
        // Insertion sort: stable by construction.
        for i in 1..<max(1, sorted.count) {
            var j = i
            while j > 0 && Fraction.compare(sorted[j].intersection, sorted[j].union,
                                            sorted[j - 1].intersection, sorted[j - 1].union) > 0 {
                sorted.swapAt(j, j - 1)
                j -= 1
            }
        }
        return Array(sorted.prefix(n))
    }
}

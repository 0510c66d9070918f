// Mu and Andreas's beam search (jayelm/compexp, vision/dissection/neuron.py), with exact counts.
//
// 1. The first beam: the `beam` labels of largest IoU among those that meet the unit's mask
//    (IoU > 0), ties in ascending label id. No label meets it: no explanation.
// 2. Each step extends every formula of the beam, in beam order, by every candidate label in
//    ascending id, with OR, AND, AND NOT in that order; the beam's formulas stay candidates; all
//    are ranked by IoU (a stable sort: the old beam first, then the new formulas in the order
//    made) and the first `beam` kept. Nothing is deduplicated: `a AND a` and `b OR a` beside
//    `a OR b` are formulas of their own, as in the original.
// 3. The answer after step k (of length at most k + 1) is the head of the beam.
// The one difference: IoUs are compared as exact fractions where the original compares floats
// (with 1e-10 added to the denominator), which can only differ on IoUs equal to ~1e-16.

/// Beam search for one unit.
public enum BeamSearch {
    /// The best formula of length at most 1, 2, ... `maxLength` (index k - 1), nil when no label
    /// meets the unit's mask.
    /// - Parameters:
    ///   - candidates: label ids formulas may use, ascending (each one of the probe's labels).
    ///   - hits: `|L ∩ M|` per label slot (`FormulaEvaluator.labelHits`).
    public static func search(unit: UnitPixels, evaluator: FormulaEvaluator, candidates: [Int32], hits: [Int],
                              maxLength: Int, beam width: Int) -> [FormulaScore?] {
        precondition(maxLength >= 1 && width >= 1)
        let m = unit.pixels, sizes = evaluator.labels.labelPixels
        let slots = candidates.map { evaluator.labels.slot($0) }
        precondition(slots.allSatisfy { $0 >= 0 }, "BeamSearch: a candidate is not one of the probe's labels")
        var beam: [FormulaScore] = zip(candidates, slots).compactMap { l, s in
            let h = hits[s]
            return h > 0 ? FormulaScore(formula: Formula(l), intersection: h, pixels: sizes[s], unitPixels: m) : nil
        }
        guard m > 0, !beam.isEmpty else { return [FormulaScore?](repeating: nil, count: maxLength) }
        beam = Array(rankStable(beam).prefix(width))
        var results: [FormulaScore?] = [beam[0]]
        for _ in 1..<maxLength {
            var pool = beam
            for parent in beam {
                let e = evaluator.extensions(parent.formula, unit: unit)
                for (l, s) in zip(candidates, slots) {
                    for op in FormulaOp.allCases {
                        let c = e.child(op, slot: s, labelPixels: sizes[s], labelHits: hits[s])
                        pool.append(FormulaScore(formula: parent.formula.appending(op, l), intersection: c.intersection,
                                                 pixels: c.pixels, unitPixels: m))
                    }
                }
            }
            beam = Array(rankStable(pool).prefix(width))
            results.append(beam[0])
        }
        return results
    }

    /// Sorted by IoU, largest first; equal IoUs keep their order.
    static func rankStable(_ scores: [FormulaScore]) -> [FormulaScore] {
        scores.enumerated().sorted { a, b in
            let c = Fraction.compare(a.element.intersection, a.element.union, b.element.intersection, b.element.union)
            return c != 0 ? c > 0 : a.offset < b.offset
        }.map(\.element)
    }
}

// Best-first search for a formula of maximal IoU, with an admissible bound (docs/explanations.md).
//
// Every node is a formula C of length k; its children are C op L for every candidate label and
// operator. With r = n - k steps left, m = |M| and S_j(C) the sum of the j largest |L ∩ (M \ C)|
// over the candidates, every descendant G of C satisfies
//
//     all r' <= r steps OR:          G ⊇ C, |G ∩ M| <= |C ∩ M| + S_r(C),    |G ∪ M| >= m + |C \ M|
//     some step AND or AND NOT:      |G ∩ M| <= |C ∩ M| + S_{r-1}(C),       |G ∪ M| >= m
//
// (AND and AND NOT only remove pixels and OR L adds only pixels of L; after the last AND-type
// step at most r - 1 labels are OR-ed in). So
//
//     UB(C) = max( min(m, |C ∩ M| + S_r(C)) / (m + |C \ M|),  min(m, |C ∩ M| + S_{r-1}(C)) / m ).
//
// A child is queued with the bound computed from its parent F's sweep (no sweep of its own):
// for C = F OR L, M \ C ⊆ M \ F, so S_j(C) <= S_j(F); for C = F AND [NOT] L, the pixels of
// F ∩ M that C dropped may be OR-ed back, so |G ∩ M| <= |F ∩ M| + S_j(F) when j >= 1 labels are
// OR-ed (and <= |C ∩ M| when none is). When a node is taken from the queue its own S is computed
// (one sweep of the unit's pixels) and the node dropped if that tighter bound cannot win; the
// sweep of the probe (for its children's |C|) is skipped when no child could matter.
//
// The queue is ordered by bound (ties: `Formula.precedes`); the search stops when the largest
// bound left cannot beat the best formula found. A bound equal to the best IoU still expands
// when one of the node's descendants could be a tie that ranks first (shorter formulas win
// ties), so the answer is the first formula in the one total order, as exhaustive search finds.

/// Best-first search for one unit.
public enum OptimalSearch {
    /// Statistics of one search.
    public struct Stats: Sendable, Equatable {
        /// Nodes taken from the queue and swept (their unit's pixels; also the probe); nodes queued.
        public var expanded = 0, probeSweeps = 0, queued = 0
    }

    /// The formula of maximal IoU among those of length at most `maxLength` over `candidates`
    /// (ties broken by `Formula.precedes`), nil when no label meets the unit's mask.
    public static func search(unit: UnitPixels, evaluator: FormulaEvaluator, candidates: [Int32], hits: [Int],
                              maxLength: Int, stats: UnsafeMutablePointer<Stats>? = nil) -> FormulaScore? {
        precondition(maxLength >= 1)
        let m = unit.pixels, sizes = evaluator.labels.labelPixels
        let slots = candidates.map { evaluator.labels.slot($0) }
        precondition(slots.allSatisfy { $0 >= 0 }, "OptimalSearch: a candidate is not one of the probe's labels")
        guard m > 0, slots.contains(where: { hits[$0] > 0 }) else { return nil }
        var best: FormulaScore?
        var queue = NodeQueue()
        var counters = Stats()
        defer { stats?.pointee = counters }

        func consider(_ s: FormulaScore) {
            if best.map({ s.beats($0) }) ?? true { best = s }
        }
        /// Whether a formula of length >= minLength with IoU at most `num / den` could win.
        func canWin(_ num: Int, _ den: Int, minLength: Int) -> Bool {
            guard let b = best else { return true }
            switch Fraction.compare(num, den, b.intersection, b.union) {
            case 1: return true
            case 0: return b.formula.length >= minLength
            default: return false
            }
        }
        /// The sums of the largest 0...j values of `gains` (by slot) over the candidates.
        func topSums(_ gains: [Int], _ j: Int) -> [Int] {
            var top = [Int](repeating: 0, count: max(1, j))
            for s in slots {
                let g = gains[s]
                if j > 0 && g > top[j - 1] {
                    var k = j - 1
                    while k > 0 && top[k - 1] < g { top[k] = top[k - 1]; k -= 1 }
                    top[k] = g
                }
            }
            var sums = [0]
            for k in 0..<j { sums.append(sums[k] + top[k]) }
            return sums
        }
        /// The bound on descendants with `r` steps left: all-OR ones gain at most `orGain` pixels
        /// of M and keep the node's false positives; others gain at most `andGain`.
        func bound(intersection: Int, pixels: Int, orGain: Int, andGain: Int) -> (num: Int, den: Int) {
            let a = (min(m, orGain), m + pixels - intersection), b = (min(m, andGain), m)
            return Fraction.compare(a.0, a.1, b.0, b.1) >= 0 ? a : b
        }

        // Roots: every candidate label; |L' ∩ (M \ L)| <= |L' ∩ M| bounds the gains.
        let rootSums = topSums(hits, maxLength - 1)
        for (l, slot) in zip(candidates, slots) {
            let s = FormulaScore(formula: Formula(l), intersection: hits[slot], pixels: sizes[slot], unitPixels: m)
            consider(s)
            guard maxLength > 1 else { continue }
            let r = maxLength - 1
            let b = bound(intersection: s.intersection, pixels: s.pixels,
                          orGain: s.intersection + rootSums[r], andGain: s.intersection + rootSums[r - 1])
            queue.push(Node(score: s, num: b.num, den: b.den))
            counters.queued += 1
        }
        while let node = queue.pop() {
            let f = node.score, k = f.formula.length, r = maxLength - k
            guard canWin(node.num, node.den, minLength: k + 1) else { break }
            var e = evaluator.unitSweep(f.formula, unit: unit)
            counters.expanded += 1
            var gains = [Int](repeating: 0, count: sizes.count)
            for s in slots { gains[s] = hits[s] - e.overlapHits[s] }
            let sums = topSums(gains, r)
            let own = bound(intersection: f.intersection, pixels: f.pixels, orGain: f.intersection + sums[r],
                            andGain: f.intersection + sums[r - 1])
            guard canWin(own.num, own.den, minLength: k + 1) else { continue }
            // Children: r' = r - 1 steps left after them.
            let r1 = r - 1
            func gainsOf(_ op: FormulaOp, _ childHits: Int) -> (or: Int, and: Int) {
                let base = op == .or ? childHits : f.intersection
                // With one step left an AND-type descendant OR-s nothing back: |G ∩ M| <= |C ∩ M|.
                return (base + sums[r1], r1 >= 2 ? base + sums[r1 - 1] : childHits)
            }
            // Whether any child could win, from its |C ∩ M| alone (|C ∪ M| >= m).
            var needed = false
            search: for s in slots {
                for op in FormulaOp.allCases {
                    let h = e.childHits(op, slot: s, labelHits: hits[s])
                    if canWin(h, m, minLength: k + 1) { needed = true; break search }
                    if r1 >= 1 {
                        let g = gainsOf(op, h)
                        if canWin(max(g.or, g.and), m, minLength: k + 2) { needed = true; break search }
                    }
                }
            }
            guard needed else { continue }
            evaluator.probeSweep(f.formula, into: &e)
            counters.probeSweeps += 1
            for (l, slot) in zip(candidates, slots) {
                for op in FormulaOp.allCases {
                    let c = e.child(op, slot: slot, labelPixels: sizes[slot], labelHits: hits[slot])
                    let s = FormulaScore(formula: f.formula.appending(op, l), intersection: c.intersection,
                                         pixels: c.pixels, unitPixels: m)
                    consider(s)
                    guard r1 >= 1 else { continue }
                    let g = gainsOf(op, c.intersection)
                    let b = bound(intersection: c.intersection, pixels: c.pixels, orGain: g.or, andGain: g.and)
                    if canWin(b.num, b.den, minLength: k + 2) {
                        queue.push(Node(score: s, num: b.num, den: b.den))
                        counters.queued += 1
                    }
                }
            }
        }
        return best
    }

    /// A queued formula and the bound `num / den` on the IoU of its descendants.
    struct Node {
        var score: FormulaScore
        var num: Int, den: Int
        /// Taken first: larger bound, then the formula first in `Formula.precedes`.
        func before(_ o: Node) -> Bool {
            let c = Fraction.compare(num, den, o.num, o.den)
            return c != 0 ? c > 0 : Formula.precedes(score.formula, o.score.formula)
        }
    }

    /// A binary heap of nodes, the first by `Node.before` on top.
    struct NodeQueue {
        private var heap: [Node] = []

        var count: Int { heap.count }

        mutating func push(_ n: Node) {
            heap.append(n)
            var i = heap.count - 1
            while i > 0 {
                let p = (i - 1) / 2
                guard heap[i].before(heap[p]) else { break }
                heap.swapAt(i, p)
                i = p
            }
        }

        mutating func pop() -> Node? {
            guard !heap.isEmpty else { return nil }
            heap.swapAt(0, heap.count - 1)
            let top = heap.removeLast()
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && heap[l].before(heap[m]) { m = l }
                if r < heap.count && heap[r].before(heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
            return top
        }
    }
}

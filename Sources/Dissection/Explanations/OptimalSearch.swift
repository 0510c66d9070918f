// Best-first search for a formula of maximal IoU, with an admissible bound (docs/explanations.md).
//
// Every node is a formula F of length k; its children are F op L for every candidate label and
// operator. The bound on the IoU of any descendant G of F (at most r = n - k more labels):
//
//     IoU(G) = |G ∩ M| / |G ∪ M| <= |G ∩ M| / |M|,  and
//     |G ∩ M| <= |F ∩ M| + Σ_{top r labels L} |L ∩ (M \ F)|
//
// because a pixel of M outside F can only enter G through an OR with a label that covers it
// (AND and AND NOT only remove pixels), and r more steps bring at most r labels. So
//
//     UB(F, r) = min(|M|, |F ∩ M| + S_r(F)) / |M|,   S_r(F) = sum of the r largest |L ∩ M \ F|.
//
// A child C is queued with a bound computed from its parent's sweep (no sweep of its own):
// for C = F OR L, M \ C ⊆ M \ F, so S(C) <= S(F) and UB <= min(|M|, |C ∩ M| + S_{r-1}(F));
// for C = F AND [NOT] L, C ⊆ F loses |F ∩ M| - |C ∩ M| pixels of M that a later OR may bring
// back, so |G ∩ M| <= |F ∩ M| + S_{r-1}(F). When a node is taken from the queue its own S_r is
// computed (one sweep of the unit's pixels) and the node dropped if that tighter bound cannot win.
//
// The queue is ordered by bound (ties: `Formula.precedes`); the search stops when the largest
// bound left cannot beat the best formula found. A bound equal to the best IoU still expands
// when one of the node's descendants could be a tie that ranks first (shorter formulas win
// ties), so the answer is the first formula in the one total order, as exhaustive search finds.

/// Best-first search for one unit.
public enum OptimalSearch {
    /// Statistics of one search.
    public struct Stats: Sendable, Equatable {
        /// Nodes taken from the queue and swept; nodes queued.
        public var expanded = 0, queued = 0
    }

    /// The formula of maximal IoU among those of length at most `maxLength` over `candidates`
    /// (ties broken by `Formula.precedes`), nil when no label meets the unit's mask.
    public static func search(unit: UnitPixels, evaluator: FormulaEvaluator, candidates: [Int32], hits: [Int],
                              maxLength: Int, stats: UnsafeMutablePointer<Stats>? = nil) -> FormulaScore? {
        precondition(maxLength >= 1)
        let m = unit.pixels, sizes = evaluator.labels.labelPixels
        guard m > 0, candidates.contains(where: { hits[Int($0)] > 0 }) else { return nil }
        var best: FormulaScore?
        var queue = NodeQueue()
        var counters = Stats()
        defer { stats?.pointee = counters }

        func consider(_ s: FormulaScore) {
            if best.map({ s.beats($0) }) ?? true { best = s }
        }
        /// Whether a descendant (length >= minLength) with at most `bound` pixels of M could win.
        func canWin(_ bound: Int, minLength: Int) -> Bool {
            guard let b = best else { return true }
            switch Fraction.compare(bound, m, b.intersection, b.union) {
            case 1: return true
            case 0: return b.formula.length >= minLength
            default: return false
            }
        }
        /// The sum of the `r` largest values of `gains` over the candidates.
        func topSum(_ gains: [Int], _ r: Int) -> Int {
            guard r > 0 else { return 0 }
            var top = [Int](repeating: 0, count: r)
            for l in candidates {
                let g = gains[Int(l)]
                if g > top[r - 1] {
                    var k = r - 1
                    while k > 0 && top[k - 1] < g { top[k] = top[k - 1]; k -= 1 }
                    top[k] = g
                }
            }
            return top.reduce(0, +)
        }

        // Roots: every candidate label; |L ∩ (M \ L)| <= |L ∩ M| bounds the gains.
        let rootGains = topSum(hits, maxLength - 1)
        for l in candidates {
            let s = FormulaScore(formula: Formula(l), intersection: hits[Int(l)], pixels: sizes[Int(l)], unitPixels: m)
            consider(s)
            if maxLength > 1 {
                queue.push(Node(score: s, bound: min(m, s.intersection + rootGains)))
                counters.queued += 1
            }
        }
        while let node = queue.pop() {
            let k = node.score.formula.length, r = maxLength - k
            guard canWin(node.bound, minLength: k + 1) else { break }
            let e = evaluator.extensions(node.score.formula, unit: unit)
            counters.expanded += 1
            var gains = [Int](repeating: 0, count: sizes.count)
            for l in candidates { gains[Int(l)] = hits[Int(l)] - e.overlapHits[Int(l)] }
            guard canWin(min(m, e.intersection + topSum(gains, r)), minLength: k + 1) else { continue }
            let rest = topSum(gains, r - 1)
            for l in candidates {
                for op in FormulaOp.allCases {
                    let c = e.child(op, label: Int(l), labelPixels: sizes[Int(l)], labelHits: hits[Int(l)])
                    let s = FormulaScore(formula: node.score.formula.appending(op, l), intersection: c.intersection,
                                         pixels: c.pixels, unitPixels: m)
                    consider(s)
                    guard r > 1 else { continue }
                    let bound = min(m, (op == .or ? c.intersection : e.intersection) + rest)
                    if canWin(bound, minLength: k + 2) {
                        queue.push(Node(score: s, bound: bound))
                        counters.queued += 1
                    }
                }
            }
        }
        return best
    }

    /// A queued formula and the bound on `|G ∩ M|` of its descendants.
    struct Node {
        var score: FormulaScore
        var bound: Int
        /// Taken first: larger bound, then the formula first in `Formula.precedes`.
        func before(_ o: Node) -> Bool {
            bound != o.bound ? bound > o.bound : Formula.precedes(score.formula, o.score.formula)
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

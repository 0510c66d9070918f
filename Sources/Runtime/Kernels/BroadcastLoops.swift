// NumPy broadcasting of two shapes, reduced to the fewest loops.
//
// Shapes are right-aligned and padded with leading ones; a dimension of 1 against a larger one
// repeats (stride 0). Then dimensions of size 1 are dropped and neighbours merged wherever both
// operands are contiguous across them (or both repeat), so (N, C, H, W) + (1, C, 1, 1) becomes
// three loops (N, C, H*W) with strides (C, 1, 0) for b, and equal shapes become one flat loop.

/// How two shapes broadcast against each other, as collapsed loops.
public struct BroadcastLoops: Sendable, Hashable, CustomStringConvertible {
    /// The broadcast result shape (uncollapsed).
    public let shape: [Int]
    /// Collapsed loop sizes, outermost first (at least one loop).
    let sizes: [Int]
    /// Element strides of each operand along the collapsed loops (0 where it repeats).
    let aStrides: [Int], bStrides: [Int]

    /// Broadcasts `a` against `b`; nil when some dimension pair is neither equal nor 1.
    public init?(_ a: [Int], _ b: [Int]) {
        let rank = max(a.count, b.count)
        let ap = [Int](repeating: 1, count: rank - a.count) + a
        let bp = [Int](repeating: 1, count: rank - b.count) + b
        var shape: [Int] = []
        for (x, y) in zip(ap, bp) {
            guard x == y || x == 1 || y == 1 else { return nil }
            shape.append(x == 1 ? y : x)
        }
        self.shape = shape
        // Strides before collapsing.
        func strides(_ dims: [Int]) -> [Int] {
            var s = [Int](repeating: 0, count: rank), step = 1
            for d in stride(from: rank - 1, through: 0, by: -1) {
                s[d] = dims[d] == 1 ? 0 : step
                step *= dims[d]
            }
            return s
        }
        let sa = strides(ap), sb = strides(bp)
        var sizes: [Int] = [], aStrides: [Int] = [], bStrides: [Int] = []
        for d in 0..<rank where shape[d] != 1 {
            if let last = sizes.indices.last,
               aStrides[last] == sa[d] * shape[d], bStrides[last] == sb[d] * shape[d] {
                sizes[last] *= shape[d]
                aStrides[last] = sa[d]
                bStrides[last] = sb[d]
            } else {
                sizes.append(shape[d])
                aStrides.append(sa[d])
                bStrides.append(sb[d])
            }
        }
        if sizes.isEmpty { sizes = [1]; aStrides = [0]; bStrides = [0] }
        if shape.contains(0) { sizes = [0]; aStrides = [0]; bStrides = [0] }
        self.sizes = sizes
        self.aStrides = aStrides
        self.bStrides = bStrides
    }

    /// Elements of the result.
    public var count: Int { shape.reduce(1, *) }

    public var description: String {
        "broadcast \(shape) loops \(sizes) a \(aStrides) b \(bStrides)"
    }
}

// NumPy broadcasting of two shapes (`Broadcast`), reduced to the fewest loops.
//
// Shapes are right-aligned and padded with leading ones; a dimension of 1 against a larger one
// repeats (stride 0). Dimensions of size 1 are dropped and neighbours merged wherever both
// operands are contiguous across them (or both repeat), so (N, C, H, W) + (1, C, 1, 1) becomes
// three loops (N, C, H*W) with strides (C, 1, 0) for b, and equal shapes become one flat loop.

/// How two shapes broadcast against each other, as collapsed loops.
import KernelSupport

struct BroadcastLoops: Sendable, Hashable, CustomStringConvertible {
    /// The broadcast result shape (uncollapsed).
    let shape: [Int]
    /// Collapsed loop sizes, outermost first (at least one loop).
    let sizes: [Int]
    /// Element strides of each operand along the collapsed loops (0 where it repeats).
    let aStrides: [Int], bStrides: [Int]

    /// The loops of `broadcast`.
    init(_ broadcast: Broadcast) {
        let shape = broadcast.outputShape
        self.shape = shape
        let loops = ShapeMath.collapsedLoops(shape, strides: [broadcast.aStrides, broadcast.bStrides])
        var sizes = loops.sizes, aStrides = loops.strides[0], bStrides = loops.strides[1]
        if sizes.isEmpty { sizes = [1]; aStrides = [0]; bStrides = [0] }
        if shape.contains(0) { sizes = [0]; aStrides = [0]; bStrides = [0] }
        self.sizes = sizes
        self.aStrides = aStrides
        self.bStrides = bStrides
    }

    /// Elements of the result.
    var count: Int { shape.reduce(1, *) }

    var description: String {
        "broadcast \(shape) loops \(sizes) a \(aStrides) b \(bStrides)"
    }
}

// x (d0, ..., dk) -> y (d0 + b0 + e0, ..., dk + bk + ek): ONNX Pad, constant, reflect or edge,
// the fast path of `Reference.pad`.
//
// Every output index maps back to an input index along each axis independently (`PadShape`'s
// tables: inside, itself; outside, the constant, the mirror image without repeating the border
// (reflect), or the nearest border (edge); negative pads crop). The fast path works a row (the
// last axis) at a time: the inside of a row is one copy, its borders come from the last axis's
// table, and a row whose leading index falls in a constant pad is a fill.

/// ONNX Pad over a fixed input shape.
import KernelSupport

struct Pad: Sendable {
    /// Input and output shapes, mode, value and the per-axis index tables.
    let shape: PadShape

    init(shape: PadShape) {
        self.shape = shape
    }

    /// Pads `x` into `y`; they must not overlap.
    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        let out = shape.outputShape, inputShape = shape.inputShape, maps = shape.sources
        let rank = out.count
        guard rank > 0 else { y[0] = x[0]; return }
        let width = out[rank - 1], inWidth = inputShape[rank - 1], begin = shape.begins[rank - 1]
        let rows = out.dropLast().reduce(1, *)
        guard rows > 0 && width > 0 else { return }
        let fill: Float = shape.mode == .constant ? shape.value : 0
        let last = maps[rank - 1]
        // Output columns copied straight from the input row.
        let lo = min(width, max(0, begin)), hi = min(width, begin + inWidth)
        var inStrides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { inStrides[d] = inStrides[d + 1] * inputShape[d + 1] }
        let grain = parallelism.grain(for: rows, minimum: max(1, 4096 / width))
        parallelism.forEachRange(rows, grain: grain) { range, _ in
            for row in range {
                let dst = y + row * width
                var rest = row, offset = 0, outside = false
                for d in stride(from: rank - 2, through: 0, by: -1) {
                    let i = rest % out[d]
                    rest /= out[d]
                    let s = maps[d][i]
                    if s < 0 { outside = true; break }
                    offset += s * inStrides[d]
                }
                if outside {
                    dst.update(repeating: fill, count: width)
                    continue
                }
                let src = x + offset
                for j in 0..<lo { dst[j] = last[j] < 0 ? fill : src[last[j]] }
                if hi > lo { (dst + lo).update(from: src + (lo - begin), count: hi - lo) }
                for j in Swift.max(lo, hi)..<width { dst[j] = last[j] < 0 ? fill : src[last[j]] }
            }
        }
    }
}

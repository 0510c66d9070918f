// x (d0, ..., dk) -> y (d0 + b0 + e0, ..., dk + bk + ek): ONNX Pad, constant, reflect or edge.
//
// Every output index maps back to an input index along each axis independently: inside, itself;
// outside, the constant (no input), the mirror image without repeating the border (reflect,
// NumPy's rule, repeated for pads longer than the axis), or the nearest border (edge). Negative
// pads crop. The fast path works a row (the last axis) at a time: the inside of a row is one copy,
// its borders come from a precomputed index map, and a row whose leading index falls in a
// constant pad is a fill.

/// ONNX Pad over a fixed input shape.
public struct Pad: Sendable, Hashable {
    /// How the values outside the input are made.
    public enum Mode: Sendable, Hashable {
        /// A constant value.
        case constant(Float)
        /// The mirror image, without repeating the border value.
        case reflect
        /// The border value repeated.
        case edge
    }

    /// The input shape, pads before and after each axis, and the mode.
    public let inputShape: [Int], begins: [Int], ends: [Int]
    public let mode: Mode
    /// Per axis, the input index of each output index, or -1 for the constant.
    let maps: [[Int]]

    /// Pads `inputShape` by ONNX's `pads` (all begins, then all ends); nil when an output
    /// dimension would be negative or a reflect/edge pad has no input to copy from.
    public init?(inputShape: [Int], pads: [Int], mode: Mode) {
        let rank = inputShape.count
        guard pads.count == 2 * rank else { return nil }
        let begins = Array(pads[..<rank]), ends = Array(pads[rank...])
        for d in 0..<rank {
            let out = inputShape[d] + begins[d] + ends[d]
            guard out >= 0 else { return nil }
            if case .constant = mode {} else if inputShape[d] == 0 && out > 0 { return nil }
        }
        self.inputShape = inputShape
        self.begins = begins
        self.ends = ends
        self.mode = mode
        var maps: [[Int]] = []
        for d in 0..<rank {
            maps.append((0..<(inputShape[d] + begins[d] + ends[d])).map {
                Self.source($0 - begins[d], size: inputShape[d], mode: mode) ?? -1
            })
        }
        self.maps = maps
    }

    /// The output shape.
    public var outputShape: [Int] { (0..<inputShape.count).map { inputShape[$0] + begins[$0] + ends[$0] } }

    /// The input index read for position `i` (relative to the input's first element) along an axis
    /// of `size`, or nil for the constant.
    static func source(_ i: Int, size: Int, mode: Mode) -> Int? {
        if i >= 0 && i < size { return i }
        switch mode {
        case .constant: return nil
        case .edge: return i < 0 ? 0 : size - 1
        case .reflect:
            guard size > 1 else { return 0 }
            let period = 2 * (size - 1)
            var r = i % period
            if r < 0 { r += period }
            return r < size ? r : period - r
        }
    }

    /// Pads `x` into `y`; they must not overlap.
    public func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        let out = outputShape
        let rank = out.count
        guard rank > 0 else { y[0] = x[0]; return }
        let width = out[rank - 1], inWidth = inputShape[rank - 1]
        let rows = out.dropLast().reduce(1, *)
        guard rows > 0 && width > 0 else { return }
        let fill: Float
        if case let .constant(v) = mode { fill = v } else { fill = 0 }
        let last = maps[rank - 1]
        // Output columns copied straight from the input row.
        let lo = min(width, max(0, begins[rank - 1])), hi = min(width, begins[rank - 1] + inWidth)
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
                if hi > lo { (dst + lo).update(from: src + (lo - begins[rank - 1]), count: hi - lo) }
                for j in Swift.max(lo, hi)..<width { dst[j] = last[j] < 0 ? fill : src[last[j]] }
            }
        }
    }

    /// The specification: every output element's index mapped back axis by axis.
    public func reference(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        let out = outputShape, rank = out.count
        let count = out.reduce(1, *)
        for flat in 0..<count {
            var rest = flat, source = 0, stride = 1, outside = false
            for d in Swift.stride(from: rank - 1, through: 0, by: -1) {
                let i = rest % out[d]
                rest /= out[d]
                if let s = Self.source(i - begins[d], size: inputShape[d], mode: mode) {
                    source += s * stride
                } else {
                    outside = true
                }
                stride *= inputShape[d]
            }
            if outside, case let .constant(v) = mode {
                y[flat] = v
            } else {
                y[flat] = x[source]
            }
        }
    }
}

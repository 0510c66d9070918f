// x (D1..Dk) -> y (D1 + b1 + e1, ..., Dk + bk + ek)
//
// Pad in constant, reflect and edge modes; negative pads crop. Each output axis is mapped to
// input indices once, into a table (-1 where the constant goes), so the copy loop is a plain
// walk over the tables. The reference is the specification of Kernels/Pad.swift.

/// Settling the node's attributes at this input size (the shape itself is in KernelSupport).
extension PadShape {
    /// - Parameter pads: all begins then all ends, for `axes` (all axes when nil).
    static func resolve(x: [Int], pads: [Int], axes: [Int]?, mode: PadAttributes.Mode, value: Float) throws -> PadShape {
        let rank = x.count
        let axes = try (axes ?? Array(0..<rank)).map { axis -> Int in
            guard let a = ShapeMath.normalize(axis: axis, rank: rank) else {
                throw OpFailure.malformed("axis \(axis) is out of range for rank \(rank)")
            }
            return a
        }
        guard pads.count == 2 * axes.count else {
            throw OpFailure.malformed("pads has \(pads.count) values for \(axes.count) axes")
        }
        var begin = [Int](repeating: 0, count: rank), end = begin
        for (i, a) in axes.enumerated() {
            guard abs(pads[i]) <= Op.maxWindowValue, abs(pads[i + axes.count]) <= Op.maxWindowValue else {
                throw OpFailure.malformed("pads \(pads) are implausibly large")
            }
            begin[a] = pads[i]
            end[a] = pads[i + axes.count]
        }
        var out = x
        var sources: [[Int]] = []
        for a in 0..<rank {
            out[a] = x[a] + begin[a] + end[a]
            guard out[a] >= 0 else { throw OpFailure.shape("pads \(begin[a]), \(end[a]) crop more than axis \(a) holds") }
            if mode == .reflect && (begin[a] >= x[a] || end[a] >= x[a]) && (begin[a] > 0 || end[a] > 0) {
                throw OpFailure.shape("reflect pads \(begin[a]), \(end[a]) must be smaller than axis \(a) (\(x[a]))")
            }
            if mode == .edge && x[a] == 0 && out[a] > 0 {
                throw OpFailure.shape("edge padding of an empty axis \(a)")
            }
            sources.append((0..<out[a]).map { o in
                let i = o - begin[a]
                if i >= 0 && i < x[a] { return i }
                switch mode {
                case .constant: return -1
                case .edge: return i < 0 ? 0 : x[a] - 1
                case .reflect: return i < 0 ? -i : 2 * (x[a] - 1) - i
                }
            })
        }
        return PadShape(inputShape: x, outputShape: out, mode: mode, value: value, begins: begin, sources: sources)
    }
}

extension Reference {
    /// The plain Pad: `y[o] = x[source(o)]`, or `fill` where the source is outside the input.
    static func pad<T>(_ s: PadShape, fill: T, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        let strides = ShapeMath.strides(s.inputShape)
        var o = 0
        func walk(_ axis: Int, _ offset: Int, _ inside: Bool) {
            if axis == s.sources.count {
                y[o] = inside ? x[offset] : fill
                o += 1
                return
            }
            for source in s.sources[axis] {
                walk(axis + 1, offset + max(source, 0) * strides[axis], inside && source >= 0)
            }
        }
        if ShapeMath.count(s.outputShape) ?? 0 > 0 { walk(0, 0, true) }
    }
}

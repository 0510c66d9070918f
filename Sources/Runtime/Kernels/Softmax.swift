// x (outer, L, inner) -> y (outer, L, inner): softmax along the middle dimension.
//
// Opset 13 and later normalise along one axis: outer is the product of the dimensions before it,
// inner of those after. Earlier opsets flatten the axis and everything after it into L (inner 1).
// With inner 1 (a classifier's logits) each row is reduced eight lanes at a time; otherwise
// eight neighbouring inner positions are normalised together, walking L with stride `inner`.

/// Softmax over the middle dimension of (outer, L, inner).
public struct Softmax: Sendable, Hashable {
    /// Product of the dimensions before the axis, the axis length, and the product after it.
    public let outer: Int, length: Int, inner: Int

    /// Softmax over `length` values `inner` apart, `outer` times.
    public init(outer: Int, length: Int, inner: Int) {
        precondition(outer >= 0 && length >= 0 && inner >= 0, "Softmax: negative size")
        self.outer = outer
        self.length = length
        self.inner = inner
    }

    /// `y = exp(x - max) / sum exp(x - max)` along the axis; `y` may be `x`.
    public func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        guard length > 0 else { return }
        let (length, inner) = (length, inner)
        let grain = parallelism.grain(for: outer, minimum: max(1, 8192 / max(1, length * inner)))
        parallelism.forEachRange(outer, grain: grain) { range, _ in
            for o in range {
                let p = x + o * length * inner, q = y + o * length * inner
                if inner == 1 {
                    Self.row(p, q, length)
                } else {
                    var j = 0
                    while j + 8 <= inner { Self.columns8(p + j, q + j, length, inner); j += 8 }
                    while j < inner { Self.column(p + j, q + j, length, inner); j += 1 }
                }
            }
        }
    }

    @inline(__always)
    static func row(_ p: UnsafePointer<Float>, _ q: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        var mv = Vec8(repeating: -.infinity)
        while i + 8 <= n { mv = VectorMath.max(mv, p.vec8(i)); i += 8 }
        var m = VectorMath.max(mv)
        while i < n { m = Swift.max(m, p[i]); i += 1 }
        let mb = Vec8(repeating: m)
        var sv = Vec8.zero
        i = 0
        while i + 8 <= n { let e = VectorMath.exp(p.vec8(i) - mb); q.store(e, at: i); sv += e; i += 8 }
        var s = VectorMath.sum(sv)
        while i < n { let e = ScalarMath.exp(p[i] - m); q[i] = e; s += e; i += 1 }
        let r = 1 / s, rv = Vec8(repeating: r)
        i = 0
        while i + 8 <= n { q.store(q.vec8(i) * rv, at: i); i += 8 }
        while i < n { q[i] *= r; i += 1 }
    }

    @inline(__always)
    static func columns8(_ p: UnsafePointer<Float>, _ q: UnsafeMutablePointer<Float>, _ n: Int, _ stride: Int) {
        var m = Vec8(repeating: -.infinity)
        for i in 0..<n { m = VectorMath.max(m, p.vec8(i * stride)) }
        var s = Vec8.zero
        for i in 0..<n { let e = VectorMath.exp(p.vec8(i * stride) - m); q.store(e, at: i * stride); s += e }
        let r = 1 / s
        for i in 0..<n { q.store(q.vec8(i * stride) * r, at: i * stride) }
    }

    @inline(__always)
    static func column(_ p: UnsafePointer<Float>, _ q: UnsafeMutablePointer<Float>, _ n: Int, _ stride: Int) {
        var m = -Float.infinity
        for i in 0..<n { m = Swift.max(m, p[i * stride]) }
        var s: Float = 0
        for i in 0..<n { let e = ScalarMath.exp(p[i * stride] - m); q[i * stride] = e; s += e }
        for i in 0..<n { q[i * stride] /= s }
    }

    /// The specification: double-precision sums, one (outer, inner) position at a time.
    public func reference(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        for o in 0..<outer {
            for j in 0..<inner {
                let base = o * length * inner + j
                var m = -Float.infinity
                for i in 0..<length { m = Swift.max(m, x[base + i * inner]) }
                var s: Double = 0
                for i in 0..<length { s += Double(ScalarMath.exp(x[base + i * inner] - m)) }
                for i in 0..<length {
                    y[base + i * inner] = Float(Double(ScalarMath.exp(x[base + i * inner] - m)) / s)
                }
            }
        }
    }
}

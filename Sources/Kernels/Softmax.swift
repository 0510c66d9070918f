// x (outer, L, inner) -> y (outer, L, inner): softmax along the middle dimension, the fast path
// of `Reference.softmax`.
//
// Opset 13 and later normalise along one axis: outer is the product of the dimensions before it,
// inner of those after. Earlier opsets flatten the axis and everything after it into L (inner 1).
// With inner 1 (a classifier's logits) each row is reduced eight lanes at a time; otherwise
// eight neighbouring inner positions are normalised together, walking L with stride `inner`.

/// Softmax over the middle dimension of (outer, L, inner).
import KernelSupport

struct Softmax: Sendable, Hashable {
    /// Outer, length and inner sizes.
    let shape: SoftmaxShape

    init(shape: SoftmaxShape) {
        self.shape = shape
    }

    /// `y = exp(x - max) / sum exp(x - max)` along the axis; `y` may be `x`.
    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        let (outer, length, inner) = (shape.outer, shape.length, shape.inner)
        guard length > 0 else { return }
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
}

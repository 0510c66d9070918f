// x (outer, inner), scale (inner), b (inner)? -> y (outer, inner): LayerNormalization, the fast
// path of `Reference.layerNorm`.
//
// One row is one token (ViT, Swin) or one position of a channels-last map (ConvNeXt): C values,
// normalised together. Rows are spread over the workers; each row is two passes of eight lanes
// (the sum, then the sum of squared deviations, which does not cancel the way E[x^2] - E[x]^2
// does) and a third that writes (x - mean) * (inverse * scale) + b.

/// LayerNormalization over rows of fixed length.
import KernelSupport

struct LayerNorm: Sendable {
    let shape: LayerNormShape

    init(shape: LayerNormShape) {
        self.shape = shape
    }

    /// Normalises every row; `y` may be `x`.
    func run(_ x: UnsafePointer<Float>, scale: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
             _ y: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        let n = shape.inner, epsilon = shape.epsilon
        guard n > 0 else { return }
        let grain = parallelism.grain(for: shape.outer, minimum: max(1, 8192 / n))
        parallelism.forEachRange(shape.outer, grain: grain) { range, _ in
            for r in range {
                let p = x + r * n, q = y + r * n
                var i = 0
                var sv = Vec8.zero
                while i + 8 <= n { sv += p.vec8(i); i += 8 }
                var sum = VectorMath.sum(sv)
                while i < n { sum += p[i]; i += 1 }
                let mean = sum / Float(n), mv = Vec8(repeating: mean)
                i = 0
                var dv = Vec8.zero
                while i + 8 <= n { let d = p.vec8(i) - mv; dv += d * d; i += 8 }
                var squares = VectorMath.sum(dv)
                while i < n { let d = p[i] - mean; squares += d * d; i += 1 }
                let inverse = 1 / (squares / Float(n) + epsilon).squareRoot(), iv = Vec8(repeating: inverse)
                i = 0
                if let bias {
                    while i + 8 <= n { q.store((p.vec8(i) - mv) * iv * scale.vec8(i) + bias.vec8(i), at: i); i += 8 }
                    while i < n { q[i] = (p[i] - mean) * inverse * scale[i] + bias[i]; i += 1 }
                } else {
                    while i + 8 <= n { q.store((p.vec8(i) - mv) * iv * scale.vec8(i), at: i); i += 8 }
                    while i < n { q[i] = (p[i] - mean) * inverse * scale[i]; i += 1 }
                }
            }
        }
    }
}

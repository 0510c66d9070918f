// BatchNormalization (inference, as a per-channel affine map), LRN and Softmax.
import Foundation

/// Settling the node's attributes at this input size (the shape itself is in KernelSupport).
extension AffineShape {
    /// `scale = gamma / sqrt(var + eps)`, `shift = beta - mean * scale`, computed in double.
    static func batchNormalization(x: [Int], gamma: TypedTensor, beta: TypedTensor, mean: TypedTensor,
                                   variance: TypedTensor, epsilon: Float) throws -> AffineShape {
        guard x.count >= 2 else { throw OpFailure.malformed("input of rank \(x.count) has no channel axis") }
        let c = x[1]
        for (name, t) in [("scale", gamma), ("B", beta), ("mean", mean), ("var", variance)] where t.count != c {
            throw OpFailure.malformed("\(name) holds \(t.count) values for \(c) channels")
        }
        let g = gamma.floats, b = beta.floats, m = mean.floats, v = variance.floats
        var scale = [Float](repeating: 0, count: c), shift = scale
        for i in 0..<c {
            let s = Double(g[i]) / (Double(v[i]) + Double(epsilon)).squareRoot()
            scale[i] = Float(s)
            shift[i] = Float(Double(b[i]) - Double(m[i]) * s)
        }
        return AffineShape(shape: x, scale: scale, shift: shift)
    }
}

extension Reference {
    /// `y = f(x * scale[c] + shift[c])`, f = `s.activation`.
    ///
    ///     x (N, C, ...) -> y (N, C, ...)
    static func affine(_ s: AffineShape, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let inner = s.inner
        var o = 0
        for _ in 0..<s.batch {
            for c in 0..<s.channels {
                let a = s.scale[c], b = s.shift[c]
                for i in 0..<inner { y[o + i] = x[o + i] * a + b }
                o += inner
            }
        }
        if s.activation != .none { activation(s.activation, x: y, y: y, count: o) }
    }

    /// Local response normalisation across channels:
    /// `y = x / (bias + alpha / size * sum of x^2 over the window)^beta`, the window running from
    /// `c - floor((size - 1) / 2)` to `c + ceil((size - 1) / 2)`, in Double, rounded once.
    ///
    ///     x (N, C, ...) -> y (N, C, ...)
    static func lrn(_ a: LRNAttributes, shape: [Int], x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let batch = shape[0], channels = shape[1], inner = shape.dropFirst(2).reduce(1, *)
        let before = (a.size - 1) / 2, after = a.size - 1 - before
        let scale = Double(a.alpha) / Double(a.size)
        for n in 0..<batch {
            let base = n * channels * inner
            for c in 0..<channels {
                let lo = max(0, c - before), hi = min(channels - 1, c + after)
                for i in 0..<inner {
                    var sum: Double = 0
                    if lo <= hi {
                        for k in lo...hi {
                            let v = Double(x[base + k * inner + i])
                            sum += v * v
                        }
                    }
                    let index = base + c * inner + i
                    y[index] = Float(Double(x[index]) / Foundation.pow(Double(a.bias) + scale * sum, Double(a.beta)))
                }
            }
        }
    }

    /// Softmax over the middle dimension, stabilised by subtracting the maximum; the sum of
    /// exponentials in Double, each quotient rounded once.
    ///
    ///     x (outer, length, inner) -> y (outer, length, inner)
    static func softmax(_ s: SoftmaxShape, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        for o in 0..<s.outer {
            for i in 0..<s.inner {
                let base = o * s.length * s.inner + i
                var top = -Float.infinity
                for k in 0..<s.length { top = max(top, x[base + k * s.inner]) }
                var sum: Double = 0
                for k in 0..<s.length { sum += Double(ScalarMath.exp(x[base + k * s.inner] - top)) }
                for k in 0..<s.length {
                    y[base + k * s.inner] = Float(Double(ScalarMath.exp(x[base + k * s.inner] - top)) / sum)
                }
            }
        }
    }
}

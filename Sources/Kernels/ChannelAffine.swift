// x (N, C, H, W) -> y (N, C, H, W): y = f(x * scale[c] + shift[c]), the fast path of
// `Reference.affine`.
//
// Standalone BatchNormalization (DenseNet normalises after a concat, before its convs, where it
// cannot fold into a producer) reduces to a per-channel affine map once its statistics are
// known: scale = gamma / sqrt(var + epsilon), shift = beta - mean * scale, computed at load
// (`AffineShape.batchNormalization`).

/// A per-channel affine map with a fused activation: inference-mode BatchNormalization.
import KernelSupport

struct ChannelAffine: Sendable {
    /// The tensor's shape, and one multiplier and one addend per channel.
    let shape: AffineShape
    /// Applied last.
    let activation: Activation

    init(shape: AffineShape, activation: Activation = .none) {
        self.shape = shape
        self.activation = activation
    }

    /// Maps the batch; `y` may be `x`.
    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        let c = shape.channels, planes = shape.batch * c, planeSize = shape.inner
        let grain = parallelism.grain(for: planes, minimum: max(1, 8192 / max(1, planeSize)))
        shape.scale.withUnsafeBufferPointer { scale in
            shape.shift.withUnsafeBufferPointer { shift in
                parallelism.forEachRange(planes, grain: grain) { range, _ in
                    for plane in range {
                        let channel = plane % c
                        let s = scale[channel], t = shift[channel]
                        let sv = Vec8(repeating: s), tv = Vec8(repeating: t)
                        let p = x + plane * planeSize, q = y + plane * planeSize
                        var i = 0
                        while i + 8 <= planeSize { q.store(p.vec8(i) * sv + tv, at: i); i += 8 }
                        while i < planeSize { q[i] = p[i] * s + t; i += 1 }
                        activation.apply(q, count: planeSize)
                    }
                }
            }
        }
    }
}

// x (N, C, H, W) -> y (N, C, H, W): y = f(x * scale[c] + shift[c]).
//
// Standalone BatchNormalization (DenseNet normalises after a concat, before its convs, where it
// cannot fold into a producer) reduces to a per-channel affine map once its statistics are
// known: scale = gamma / sqrt(var + epsilon), shift = beta - mean * scale, computed at load.

/// A per-channel affine map with a fused activation: inference-mode BatchNormalization.
public struct ChannelAffine: Sendable, Hashable {
    /// One multiplier and one addend per channel.
    public let scale: [Float], shift: [Float]
    /// Applied last.
    public let activation: Activation

    /// `y = f(x * scale[c] + shift[c])`.
    public init(scale: [Float], shift: [Float], activation: Activation = .none) {
        precondition(scale.count == shift.count, "ChannelAffine: \(scale.count) scales, \(shift.count) shifts")
        self.scale = scale
        self.shift = shift
        self.activation = activation
    }

    /// BatchNormalization in inference mode:
    /// `y = gamma (x - mean) / sqrt(variance + epsilon) + beta`.
    public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float,
                activation: Activation = .none) {
        let c = gamma.count
        precondition(beta.count == c && mean.count == c && variance.count == c,
                     "ChannelAffine: BatchNormalization parameters of unequal lengths")
        var scale = [Float](repeating: 0, count: c), shift = scale
        for i in 0..<c {
            let s = Double(gamma[i]) / (Double(variance[i]) + Double(epsilon)).squareRoot()
            scale[i] = Float(s)
            shift[i] = Float(Double(beta[i]) - Double(mean[i]) * s)
        }
        self.init(scale: scale, shift: shift, activation: activation)
    }

    /// Channels, C.
    public var channels: Int { scale.count }

    /// Maps `batch` images of C planes of `planeSize` (H * W) floats; `y` may be `x`.
    public func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                    planeSize: Int, parallelism: Parallelism) {
        let c = channels
        let grain = parallelism.grain(for: batch * c, minimum: max(1, 8192 / max(1, planeSize)))
        scale.withUnsafeBufferPointer { scale in
            shift.withUnsafeBufferPointer { shift in
                parallelism.forEachRange(batch * c, grain: grain) { range, _ in
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

    /// The specification: one multiply-add per element.
    public func reference(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                          planeSize: Int) {
        for plane in 0..<batch * channels {
            let channel = plane % channels
            for i in 0..<planeSize {
                y[plane * planeSize + i] = activation.reference(x[plane * planeSize + i] * scale[channel] + shift[channel])
            }
        }
    }
}

extension Activation {
    /// A standalone activation over `count` floats, spread over the workers; `y` may be `x`.
    public func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
                    parallelism: Parallelism) {
        let grain = parallelism.grain(for: count, minimum: 1 << 14)
        parallelism.forEachRange(count, grain: grain) { range, _ in
            apply(x + range.lowerBound, y + range.lowerBound, count: range.count)
        }
    }
}

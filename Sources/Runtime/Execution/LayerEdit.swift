// Edits: rewrites of a layer's output before the rest of the graph reads it. Unit ablation zeroes
// chosen channels; the paper's rotation experiment multiplies the channel vector at every
// position by a matrix.
//
//     x (N, C, P...) -> x' (N, C, P...)   in place, P the positions (H * W for a feature map)

/// A rewrite of one layer's output, applied as soon as the layer is computed.
public enum LayerEdit: Sendable, Equatable {
    /// Sets the given channels (units) to zero at every position.
    case zeroUnits(Set<Int>)
    /// Replaces the channel vector `x` at every position by `M x`, with `M` a C x C matrix in
    /// row-major order: `x'[c] = sum over k of M[c * C + k] * x[k]`.
    case channelMatrix([Float])

    /// Why this edit does not fit a layer of `channels` channels, or nil when it does.
    func problem(channels: Int) -> String? {
        switch self {
        case let .zeroUnits(units):
            if let bad = units.first(where: { $0 < 0 || $0 >= channels }) {
                return "unit \(bad) does not exist (the layer has \(channels) units, 0...\(channels - 1))"
            }
            return nil
        case let .channelMatrix(m):
            if m.count != channels * channels {
                return "the matrix has \(m.count) values; a layer of \(channels) units needs \(channels) x \(channels) = \(channels * channels)"
            }
            if m.contains(where: { !$0.isFinite }) { return "the matrix contains a non-finite value" }
            return nil
        }
    }

    /// Floats of scratch `apply` needs for one image of `channels` x `positions`.
    func scratchCount(channels: Int, positions: Int) -> Int {
        switch self {
        case .zeroUnits: 0
        case .channelMatrix: channels * positions
        }
    }

    /// Applies the edit in place to `batch` images of `channels` x `positions` values.
    func apply(_ x: UnsafeMutablePointer<Float>, batch: Int, channels: Int, positions: Int,
               scratch: UnsafeMutablePointer<Float>?) {
        let image = channels * positions
        switch self {
        case let .zeroUnits(units):
            for n in 0..<batch {
                for u in units { (x + n * image + u * positions).update(repeating: 0, count: positions) }
            }
        case let .channelMatrix(m):
            guard let scratch else { preconditionFailure("LayerEdit.channelMatrix: scratch missing") }
            m.withBase { mp in
                for n in 0..<batch {
                    let xn = x + n * image
                    scratch.update(from: xn, count: image)
                    // x'(C, P) = M (C, C) * x (C, P)
                    for c in 0..<channels {
                        let row = xn + c * positions
                        row.update(repeating: 0, count: positions)
                        for k in 0..<channels {
                            let w = mp[c * channels + k]
                            if w == 0 { continue }
                            let src = scratch + k * positions
                            for p in 0..<positions { row[p] += w * src[p] }
                        }
                    }
                }
            }
        }
    }
}

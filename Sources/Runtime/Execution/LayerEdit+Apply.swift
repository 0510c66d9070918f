// An edit applied outside a session, to values already computed: the same arithmetic, in the same
// order, as a session applies to the edited layer. The rotation experiment taps a layer once and
// applies several channel matrices to it; because nothing downstream of the deepest tap runs,
// this is bit for bit what a session with the edit on that layer would return, without running
// the network once per matrix.
//
//     values (N, C, P...) -> values' (N, C, P...)   in place

extension LayerEdit {
    /// Applies the edit in place to `images` feature maps of `channels` x `positions` values.
    /// - Precondition: `values.count == images * channels * positions` and the edit fits
    ///   `channels` (unit indices in range, a `channels x channels` matrix).
    public func apply(to values: inout [Float], images: Int, channels: Int, positions: Int) {
        precondition(images >= 0 && channels >= 0 && positions >= 0, "LayerEdit.apply: negative size")
        precondition(values.count == images * channels * positions,
                     "LayerEdit.apply: \(values.count) values for \(images) x \(channels) x \(positions)")
        if let problem = problem(channels: channels) { preconditionFailure("LayerEdit.apply: \(problem)") }
        var scratch = [Float](repeating: 0, count: scratchCount(channels: channels, positions: positions))
        values.withMutableBase { x in
            scratch.withMutableBase { s in
                apply(x, batch: images, channels: channels, positions: positions, scratch: s)
            }
        }
    }

    /// Applies the edit in place to a tensor `(N, C, ...)`.
    /// - Precondition: rank at least 2 and the edit fits `C`.
    public func apply(to tensor: inout Tensor) {
        precondition(tensor.rank >= 2, "LayerEdit.apply: a tensor of shape \(tensor.shape) has no channel axis")
        apply(to: &tensor.data, images: tensor.shape[0], channels: tensor.shape[1],
              positions: tensor.shape.dropFirst(2).reduce(1, *))
    }
}

// A rewrite of the per-image graph made when planning a session: an average pool that keeps the
// map's size, read only by a 1x1 convolution with fewer output channels than the pool has
// planes, moves after that convolution. Both are linear maps, the pool along each plane and the
// convolution across planes at each position, so
//     conv(avg(x)) = avg(w * x) + b
// with the bias after the pool (with count_include_pad the window's weights sum to less than
// one at the map's edges, so avg(w * x + b) would not do). The pool then averages the
// convolution's OC planes instead of its C: Inception-v3's `branch_pool`s average 192 -> 32,
// 256 / 288 -> 64, 768 -> 192 (four times), 1280 / 2048 -> 192 planes. Rounding differs from
// the graph's order by a few ulps of the sums; nothing else changes.

extension ResolvedGraph {
    /// Moves each average pool after the 1x1 convolution that alone reads it (see the top of the
    /// file), where the pool keeps the size of a 2-D map, its output is not in `protected`
    /// (tapped, edited or an output), the convolution (1x1, stride 1, no pad, one group,
    /// constant weights and bias) has fewer output channels than the pool's planes. The
    /// convolution's output value keeps its name: a per-channel affine node adds the bias to the
    /// pooled planes (or the pool writes it when there is no bias).
    func poolingAfterPointwise(protected: Set<String>) -> ResolvedGraph {
        let counts = consumerCounts
        let producers = self.producers
        var result = self
        var replacements: [Int: [ComputeNode]] = [:]
        var removed = Set<Int>()
        for (i, node) in nodes.enumerated() {
            guard case let .conv(conv, outputShape) = node.op, conv.isPointwiseMix,
                  case let .runtime(pooled, _)? = node.inputs.first,
                  let p = producers[pooled], !removed.contains(p), counts[pooled] == 1, !protected.contains(pooled),
                  case let .pool(.average(includePad), pool, _) = nodes[p].op, pool.keepsPlanarSize,
                  case let .runtime(x, xShape)? = nodes[p].inputs.first,
                  conv.outputChannels < pool.channels, conv.inputChannels == pool.channels,
                  let weights = node.inputs[1]?.constant else { continue }
            let bias = node.inputs.count > 2 ? node.inputs[2] : nil
            if bias != nil && bias?.constant == nil { continue }
            let shift = bias?.constant?.floats ?? []
            let mixed = result.freshName(node.output + " (before the pool)")
            result.shapes[mixed] = outputShape
            var first = node
            first.inputs = [.runtime(name: x, shape: xShape), .constant(weights)]
            first.output = mixed
            var pooling = result.nodes[p]
            var poolShape = pool
            poolShape.channels = conv.outputChannels
            pooling.op = .pool(.average(countIncludePad: includePad), poolShape, outputShape: outputShape)
            pooling.inputs = [.runtime(name: mixed, shape: outputShape)]
            var replacement = [first, pooling]
            if shift.contains(where: { $0 != 0 }) {
                let averaged = result.freshName(node.output + " (pooled)")
                result.shapes[averaged] = outputShape
                pooling.output = averaged
                replacement[1] = pooling
                replacement.append(ComputeNode(
                    name: node.name + " bias", opType: "Add",
                    op: .affine(AffineShape(shape: outputShape, scale: [Float](repeating: 1, count: shift.count),
                                            shift: shift)),
                    inputs: [.runtime(name: averaged, shape: outputShape)], output: node.output, scopes: node.scopes))
            } else {
                pooling.output = node.output
                replacement[1] = pooling
            }
            replacements[i] = replacement
            removed.insert(p)
            result.shapes[pooled] = nil
        }
        guard !replacements.isEmpty else { return self }
        result.nodes = nodes.indices.flatMap { i -> [ComputeNode] in
            if removed.contains(i) { return [] }
            return replacements[i] ?? [result.nodes[i]]
        }
        return result
    }

    /// `name`, or `name` with a number after it, whichever names no value yet.
    func freshName(_ name: String) -> String {
        var candidate = name, n = 2
        while shapes[candidate] != nil || constants.contains(candidate) {
            candidate = "\(name) \(n)"
            n += 1
        }
        return candidate
    }
}

extension ConvShape {
    /// A 1x1 convolution that only mixes channels: stride 1, no pad, one group, 2-D.
    var isPointwiseMix: Bool {
        let w = window
        return w.kernelHeight == 1 && w.kernelWidth == 1 && w.strideHeight == 1 && w.strideWidth == 1
            && w.padTop == 0 && w.padLeft == 0 && w.padBottom == 0 && w.padRight == 0 && groups == 1 && w.isPlanar
    }
}

extension PoolShape {
    /// A 2-D pool whose output is as large as its input (stride 1, pads filling the window).
    var keepsPlanarSize: Bool {
        isPlanar && window.strideHeight == 1 && window.strideWidth == 1
            && outputHeight == inputHeight && outputWidth == inputWidth
    }
}

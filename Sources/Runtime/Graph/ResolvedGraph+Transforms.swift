// Rewrites of the per-image graph made when planning a session: BatchNormalization folded into
// the convolution before it, and everything the requested values do not depend on dropped (so a
// session runs only as far as its deepest tap).

extension ResolvedGraph {
    /// How many nodes read each per-image value.
    var consumerCounts: [String: Int] {
        var counts: [String: Int] = [:]
        for node in nodes {
            for name in node.runtimeInputs { counts[name, default: 0] += 1 }
        }
        return counts
    }

    /// For each per-image value read by exactly one node and not in `protected` (tapped, edited
    /// or an output): that node's index. What a fusion may fold away.
    func soleReaders(protected: Set<String>) -> [String: Int] {
        let counts = consumerCounts
        var readers: [String: Int] = [:]
        for (i, node) in nodes.enumerated() {
            for name in node.runtimeInputs where counts[name] == 1 && !protected.contains(name) { readers[name] = i }
        }
        return readers
    }

    /// The index of the node computing each value.
    var producers: [String: Int] {
        var map: [String: Int] = [:]
        for (i, node) in nodes.enumerated() { map[node.output] = i }
        return map
    }

    /// Folds each BatchNormalization into the Conv that feeds it, when the Conv's weights are
    /// constants and its raw output is read by the BatchNormalization alone and is not in
    /// `protected` (tapped, edited or an output): `w' = w * scale[oc]`, `b' = b * scale + shift`.
    /// The Conv then computes the BatchNormalization's output value.
    func foldingBatchNormalization(protected: Set<String>) -> ResolvedGraph {
        let counts = consumerCounts
        let producers = self.producers
        var result = self
        var removed = Set<Int>()
        for (i, node) in nodes.enumerated() {
            guard case let .affine(affine) = node.op, case let .runtime(input, _)? = node.inputs.first,
                  let p = producers[input], !removed.contains(p),
                  case let .conv(conv, _) = result.nodes[p].op,
                  counts[input] == 1, !protected.contains(input),
                  let weights = result.nodes[p].inputs[1]?.constant else { continue }
            let bias = result.nodes[p].inputs.count > 2 ? result.nodes[p].inputs[2] : nil
            if bias != nil && bias?.constant == nil { continue }
            let perChannel = conv.weightCount / conv.outputChannels
            var w = weights.floats
            var b = bias?.constant?.floats ?? [Float](repeating: 0, count: conv.outputChannels)
            for oc in 0..<conv.outputChannels {
                let s = affine.scale[oc]
                for j in 0..<perChannel { w[oc * perChannel + j] *= s }
                b[oc] = b[oc] * s + affine.shift[oc]
            }
            var folded = result.nodes[p]
            folded.inputs = [folded.inputs[0], .constant(TypedTensor(shape: weights.shape, floats: w)),
                             .constant(TypedTensor(shape: [conv.outputChannels], floats: b))]
            folded.output = node.output
            result.nodes[p] = folded
            removed.insert(i)
        }
        result.nodes = result.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        return result
    }

    /// Only the nodes `keep` depends on, in order.
    func pruned(keeping keep: Set<String>) -> ResolvedGraph {
        var needed = keep
        var kept: [ComputeNode] = []
        for node in nodes.reversed() where needed.contains(node.output) {
            kept.append(node)
            needed.formUnion(node.runtimeInputs)
        }
        var result = self
        result.nodes = kept.reversed()
        return result
    }
}

extension ResolvedGraph {
    /// Whether this graph (resolved at batch 1) computes each image on its own, judged against
    /// the same graph resolved at batch 2: the same nodes, every per-image value with the batch
    /// as its first axis (1 here, 2 there), and every folded constant the same. A graph where
    /// the batch size leaks into a value (Size, Shape read as a number, a reshape or reduction
    /// across images) fails the comparison, so running it image by image would change results.
    func computesImagesIndependently(comparedWith double: ResolvedGraph) -> Bool {
        guard inputShape.first == 1, nodes.count == double.nodes.count else { return false }
        for (one, two) in zip(nodes, double.nodes) {
            guard one.name == two.name, one.opType == two.opType, one.output == two.output,
                  one.inputs.count == two.inputs.count,
                  let shape = shapes[one.output], shape.first == 1,
                  double.shapes[two.output] == [2] + shape.dropFirst() else { return false }
            for (a, b) in zip(one.inputs, two.inputs) {
                switch (a, b) {
                case (nil, nil), (.runtime?, .runtime?): continue
                case let (.constant(x)?, .constant(y)?) where x == y: continue
                default: return false
                }
            }
        }
        return true
    }
}

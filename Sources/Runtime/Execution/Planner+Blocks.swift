// Pass 1, second half: inverted residual blocks.
//
// After the epilogues are fused, three convolution steps in a row (a 1x1 expansion, a depthwise
// convolution, a 1x1 projection with its residual; or the last two alone) whose values in between
// are read by nothing else (not tapped, edited, output or read by another node) are offered to
// the providers as one `InvertedResidualRequest`. A provider that takes it computes the block a
// band of rows at a time, the values in between staying in cache; they get no storage in the
// arena. Declined, the steps stay as they were.
import KernelSupport

extension Planner {
    /// `specs` with every block a provider takes merged into one step; `readers` is
    /// `graph.soleReaders` of the values not tapped or edited (the epilogue fusion's).
    func fuseBlocks(_ specs: [StepSpec], readers: [String: Int]) -> [StepSpec] {
        guard !providers.isEmpty else { return specs }
        /// Whether the step `value`'s only reader is `step`'s convolution (and nothing keeps it).
        func feeds(_ value: String, _ step: StepSpec) -> Bool {
            guard case let .conv(node, _, _) = step.kind, let k = readers[value] else { return false }
            return graph.nodes[k].output == node.output && step.reads.first == value
        }
        func plain(_ step: StepSpec) -> (ComputeNode, Activation)? {
            guard case let .conv(node, nil, activation) = step.kind else { return nil }
            return (node, activation)
        }
        var result: [StepSpec] = []
        var i = 0
        while i < specs.count {
            // With an expansion: specs i, i + 1, i + 2; without: i, i + 1.
            var merged: StepSpec?
            for length in [3, 2] where merged == nil && i + length <= specs.count {
                let chain = Array(specs[i..<(i + length)])
                guard zip(chain, chain.dropFirst()).allSatisfy({ feeds($0.0.output, $0.1) }),
                      case let .conv(last, residual, lastActivation) = chain[length - 1].kind,
                      let middle = plain(chain[length - 2]),
                      length == 2 || plain(chain[0]) != nil else { continue }
                let first = length == 3 ? plain(chain[0]) : nil
                let request = InvertedResidualRequest(
                    expand: first.map { convolutionRequest($0.0, residual: nil, activation: $0.1) },
                    depthwise: convolutionRequest(middle.0, residual: nil, activation: middle.1),
                    project: convolutionRequest(last, residual: residual, activation: lastActivation))
                guard let kernel = providers.lazy.compactMap({ $0.invertedResidual(request) }).first else { continue }
                merged = StepSpec(name: chain.map(\.name).joined(separator: " + "),
                                  kind: .block(kernel, residual: residual),
                                  reads: [chain[0].reads[0]] + (residual.map { [$0] } ?? []),
                                  output: chain[length - 1].output)
                i += length
            }
            if let merged {
                result.append(merged)
            } else {
                result.append(specs[i])
                i += 1
            }
        }
        return result
    }

    /// The request offering convolution `node` (with its fused residual and activation).
    func convolutionRequest(_ node: ComputeNode, residual: String?, activation: Activation) -> ConvolutionRequest {
        guard case let .conv(shape, outputShape) = node.op, let weights = node.inputs[1]?.constant?.floats else {
            preconditionFailure("malformed conv step")
        }
        let bias = node.inputs.count > 2 ? node.inputs[2]?.constant?.floats : nil
        return ConvolutionRequest(shape: shape, batch: outputShape[0], weights: weights, bias: bias,
                                  hasResidual: residual != nil, activation: activation)
    }
}

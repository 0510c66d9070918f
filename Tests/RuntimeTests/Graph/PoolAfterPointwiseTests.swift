// Average pools that keep the map's size move after the 1x1 convolution reading them when it has
// fewer output channels (`ResolvedGraph.poolingAfterPointwise`): the same values within
// rounding, with and without count_include_pad and a bias; the pool then averages the fewer
// planes; nothing moves where the pool's output is tapped, or the convolution does not narrow.
import Testing
@testable import Runtime

@Suite struct PoolAfterPointwiseTests {
    /// x (N, 8, 6, 7) -> AveragePool 3x3, pads 1 -> Conv 1x1 (8 -> oc) -> Relu -> y.
    func model(oc: Int, includePad: Int, bias: Bool) throws -> ONNXModel {
        var m = ModelBuilder(inputDims: ["N", 8, 6, 7])
        m.node("AveragePool", ["x"], ["p"], ["kernel_shape": [3, 3], "pads": [1, 1, 1, 1],
                                             "count_include_pad": includePad])
        m.initializer("w", [oc, 8, 1, 1], Tensor.random([oc, 8, 1, 1], seed: 5).data)
        if bias { m.initializer("b", [oc], Tensor.random([oc], seed: 6).data.map { $0 + 0.5 }) }
        m.node("Conv", ["p", "w"] + (bias ? ["b"] : []), ["c"], ["kernel_shape": [1, 1]])
        m.node("Relu", ["c"], ["y"])
        m.outputs = ["y"]
        return try m.load()
    }

    @Test func theConvolutionRunsFirstWithTheSameValues() throws {
        let x = Tensor.random([3, 8, 6, 7], seed: 7)
        for includePad in [0, 1] {
            for bias in [true, false] {
                let model = try model(oc: 3, includePad: includePad, bias: bias)
                let moved = try model.session(height: 6, width: 7, threads: 2)
                // Tapping the pool's output keeps the graph's order: the values to match.
                let kept = try model.session(height: 6, width: 7, taps: ["p", "y"], threads: 2)
                let graph = try model.resolved(batch: 1, height: 6, width: 7)
                #expect(order(graph.poolingAfterPointwise(protected: ["y"])) == (bias ? "conv pool3 affine relu" : "conv pool3 relu"))
                #expect(order(graph.poolingAfterPointwise(protected: ["p", "y"])) == "pool8 conv relu")
                // In the plan the ReLU rides on the bias, one pass, where there is one.
                let steps = try moved.planSummary()
                #expect(steps.count == 3 && steps.contains { $0.contains(" bias + ") } == bias, "\(steps)")
                for batch in [1, 3] {
                    let input = batch == 3 ? x : Tensor(shape: [1, 8, 6, 7], data: Array(x.data[0..<336]))
                    let a = try moved.run(input)["y"]!, b = try kept.run(input)["y"]!
                    #expect(a.shape == b.shape)
                    let worst = zip(a.data, b.data).map { abs($0 - $1) / (1 + abs($1)) }.max()!
                    #expect(worst < 1e-5, "count_include_pad \(includePad), bias \(bias), batch \(batch): \(worst)")
                }
            }
        }
    }

    @Test func aWideningConvolutionKeepsThePoolFirst() throws {
        let graph = try model(oc: 8, includePad: 1, bias: true).resolved(batch: 1, height: 6, width: 7)
        #expect(order(graph.poolingAfterPointwise(protected: ["y"])) == "pool8 conv relu")
    }

    /// The nodes in order: conv, poolC (C planes), affine, relu.
    func order(_ graph: ResolvedGraph) -> String {
        graph.nodes.map { node in
            switch node.op {
            case .conv: "conv"
            case let .pool(_, shape, _): "pool\(shape.channels)"
            case .affine: "affine"
            case .activation: "relu"
            default: "\(node.op)"
            }
        }.joined(separator: " ")
    }
}

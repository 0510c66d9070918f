// Sessions: taps, edits, running only as far as needed, plans reused per batch size, fixed-batch
// chunking, fusion and BatchNormalization folding in the plan, and the memory plan's reuse.
import Testing
import TestSupport
@testable import Runtime

@Suite struct SessionTests {
    /// x (N, 3, 2, 2) -> Relu "r" -> Conv 1x1 w (2, 3) "c" -> Neg "y".
    func model() throws -> ONNXModel {
        var m = ModelBuilder(inputDims: ["N", 3, 2, 2])
        m.initializer("w", [2, 3, 1, 1], [1, 2, 3, -1, 0, 1])
        m.node("Relu", ["x"], ["r"], name: "relu")
        m.node("Conv", ["r", "w"], ["c"], name: "conv")
        m.node("Neg", ["c"], ["y"], name: "neg")
        m.outputs = ["y"]
        return try m.load()
    }

    /// y = -(W r) at every position, computed directly in Double: the specification the edits
    /// must meet. With the same loop on `magnitudes` (|r|, or what bounds it), also returns the
    /// magnitudes |W| |r| of the terms, for `RoundingBound.bounds`.
    func expected(_ r: [Double], magnitudes: [Double], batch: Int) -> (y: [Float], magnitudes: [Float]) {
        let w: [Double] = [1, 2, 3, -1, 0, 1]
        var y = [Float](repeating: 0, count: batch * 2 * 4), m = y
        for n in 0..<batch { for o in 0..<2 { for p in 0..<4 {
            var s = 0.0, a = 0.0
            for c in 0..<3 {
                s += w[o * 3 + c] * r[(n * 3 + c) * 4 + p]
                a += abs(w[o * 3 + c]) * magnitudes[(n * 3 + c) * 4 + p]
            }
            y[(n * 2 + o) * 4 + p] = Float(-s)
            m[(n * 2 + o) * 4 + p] = Float(a)
        } } }
        return (y, m)
    }

    @Test func zeroUnitsEdit() throws {
        let x = Tensor.random([2, 3, 2, 2], seed: 3)
        let out = try model().session(inputSize: 2, taps: ["r", "y"], edits: ["relu": .zeroUnits([0, 2])]).run(x)
        var r = x.data.map { max(0, $0) }
        for n in 0..<2 { for c in [0, 2] { for p in 0..<4 { r[(n * 3 + c) * 4 + p] = 0 } } }
        #expect(out["r"]!.data == r, "the tap of an edited layer shows the edit")
        // The 1x1 convolution: three products and two sums.
        let (y, m) = expected(r.map(Double.init), magnitudes: r.map { Double(abs($0)) }, batch: 2)
        assertClose(out["y"]!.data, y, bounds: RoundingBound.bounds(depth: 3, magnitudes: m))
    }

    @Test func channelMatrixEdit() throws {
        let x = Tensor.random([2, 3, 2, 2], seed: 4)
        // A rotation mixing units 0 and 1; unit 2 doubled.
        let m: [Float] = [0, -1, 0, 1, 0, 0, 0, 0, 2]
        let out = try model().session(inputSize: 2, taps: ["y"], edits: ["r": .channelMatrix(m)]).run(x)
        let r = x.data.map { Double(max(0, $0)) }
        var rotated = r, magnitudes = r
        for n in 0..<2 { for p in 0..<4 {
            let v = (0..<3).map { r[(n * 3 + $0) * 4 + p] }
            for c in 0..<3 {
                rotated[(n * 3 + c) * 4 + p] = (0..<3).map { Double(m[c * 3 + $0]) * v[$0] }.reduce(0, +)
                magnitudes[(n * 3 + c) * 4 + p] = (0..<3).map { Double(abs(m[c * 3 + $0])) * v[$0] }.reduce(0, +)
            }
        } }
        // The matrix (three products, two sums), then the 1x1 convolution (as many): six deep,
        // M = |W| |m| |r|.
        let (y, bound) = expected(rotated, magnitudes: magnitudes, batch: 2)
        assertClose(out["y"]!.data, y, bounds: RoundingBound.bounds(depth: 6, magnitudes: bound))
        // The identity changes nothing: 1 * v + 0 * w + 0 * z is v exactly, in any order.
        let identity = try model().session(inputSize: 2, edits: ["r": .channelMatrix([1, 0, 0, 0, 1, 0, 0, 0, 1])]).run(x)
        #expect(identity["y"]!.data == (try model().session(inputSize: 2).run(x)["y"]!.data))
    }

    @Test func runsOnlyAsFarAsTheDeepestTap() throws {
        let session = try model().session(inputSize: 2, taps: ["relu"])
        let steps = try session.planSummary(batch: 3)
        #expect(steps.count == 1 && steps[0].hasPrefix("relu"))
        #expect(try session.run(.random([3, 3, 2, 2], seed: 1))["relu"]!.shape == [3, 3, 2, 2])
        #expect(session.outputShapes["relu"] == [3, 2, 2])
    }

    @Test func plansAreReusedPerBatchSize() throws {
        let session = try model().session(inputSize: 2)
        let a = try session.plan(batch: 2), b = try session.plan(batch: 2), c = try session.plan(batch: 5)
        #expect(a === b && a !== c)
        let x = Tensor.random([2, 3, 2, 2], seed: 9)
        #expect(try session.run(x) == session.run(x), "a plan reused gives the same answer")
    }

    /// A batch on image lanes (each lane a one-image plan on one thread) gives what one plan for
    /// the whole batch gives, for every tap and with an edit, whatever the batch size against
    /// the number of lanes; a batch smaller than the lanes runs on the batch plan.
    @Test func imageLanesMatchTheBatchPlan() throws {
        let taps = ["r", "c", "y"]  // value names, so the plan's outputs are keyed the same
        let lanes = try Session(model: model(), height: 2, width: 2, taps: taps, edits: ["r": .zeroUnits([1])],
                                providers: KernelProviders.standard(threads: 2), lanes: 3,
                                laneProviders: KernelProviders.standard(threads: 1))
        for n in [2, 3, 4, 7] {
            let x = Tensor.random([n, 3, 2, 2], seed: UInt64(n))
            let whole = try lanes.plan(batch: n)
            let expected = x.data.withBase { whole.run($0) }
            let actual = try lanes.run(x)
            for tap in taps {
                #expect(actual[tap]!.shape == [n] + lanes.outputShapes[tap]!, "batch \(n) \(tap)")
                #expect(actual[tap]!.data == expected[tap]!.data, "batch \(n) \(tap)")
            }
            #expect(actual["r"]!.data[4..<8].allSatisfy { $0 == 0 }, "unit 1 of the first image is zeroed")
        }
    }

    /// A graph whose output does not keep the batch as its first axis cannot run image by
    /// image: it runs on the batch plan, and its shape is the batch plan's.
    @Test func batchFlattenedAwayRunsOnTheBatchPlan() throws {
        var m = ModelBuilder(inputDims: ["N", 3, 2, 2])
        m.node("Flatten", ["x"], ["f"], ["axis": 0])
        m.outputs = ["f"]
        let x = Tensor.random([4, 3, 2, 2], seed: 3)
        let out = try m.load().session(height: 2, width: 2, threads: 2).run(x)["f"]!
        #expect(out.shape == [1, 48] && out.data == x.data)
    }

    @Test func fixedBatchModelsRunInChunks() throws {
        var m = ModelBuilder(inputDims: [1, 3, 2, 2])
        m.node("Relu", ["x"], ["y"])
        m.outputs = ["y"]
        let session = try m.load().session(inputSize: 2)
        let x = Tensor.random([3, 3, 2, 2], seed: 2)
        #expect(try session.run(x)["y"]!.data == x.data.map { max(0, $0) })
    }

    @Test func mobileNetPlanFoldsBatchNormAndFusesEpilogues() throws {
        let model = try ONNXModel.load(path: try PackagePaths.model("mobilenet_v2.onnx"))
        let steps = try model.session(inputSize: 224).planSummary()
        #expect(!steps.contains { $0.contains("BatchNormalization reference") })
        // Every ReLU6 fused into its conv (a fused block's step names three convolutions and two Clips).
        let clips = steps.filter { $0.contains(" + ") }.map { $0.components(separatedBy: "Clip").count - 1 }.reduce(0, +)
        #expect(clips == 35, "every ReLU6 fused into its conv")
        #expect(steps.filter { $0.contains("/Add") }.allSatisfy { $0.contains("Conv") }, "residual adds fused")
        // Tapping a convolution's raw output keeps its BatchNormalization standalone.
        let tapped = try model.session(inputSize: 224, taps: ["features.0.0"]).planSummary()
        #expect(tapped.count == 1 && tapped[0].hasPrefix("/features/features.0/features.0.0/Conv"))
    }

    @Test func memoryPlanReusesBuffers() throws {
        // A chain of 8 ReLUs on 4 KiB tensors needs two buffers (plus the input), not nine.
        var m = ModelBuilder(inputDims: ["N", 4, 16, 16])
        var last = "x"
        for i in 0..<8 {
            m.node("Relu", [last], ["r\(i)"])
            last = "r\(i)"
        }
        m.outputs = [last]
        let plan = try m.load().session(inputSize: 16).plan(batch: 1)
        #expect(plan.arena.count <= 3 * 1024)
    }

    /// A provider that takes convolutions and ReLUs with kernels of its own, declining the rest.
    struct RecordingProvider: KernelProvider {
        func convolution(_ request: ConvolutionRequest) -> PreparedKernel? {
            let count = request.batch * request.shape.outputCount
            return PreparedKernel(label: "test conv", scratchCount: 3) { b in
                #expect(b.scratch != nil)
                b.y.update(repeating: 1, count: count)
            }
        }
        func node(_ request: NodeRequest) -> PreparedKernel? {
            guard case let .activation(.relu, shape) = request else { return nil }
            let count = shape.reduce(1, *)
            return PreparedKernel(label: "test relu", scratchCount: 0) { b in
                #expect(b.inputs.first! == b.x)
                for i in 0..<count { b.y[i] = b.x[i] + 100 }
            }
        }
    }

    @Test func kernelProvidersAreOfferedNodesBeforeTheReference() throws {
        let session = try model().session(height: 2, width: 2, taps: ["r", "y"], providers: [RecordingProvider()])
        let summary = try session.planSummary()
        #expect(summary.contains("relu: test relu") && summary.contains("conv: test conv"))
        #expect(summary.contains("neg: Neg reference"))
        let x = Tensor.random([1, 3, 2, 2], seed: 8)
        let out = try session.run(x)
        #expect(out["r"]!.data == x.data.map { $0 + 100 })
        #expect(out["y"]!.data == [Float](repeating: -1, count: 8))
    }
}

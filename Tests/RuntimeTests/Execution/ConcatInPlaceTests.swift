// Concats whose inputs can be written straight into their output do no work
// (`Planner.assembleConcats`): the same values as with the copies, nested Concats too, at
// batch 1 and on the image lanes; a Concat keeps its copy where an input is the image input,
// is joined twice, is tapped, the output is edited, or the parts are not contiguous (a batch
// of several images).
import Foundation
import Testing
@testable import Runtime

@Suite struct ConcatInPlaceTests {
    /// x (N, 4, 4, 4): a = relu(conv1x1(x)) 3 ch, b = conv3x3(x) 5 ch, c = maxpool(x) 4 ch,
    /// inner = concat(b, c), d = conv1x1(a) 2 ch (a is read after it is written into y),
    /// y = concat(a, inner, d) 14 ch, z = conv1x1(y) 6 ch.
    func branches(batch: Any = "N") throws -> ONNXModel {
        var m = ModelBuilder(inputDims: [batch, 4, 4, 4])
        m.initializer("wa", [3, 4, 1, 1], Tensor.random([3, 4, 1, 1], seed: 1).data)
        m.initializer("wb", [5, 4, 3, 3], Tensor.random([5, 4, 3, 3], seed: 2).data)
        m.initializer("wd", [2, 3, 1, 1], Tensor.random([2, 3, 1, 1], seed: 3).data)
        m.initializer("wz", [6, 14, 1, 1], Tensor.random([6, 14, 1, 1], seed: 4).data)
        m.node("Conv", ["x", "wa"], ["a0"], ["kernel_shape": [1, 1]])
        m.node("Relu", ["a0"], ["a"])
        m.node("Conv", ["x", "wb"], ["b"], ["kernel_shape": [3, 3], "pads": [1, 1, 1, 1]])
        m.node("MaxPool", ["x"], ["c"], ["kernel_shape": [3, 3], "pads": [1, 1, 1, 1]])
        m.node("Concat", ["b", "c"], ["inner"], ["axis": 1])
        m.node("Conv", ["a", "wd"], ["d"], ["kernel_shape": [1, 1]])
        m.node("Concat", ["a", "inner", "d"], ["y"], ["axis": 1])
        m.node("Conv", ["y", "wz"], ["z"], ["kernel_shape": [1, 1]])
        m.outputs = ["z"]
        return try m.load()
    }

    func inPlace(_ session: Session, batch: Int = 1) throws -> Int {
        try session.planSummary(batch: batch).filter { $0.hasSuffix(": Concat in place") }.count
    }

    @Test func branchesWriteIntoTheirConcat() throws {
        let model = try branches()
        let x = Tensor.random([3, 4, 4, 4], seed: 9)
        for threads in [1, 2] {
            let joined = try model.session(height: 4, width: 4, threads: threads)
            // Tapping the parts keeps the copies: the values to match.
            let copied = try model.session(height: 4, width: 4, taps: ["a", "b", "c", "d", "z"], threads: threads)
            #expect(try inPlace(joined) == 2)
            #expect(try inPlace(copied) == 0)
            for batch in [1, 3] {
                let input = batch == 3 ? x : Tensor(shape: [1, 4, 4, 4], data: Array(x.data[0..<64]))
                let a = try joined.run(input)["z"]!, b = try copied.run(input)["z"]!
                #expect(a.shape == [batch, 6, 4, 4])
                #expect(a.data == b.data, "threads \(threads), batch \(batch)")
            }
        }
        // A model exported for batches of two runs them on one plan: each image's parts are
        // apart, the copies stay.
        let fixed = try branches(batch: 2).session(height: 4, width: 4, threads: 1)
        #expect(try inPlace(fixed, batch: 2) == 0)
        let pair = Tensor(shape: [2, 4, 4, 4], data: Array(x.data[0..<128]))
        let single = try model.session(height: 4, width: 4, threads: 1)
        // Not bit for bit: the two plans hand OpenBLAS products of different shapes, and how its
        // kernels sum depends on the core it runs (with its Haswell kernels, which
        // OPENBLAS_CORETYPE=Haswell forces, the two differ by a few ulps; with its AVX-512 ones,
        // which it picks on an AMD Zen 4 or 5, they agree).
        let (a, b) = (try fixed.run(pair)["z"]!.data, try single.run(pair)["z"]!.data)
        let worst = zip(a, b).map { abs($0 - $1) / (1 + abs($1)) }.max()!
        #expect(a.count == b.count && worst < 1e-5, "worst relative difference \(worst)")
    }

    /// An edit of the Concat's output must not reach a part read after it: a2 = relu(a) runs
    /// after y, whose channel 0 (a's) the edit zeroes.
    @Test func anEditedConcatKeepsItsCopy() throws {
        var m = ModelBuilder(inputDims: ["N", 2, 4, 4])
        m.initializer("wa", [3, 2, 1, 1], Tensor.random([3, 2, 1, 1], seed: 1).data.map { abs($0) + 0.1 })
        m.initializer("wb", [2, 2, 1, 1], Tensor.random([2, 2, 1, 1], seed: 2).data)
        m.node("Conv", ["x", "wa"], ["a"], ["kernel_shape": [1, 1]])
        m.node("Conv", ["x", "wb"], ["b"], ["kernel_shape": [1, 1]])
        m.node("Concat", ["a", "b"], ["y"], ["axis": 1])
        m.node("Sigmoid", ["a"], ["a2"])
        m.outputs = ["y", "a2"]
        let model = try m.load()
        let edited = try model.session(height: 4, width: 4, edits: ["y": .zeroUnits([0])], threads: 1)
        #expect(try inPlace(edited) == 0)
        let x = Tensor.random([1, 2, 4, 4], seed: 4)
        let out = try edited.run(x), plain = try model.session(height: 4, width: 4, threads: 1).run(x)
        #expect(out["y"]!.data[0..<16].allSatisfy { $0 == 0 })
        #expect(out["y"]!.data[16...] == plain["y"]!.data[16...])
        #expect(out["a2"]!.data == plain["a2"]!.data)
    }

    /// concat(x, relu(x)) and concat(s, s) with s = sigmoid(x): both copy.
    @Test func theImageInputOrAValueJoinedTwiceIsCopied() throws {
        var m = ModelBuilder(inputDims: ["N", 2, 4, 4])
        m.node("Relu", ["x"], ["r"])
        m.node("Concat", ["x", "r"], ["y"], ["axis": 1])
        m.node("Sigmoid", ["x"], ["s"])
        m.node("Concat", ["s", "s"], ["w"], ["axis": 1])
        m.outputs = ["y", "w"]
        let session = try m.load().session(height: 4, width: 4, threads: 1)
        #expect(try inPlace(session) == 0)
        let x = Tensor.random([1, 2, 4, 4], seed: 3)
        let out = try session.run(x)
        #expect(out["y"]!.data == x.data + x.data.map { max(0, $0) })
        let s: [Float] = x.data.map { 1 / (1 + Foundation.exp(-$0)) }
        let w = out["w"]!.data
        #expect(zip(w, s + s).allSatisfy { abs($0 - $1) < 1e-6 })
    }
}

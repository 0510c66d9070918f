import Testing
import TestSupport
@testable import Runtime

/// Broadcasting binary operations against the index-by-index reference.
@Suite struct ElementwiseKernelTests {
    @Test func broadcastCollapsesLoops() {
        let same = BroadcastLoops([2, 3, 4, 5], [2, 3, 4, 5])!
        #expect(same.sizes == [120] && same.aStrides == [1] && same.bStrides == [1])
        let perChannel = BroadcastLoops([2, 3, 4, 5], [1, 3, 1, 1])!
        #expect(perChannel.sizes == [2, 3, 20])
        #expect(perChannel.bStrides == [0, 1, 0])
        let scalar = BroadcastLoops([2, 3], [])!
        #expect(scalar.sizes == [6] && scalar.bStrides == [0])
        #expect(BroadcastLoops([2, 3], [3, 2]) == nil)
        #expect(BroadcastLoops([3, 1], [1, 4])!.shape == [3, 4])
        #expect(BroadcastLoops([0, 3], [1, 3])!.count == 0)
    }

    @Test func everyOpAndBroadcastPattern() {
        var rng = SeededGenerator(seed: 21)
        let pairs: [([Int], [Int])] = [
            ([1], [1]), ([], []), ([7], []), ([], [7]),
            ([2, 3, 4, 5], [2, 3, 4, 5]),
            ([2, 3, 4, 5], [1, 3, 1, 1]), ([1, 3, 1, 1], [2, 3, 4, 5]),
            ([2, 3, 4, 5], [3, 1, 1]), ([2, 3, 4, 5], [5]), ([2, 3, 4, 5], [4, 1]),
            ([3, 1], [1, 4]), ([2, 1, 5], [1, 3, 1]), ([1, 16, 9, 9], [1, 16, 1, 1]),
            ([40_000], [40_000]), ([2, 20_000], [1, 20_000]), ([1, 4, 1], [1, 4, 20_000]),
        ]
        withEvery("shapes", in: pairs) { (aShape, bShape) in
            for op in ArithmeticOp.allCases {
                let a = rng.floats(aShape.reduce(1, *), in: 0.5...2)
                let b = op == .pow ? rng.floats(bShape.reduce(1, *), in: -2...2)
                                   : rng.floats(bShape.reduce(1, *), in: 0.5...2)
                let kernel = BinaryElementwise(op, a: aShape, b: bShape, activation: op == .sub ? .relu : .none)!
                let count = kernel.broadcast.count
                var expected = [Float](repeating: 0, count: count)
                BinaryElementwise.reference(op, a: aShape, b: bShape, activation: kernel.activation,
                                            a: a, b: b, y: &expected)
                for threads in [1, 3] {
                    var actual = [Float](repeating: .nan, count: count)
                    kernel.run(a: a, b: b, y: &actual, parallelism: Parallelism(threads: threads))
                    // One correctly rounded operation (or powf, within an ulp) on the same operands
                    // on each side, nothing accumulated: here the error is relative to the result.
                    assertClose(actual, expected, rtol: Float(4 * RoundingBound.unit), atol: 0,
                                "\(op) threads \(threads)")
                }
            }
        }
    }

    @Test func squareFastPath() {
        let kernel = BinaryElementwise(.pow, a: [9], b: [])!
        let a: [Float] = [-3, -1, 0, 0.5, 1, 2, 3, 4, 5]
        var y = [Float](repeating: 0, count: 9)
        kernel.run(a: a, b: [2], y: &y, parallelism: .serial)
        #expect(y == a.map { $0 * $0 })
    }
}

import Testing
import TestSupport
@testable import Runtime
#if NETDISSECT_ISA_AVX512
@testable import KernelsWithAVX512
#elseif NETDISSECT_ISA_AVX2
@testable import KernelsWithAVX2
#else
@testable import KernelsBaseline
#endif
import KernelSupport

/// Broadcasting binary operations against `Reference.binary`.
@Suite(.kernelVariant) struct ElementwiseKernelTests {
    static func loops(_ a: [Int], _ b: [Int]) throws -> BroadcastLoops { BroadcastLoops(try Broadcast.resolve(a, b)) }

    @Test func broadcastCollapsesLoops() throws {
        let same = try Self.loops([2, 3, 4, 5], [2, 3, 4, 5])
        #expect(same.sizes == [120] && same.aStrides == [1] && same.bStrides == [1])
        let perChannel = try Self.loops([2, 3, 4, 5], [1, 3, 1, 1])
        #expect(perChannel.sizes == [2, 3, 20])
        #expect(perChannel.bStrides == [0, 1, 0])
        let scalar = try Self.loops([2, 3], [])
        #expect(scalar.sizes == [6] && scalar.bStrides == [0])
        #expect(throws: OpFailure.self) { try Self.loops([2, 3], [3, 2]) }
        #expect(try Self.loops([3, 1], [1, 4]).shape == [3, 4])
        #expect(try Self.loops([0, 3], [1, 3]).count == 0)
    }

    static let ops: [BinaryOp] = [.add, .sub, .mul, .div, .pow, .max, .min, .equal, .less, .greater, .and, .or]

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
            let broadcast = try Broadcast.resolve(aShape, bShape)
            for op in Self.ops {
                let a = rng.floats(aShape.reduce(1, *), in: 0.5...2)
                let b = op == .pow ? rng.floats(bShape.reduce(1, *), in: -2...2)
                                   : rng.floats(bShape.reduce(1, *), in: 0.5...2)
                let kernel = BinaryElementwise(op, broadcast, activation: op == .sub ? .relu : .none)
                let expected = Reference.binary(op, broadcast, a: a, b: b).map(kernel.activation.reference)
                for threads in [1, 3] {
                    var actual = [Float](repeating: .nan, count: expected.count)
                    kernel.run(a: a, b: b, y: &actual, parallelism: Parallelism(threads: threads))
                    // One correctly rounded operation (or powf, within an ulp) on the same operands
                    // on each side, nothing accumulated: here the error is relative to the result.
                    assertClose(actual, expected, rtol: Float(4 * RoundingBound.unit), atol: 0,
                                "\(op) threads \(threads)")
                }
            }
        }
    }

    @Test func squareFastPath() throws {
        let kernel = BinaryElementwise(.pow, try Broadcast.resolve([9], []))
        let a: [Float] = [-3, -1, 0, 0.5, 1, 2, 3, 4, 5]
        var y = [Float](repeating: 0, count: 9)
        kernel.run(a: a, b: [2], y: &y, parallelism: .serial)
        #expect(y == a.map { $0 * $0 })
    }
}

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

/// Transpose, Slice and Expand on the strided copy kernel against the reference's index loop:
/// a copy, so equal to the bit.
@Suite(.kernelVariant) struct StridedCopyTests {
    /// Runs the kernel on 1 and 2 workers and compares it with `Reference.gatherStrided`.
    func check(_ shape: StridedCopyShape, inputCount: Int, _ what: String, rng: inout SeededGenerator) {
        let x = rng.normals(inputCount)
        let count = shape.outputShape.reduce(1, *)
        var expected = [Float](repeating: 0, count: count)
        x.withUnsafeBufferPointer { xp in
            expected.withUnsafeMutableBufferPointer { yp in
                guard count > 0 else { return }
                Reference.gatherStrided(shape: shape.outputShape, offset: shape.offset, strides: shape.inputStrides,
                                        x: xp.baseAddress!, y: yp.baseAddress!)
            }
        }
        for threads in [1, 2] {
            var actual = [Float](repeating: .nan, count: count)
            x.withUnsafeBufferPointer { xp in
                actual.withUnsafeMutableBufferPointer { yp in
                    guard count > 0 else { return }
                    StridedCopy(shape: shape).run(xp.baseAddress!, yp.baseAddress!, parallelism: Parallelism(threads: threads))
                }
            }
            #expect(actual == expected, "\(what), \(threads) threads")
        }
    }

    @Test func transposesOfEveryKind() throws {
        var rng = SeededGenerator(seed: 61)
        let cases: [([Int], [Int])] = [
            ([5, 7], [1, 0]),                       // a plain matrix, smaller than a tile
            ([33, 70], [1, 0]),                     // tiles with remainders on both sides
            ([1, 96, 56, 56], [0, 2, 3, 1]),        // ConvNeXt: NCHW -> NHWC
            ([1, 56, 56, 96], [0, 3, 1, 2]),        // and back
            ([96, 197, 64], [0, 2, 1]),             // attention's K^T
            ([197, 8, 12, 64], [1, 2, 0, 3]),       // head split: the last axis stays (row copies)
            ([8, 197, 768], [1, 0, 2]),             // batch first <-> sequence first
            ([2, 3, 4, 5], [3, 1, 2, 0]),           // no axis keeps its place
            ([2, 3, 4, 5], [2, 0, 3, 1]),
            ([4, 1, 6], [2, 1, 0]),                 // an axis of 1
            ([3, 0, 2], [2, 1, 0]),                 // no values
            ([7], [0]),
        ]
        withEvery("transpose", in: cases) { (x, perm) in
            let s = try TransposeShape.resolve(perm: perm, x: x)
            check(StridedCopyShape(outputShape: s.outputShape, offset: 0, inputStrides: s.inputStrides),
                  inputCount: x.reduce(1, *), "\(x) perm \(perm)", rng: &rng)
        }
    }

    @Test func slicesAndExpands() throws {
        var rng = SeededGenerator(seed: 62)
        let slices: [([Int], [Int], [Int], [Int]?, [Int]?)] = [
            ([10, 12], [1, 2], [9, 11], nil, nil),
            ([10, 12], [0, 11], [10, -13], nil, [1, -2]),    // reversed columns, every other
            ([4, 6, 8], [1], [4], [2], [3]),                  // strided innermost axis
            ([3, 197, 768], [1], [197], [1], nil),            // ViT: drop the class token
        ]
        withEvery("slice", in: slices) { (x, starts, ends, axes, steps) in
            let s = try SliceShape.resolve(x: x, starts: starts, ends: ends, axes: axes, steps: steps)
            check(StridedCopyShape(outputShape: s.outputShape, offset: s.offset, inputStrides: s.inputStrides),
                  inputCount: x.reduce(1, *), "slice of \(x)", rng: &rng)
        }
        let expands: [([Int], [Int])] = [([1], [5, 3]), ([3, 1], [3, 9]), ([1, 4], [6, 4]), ([2, 1, 3], [2, 5, 3])]
        withEvery("expand", in: expands) { (x, to) in
            let s = try ExpandShape.resolve(x: x, shape: to)
            check(StridedCopyShape(outputShape: s.outputShape, offset: 0, inputStrides: s.inputStrides),
                  inputCount: x.reduce(1, *), "expand \(x) to \(to)", rng: &rng)
        }
    }

    @Test func collapsingMergesAxesThatStepTogether() {
        // NCHW -> NHWC of (1, 96, 56, 56): H and W step together in x, so two axes remain.
        let s = StridedCopyShape(outputShape: [1, 56, 56, 96], offset: 0, inputStrides: [301_056, 56, 1, 3136])
        #expect(s.collapsed == StridedCopyShape(outputShape: [3136, 96], offset: 0, inputStrides: [1, 3136]))
        // An identity permutation is one contiguous run.
        let identity = StridedCopyShape(outputShape: [2, 3, 4], offset: 5, inputStrides: [12, 4, 1])
        #expect(identity.collapsed == StridedCopyShape(outputShape: [24], offset: 5, inputStrides: [1]))
    }
}

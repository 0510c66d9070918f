import Testing
import TestSupport
@testable import Runtime

/// Batch norm as an affine map, Concat, Softmax, LRN and Pad against their references.
@Suite struct TensorOpKernelTests {
    @Test func batchNormAsChannelAffine() {
        var rng = SeededGenerator(seed: 31)
        for (batch, c, plane) in [(1, 1, 1), (2, 3, 7), (3, 16, 49), (1, 5, 12544)] {
            let affine = ChannelAffine(gamma: rng.normals(c), beta: rng.normals(c), mean: rng.normals(c),
                                       variance: rng.floats(c, in: 0.1...2), epsilon: 1e-5, activation: .relu)
            let x = rng.normals(batch * c * plane)
            var expected = [Float](repeating: 0, count: x.count)
            affine.reference(x, &expected, batch: batch, planeSize: plane)
            // x * scale + shift cancels (the shift holds -mean * scale): a product and a sum, two
            // roundings on each side (the reference is Float too), M = |x * scale| + |shift|; then
            // ReLU, slope 1 and exact.
            var magnitudes = expected
            ChannelAffine(scale: affine.scale.map(abs), shift: affine.shift.map(abs))
                .reference(x.map(abs), &magnitudes, batch: batch, planeSize: plane)
            let bounds = RoundingBound.bounds(depth: 2 + 2, magnitudes: magnitudes)
            for threads in [1, 2] {
                var actual = x
                actual.withUnsafeMutableBufferPointer { p in
                    affine.run(p.baseAddress!, p.baseAddress!, batch: batch, planeSize: plane,
                               parallelism: Parallelism(threads: threads))
                }
                assertClose(actual, expected, bounds: bounds, "\(batch)x\(c)x\(plane)")
            }
        }
        // gamma (x - mean) / sqrt(var + eps) + beta, spelled out once.
        let one = ChannelAffine(gamma: [2], beta: [1], mean: [3], variance: [4 - 1e-3], epsilon: 1e-3)
        var y: Float = 0
        one.reference([5], &y, batch: 1, planeSize: 1)
        #expect(abs(y - 3) < 1e-6)
    }

    @Test func concatAlongChannelsAndOtherAxes() {
        var rng = SeededGenerator(seed: 32)
        let cases: [([[Int]], Int)] = [
            ([[1, 2, 3, 3], [1, 5, 3, 3]], 1),
            ([[2, 2, 3, 3], [2, 1, 3, 3], [2, 4, 3, 3]], 1),
            ([[2, 3], [4, 3]], 0),
            ([[2, 3], [2, 1], [2, 0]], 1),
        ]
        withEvery("shapes", in: cases) { (shapes, axis) in
            let concat = Concat(shapes: shapes, axis: axis)!
            let inputs = shapes.map { rng.normals($0.reduce(1, *)) }
            let count = inputs.map(\.count).reduce(0, +)
            var expected = [Float](repeating: 0, count: count), actual = expected
            let pointers = inputs.map { a -> UnsafeMutablePointer<Float> in
                let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, a.count))
                p.initialize(from: a, count: a.count)
                return p
            }
            defer { pointers.forEach { $0.deallocate() } }
            concat.reference(pointers.map { UnsafePointer($0) }, &expected)
            concat.run(pointers.map { UnsafePointer($0) }, &actual, parallelism: Parallelism(threads: 3))
            #expect(actual == expected)
        }
        #expect(Concat(shapes: [[1, 2, 3], [1, 2, 4]], axis: 1) == nil)
    }

    @Test func softmax() {
        var rng = SeededGenerator(seed: 33)
        for (outer, length, inner) in [(1, 1, 1), (1, 1000, 1), (4, 13, 1), (2, 5, 9), (3, 10, 16), (1, 3, 7)] {
            let s = Softmax(outer: outer, length: length, inner: inner)
            let x = rng.normals(outer * length * inner).map { $0 * 10 }
            var expected = [Float](repeating: 0, count: x.count), actual = expected
            s.reference(x, &expected)
            s.run(x, &actual, parallelism: Parallelism(threads: 2))
            // exp(x - max) / sum: every term is positive, so here the error is relative to the
            // result: the vector exp against expf on the numerator and in the sum, a sum `length`
            // deep, the reciprocal and the product (the reference rounds once more).
            let rtol = 2 * VectorMathAccuracy.exp + RoundingBound.factor(length) + 4 * RoundingBound.unit
            assertClose(actual, expected, rtol: Float(rtol), atol: 0, "\(outer)x\(length)x\(inner)")
        }
    }

    @Test func lrn() {
        var rng = SeededGenerator(seed: 34)
        for (size, beta) in [(5, Float(0.75)), (3, 0.5), (4, 1), (2, 0.6), (1, 0.75)] {
            for (batch, c, plane) in [(1, 1, 1), (2, 7, 13), (1, 16, 300)] {
                let lrn = LRN(size: size, alpha: 1e-2, beta: beta, bias: 2, channels: c, planeSize: plane)
                let x = rng.normals(batch * c * plane).map { $0 * 3 }
                var expected = [Float](repeating: 0, count: x.count), actual = expected
                lrn.reference(x, &expected, batch: batch)
                lrn.run(x, &actual, batch: batch, parallelism: Parallelism(threads: 2))
                // x / (bias + alpha / size * sum x^2)^beta: a sum of squares, all positive, so the
                // error is relative to the result. The base is size + 3 roundings deep (squares and
                // sum, alpha / size, the product, the bias); raising it to -beta (beta <= 1) keeps
                // that and adds at most 4.5 u (two square roots, a product, a reciprocal; or powf,
                // within an ulp); then the product by x, and the reference's one rounding.
                let rtol = RoundingBound.factor(size + 3) + 7 * RoundingBound.unit
                assertClose(actual, expected, rtol: Float(rtol), atol: 0, "size \(size) beta \(beta) \(c)x\(plane)")
            }
        }
    }

    @Test func padModes() {
        var rng = SeededGenerator(seed: 35)
        let cases: [([Int], [Int])] = [
            ([1, 1, 1, 1], [0, 0, 1, 1, 0, 0, 1, 1]),
            ([1, 2, 4, 5], [0, 0, 1, 2, 0, 0, 3, 1]),
            ([2, 3, 5, 5], [0, 1, 2, 2, 1, 0, 2, 2]),
            ([1, 1, 4, 6], [0, 0, -1, 2, 0, 0, 1, -2]),
            ([3, 4], [5, 6, 7, 9]),
            ([6], [2, 3]),
        ]
        let modes: [Pad.Mode] = [.constant(0), .constant(-2.5), .reflect, .edge]
        withEvery("shape pads", in: cases) { (shape, pads) in
            for mode in modes {
                let pad = Pad(inputShape: shape, pads: pads, mode: mode)!
                let x = rng.normals(shape.reduce(1, *))
                let count = pad.outputShape.reduce(1, *)
                var expected = [Float](repeating: .nan, count: count), actual = expected
                pad.reference(x, &expected)
                pad.run(x, &actual, parallelism: Parallelism(threads: 2))
                #expect(actual == expected, "\(mode)")
            }
        }
    }

    /// NumPy's np.pad([1, 2, 3], (4, 5), mode) spelled out.
    @Test func padMatchesNumPyRules() {
        let x: [Float] = [1, 2, 3]
        func padded(_ mode: Pad.Mode) -> [Float] {
            let pad = Pad(inputShape: [3], pads: [4, 5], mode: mode)!
            var y = [Float](repeating: 0, count: 12)
            pad.run(x, &y, parallelism: .serial)
            return y
        }
        #expect(padded(.reflect) == [1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2])
        #expect(padded(.edge) == [1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 3, 3])
        #expect(padded(.constant(9)) == [9, 9, 9, 9, 1, 2, 3, 9, 9, 9, 9, 9])
        #expect(Pad(inputShape: [3], pads: [-4, 0], mode: .edge) == nil)
        #expect(Pad(inputShape: [0], pads: [1, 0], mode: .reflect) == nil)
    }
}

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

/// Batch norm as an affine map, Concat, Softmax, LRN, Pad and LayerNorm against their references.
@Suite(.kernelVariant) struct TensorOpKernelTests {
    @Test func batchNormAsChannelAffine() throws {
        var rng = SeededGenerator(seed: 31)
        for (batch, c, plane) in [(1, 1, 1), (2, 3, 7), (3, 16, 49), (1, 5, 12544)] {
            func vector(_ v: [Float]) -> TypedTensor { TypedTensor(shape: [c], floats: v) }
            let shape = try AffineShape.batchNormalization(
                x: [batch, c, plane], gamma: vector(rng.normals(c)), beta: vector(rng.normals(c)),
                mean: vector(rng.normals(c)), variance: vector(rng.floats(c, in: 0.1...2)), epsilon: 1e-5)
            let affine = ChannelAffine(shape: shape, activation: .relu)
            let x = rng.normals(batch * c * plane)
            let expected = Reference.affine(shape, x: x).map(Activation.relu.reference)
            // x * scale + shift cancels (the shift holds -mean * scale): a product and a sum, two
            // roundings on each side (the reference is Float too), M = |x * scale| + |shift|; then
            // ReLU, slope 1 and exact.
            var absolute = shape
            absolute.scale = shape.scale.map(abs)
            absolute.shift = shape.shift.map(abs)
            let bounds = RoundingBound.bounds(depth: 2 + 2, magnitudes: Reference.affine(absolute, x: x.map(abs)))
            for threads in [1, 2] {
                var actual = x
                actual.withUnsafeMutableBufferPointer { p in
                    affine.run(p.baseAddress!, p.baseAddress!, parallelism: Parallelism(threads: threads))
                }
                assertClose(actual, expected, bounds: bounds, "\(batch)x\(c)x\(plane)")
            }
        }
        // gamma (x - mean) / sqrt(var + eps) + beta, spelled out once.
        let one = try AffineShape.batchNormalization(
            x: [1, 1, 1], gamma: TypedTensor(shape: [1], floats: [2]), beta: TypedTensor(shape: [1], floats: [1]),
            mean: TypedTensor(shape: [1], floats: [3]), variance: TypedTensor(shape: [1], floats: [4 - 1e-3]),
            epsilon: 1e-3)
        #expect(abs(Reference.affine(one, x: [5])[0] - 3) < 1e-6)
    }

    @Test func concatAlongChannelsAndOtherAxes() throws {
        var rng = SeededGenerator(seed: 32)
        let cases: [([[Int]], Int)] = [
            ([[1, 2, 3, 3], [1, 5, 3, 3]], 1),
            ([[2, 2, 3, 3], [2, 1, 3, 3], [2, 4, 3, 3]], 1),
            ([[2, 3], [4, 3]], 0),
            ([[2, 3], [2, 1], [2, 0]], 1),
        ]
        withEvery("shapes", in: cases) { (shapes, axis) in
            let shape = try ConcatShape.resolve(axis: axis, inputs: shapes)
            let inputs = shapes.map { rng.normals($0.reduce(1, *)) }
            let count = inputs.map(\.count).reduce(0, +)
            var expected = [Float](repeating: 0, count: count), actual = expected
            let pointers = inputs.map { a -> UnsafeMutablePointer<Float> in
                let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, a.count))
                p.initialize(from: a, count: a.count)
                return p
            }
            defer { pointers.forEach { $0.deallocate() } }
            Reference.concat(shape, inputs: pointers.map { UnsafePointer($0) }, y: &expected)
            Concat(shape: shape).run(pointers.map { UnsafePointer($0) }, &actual, parallelism: Parallelism(threads: 3))
            #expect(actual == expected)
        }
        #expect(throws: OpFailure.self) { try ConcatShape.resolve(axis: 1, inputs: [[1, 2, 3], [1, 2, 4]]) }
    }

    @Test func softmax() throws {
        var rng = SeededGenerator(seed: 33)
        // (shape, axis): outer x length x inner of 1x1x1, 1x1000x1, 4x13x1, 2x5x9, 3x10x16, 1x3x7.
        let cases: [([Int], Int)] = [([1, 1], 1), ([1, 1000], 1), ([4, 13], 1), ([2, 5, 9], 1), ([3, 10, 4, 4], 1),
                                     ([1, 3, 7], 1)]
        for (x, axis) in cases {
            let shape = try SoftmaxShape.resolve(axis: axis, coerce2D: false, x: x)
            let values = rng.normals(x.reduce(1, *)).map { $0 * 10 }
            let expected = Reference.softmax(shape, x: values)
            var actual = [Float](repeating: 0, count: values.count)
            Softmax(shape: shape).run(values, &actual, parallelism: Parallelism(threads: 2))
            // exp(x - max) / sum: every term is positive, so here the error is relative to the
            // result: the vector exp against expf on the numerator and in the sum, a sum `length`
            // deep, the reciprocal and the product (the reference rounds once more).
            let rtol = 2 * VectorMathAccuracy.exp + RoundingBound.factor(shape.length) + 4 * RoundingBound.unit
            assertClose(actual, expected, rtol: Float(rtol), atol: 0, "\(shape.outer)x\(shape.length)x\(shape.inner)")
        }
    }

    @Test func lrn() {
        var rng = SeededGenerator(seed: 34)
        for (size, beta) in [(5, Float(0.75)), (3, 0.5), (4, 1), (2, 0.6), (1, 0.75)] {
            for (batch, c, plane) in [(1, 1, 1), (2, 7, 13), (1, 16, 300)] {
                let attributes = LRNAttributes(alpha: 1e-2, beta: beta, bias: 2, size: size)
                let shape = [batch, c, plane]
                let x = rng.normals(batch * c * plane).map { $0 * 3 }
                let expected = Reference.lrn(attributes, shape: shape, x: x)
                var actual = [Float](repeating: 0, count: x.count)
                LRN(attributes, shape: shape).run(x, &actual, parallelism: Parallelism(threads: 2))
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
        let modes: [(PadAttributes.Mode, Float)] = [(.constant, 0), (.constant, -2.5), (.reflect, 0), (.edge, 0)]
        withEvery("shape pads", in: cases) { (shape, pads) in
            for (mode, value) in modes {
                // Reflect needs pads smaller than the axis: the 1x1 plane and the (3, 4) case refuse it.
                guard let pad = try? PadShape.resolve(x: shape, pads: pads, axes: nil, mode: mode, value: value) else {
                    #expect(mode == .reflect, "\(shape) \(pads) \(mode)")
                    continue
                }
                let x = rng.normals(shape.reduce(1, *))
                let expected = Reference.pad(pad, x: x)
                var actual = [Float](repeating: .nan, count: expected.count)
                Pad(shape: pad).run(x, &actual, parallelism: Parallelism(threads: 2))
                #expect(actual == expected, "\(mode) \(value)")
            }
        }
    }

    /// NumPy's np.pad([1, 2, 3], (2, 2), mode) spelled out.
    @Test func padMatchesNumPyRules() throws {
        let x: [Float] = [1, 2, 3]
        func padded(_ mode: PadAttributes.Mode, _ value: Float = 0) throws -> [Float] {
            let pad = try PadShape.resolve(x: [3], pads: [2, 2], axes: nil, mode: mode, value: value)
            var y = [Float](repeating: 0, count: 7)
            Pad(shape: pad).run(x, &y, parallelism: .serial)
            return y
        }
        #expect(try padded(.reflect) == [3, 2, 1, 2, 3, 2, 1])
        #expect(try padded(.edge) == [1, 1, 1, 2, 3, 3, 3])
        #expect(try padded(.constant, 9) == [9, 9, 1, 2, 3, 9, 9])
        #expect(throws: OpFailure.self) { try PadShape.resolve(x: [3], pads: [-4, 0], axes: nil, mode: .edge, value: 0) }
        #expect(throws: OpFailure.self) { try PadShape.resolve(x: [0], pads: [1, 0], axes: nil, mode: .reflect, value: 0) }
    }

    @Test func layerNorm() throws {
        var rng = SeededGenerator(seed: 35)
        // (outer, inner): one row, a row shorter than a lane, ViT-B's tokens, rows with an offset.
        for (outer, inner, offset) in [(1, 1, Float(0)), (3, 5, 0), (17, 768, 0), (49, 96, 20), (2, 13, -5)] {
            let shape = try LayerNormShape.resolve(axis: -1, epsilon: 1e-5, x: [outer, inner], scale: [inner], bias: [inner])
            let x = rng.normals(outer * inner).map { $0 * 3 + offset }
            let scale = rng.normals(inner), bias = rng.normals(inner)
            var expected = [Float](repeating: 0, count: x.count)
            x.withBase { xp in scale.withBase { sp in bias.withBase { bp in expected.withMutableBase {
                Reference.layerNorm(shape, x: xp, scale: sp, bias: bp, y: $0)
            } } } }
            // Float mean and variance are sums `inner` deep: the mean is off by factor(inner)
            // times the mean of |x|, which the subtraction turns into an error of that over the
            // standard deviation in every normalised value; the variance's relative error is
            // about twice the mean's. Then four roundings (subtract, two products, the bias).
            let deviation = 3.0, meanAbs = Double(abs(offset)) + 3
            let relative = RoundingBound.factor(inner) * (2 + meanAbs / deviation) + 6 * RoundingBound.unit
            var bounds: [Float] = []
            for r in 0..<outer {
                for i in 0..<inner {
                    let normalised = abs(Double(expected[r * inner + i]) - Double(bias[i])) / max(1e-30, Double(abs(scale[i])))
                    bounds.append(Float(relative * Double(abs(scale[i])) * (1 + normalised) + 2 * RoundingBound.unit * Double(abs(bias[i]))))
                }
            }
            for threads in [1, 3] {
                var actual = [Float](repeating: .nan, count: x.count)
                x.withBase { xp in scale.withBase { sp in bias.withBase { bp in actual.withMutableBase {
                    LayerNorm(shape: shape).run(xp, scale: sp, bias: bp, $0, parallelism: Parallelism(threads: threads))
                } } } }
                assertClose(actual, expected, bounds: bounds, "\(outer)x\(inner) offset \(offset)")
            }
        }
        #expect(throws: OpFailure.self) { try LayerNormShape.resolve(axis: 2, epsilon: 1e-5, x: [2, 3], scale: [3], bias: nil) }
        #expect(throws: OpFailure.self) { try LayerNormShape.resolve(axis: -1, epsilon: 1e-5, x: [2, 3], scale: [4], bias: nil) }
    }
}

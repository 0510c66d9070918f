// Each operator's behaviour on small hand-checked cases and edge shapes (empty, one, scalar),
// through `Op.resolve` and `ResolvedOp.evaluate`: the same path the folding pass uses and the
// same `Reference` kernels the executor falls back on. onnxruntime agreement on realistic
// shapes is GoldenModelTests' job.
import Testing
import TestSupport
@testable import Runtime

/// Resolves and evaluates `op` on constant inputs.
func evaluate(_ op: Op, _ inputs: [TypedTensor?]) throws -> TypedTensor {
    let resolved = try op.resolve(inputs.map { $0.map(Operand.constant) })
    return try resolved.evaluate(inputs)[0]
}

func floats(_ shape: [Int], _ values: [Float]) -> TypedTensor { TypedTensor(shape: shape, floats: values) }
func ints(_ values: [Int64]) -> TypedTensor { TypedTensor(shape: [values.count], ints: values) }

@Suite struct OperatorTests {
    @Test func convolutionWithPadsStridesGroupsAndDilation() throws {
        // x (1, 1, 3, 3) = 1...9, w = ones(1, 1, 2, 2): sums of 2x2 windows.
        let x = floats([1, 1, 3, 3], (1...9).map(Float.init))
        let w = floats([1, 1, 2, 2], [1, 1, 1, 1])
        let plain = ConvAttributes(window: WindowAttributes(), group: 1)
        #expect(try evaluate(.conv(plain), [x, w, nil]).floats == [12, 16, 24, 28])
        var padded = plain
        padded.window.pads = [1, 1, 0, 0]  // top and left only
        padded.window.strides = [2, 2]
        #expect(try evaluate(.conv(padded), [x, w, floats([1], [10])]).floats == [11, 15, 21, 38])
        var dilated = plain
        dilated.window.dilations = [2, 2]
        #expect(try evaluate(.conv(dilated), [x, w, nil]).floats == [1 + 3 + 7 + 9])
        // Depthwise: two channels, each its own kernel.
        let x2 = floats([1, 2, 2, 2], [1, 2, 3, 4, 10, 20, 30, 40])
        let w2 = floats([2, 1, 1, 1], [2, -1])
        let depthwise = try evaluate(.conv(ConvAttributes(window: WindowAttributes(), group: 2)), [x2, w2, nil])
        #expect(depthwise.floats == [2, 4, 6, 8, -10, -20, -30, -40])
        // SAME_UPPER keeps the size at stride 1, puts the odd pad at the end.
        var same = plain
        same.window.autoPad = .sameUpper
        let y = try evaluate(.conv(same), [x, w, nil])
        #expect(y.shape == [1, 1, 3, 3])
        #expect(y.floats == [12, 16, 9, 24, 28, 15, 15, 17, 9])
    }

    @Test func convolutionShapeErrors() {
        let x = TypedTensor(shape: [1, 3, 4, 4], floats: [Float](repeating: 0, count: 48))
        let w = TypedTensor(shape: [2, 2, 3, 3], floats: [Float](repeating: 0, count: 36))
        #expect(throws: OpFailure.self) { try evaluate(.conv(ConvAttributes(window: WindowAttributes(), group: 1)), [x, w, nil]) }
        let big = TypedTensor(shape: [2, 3, 5, 5], floats: [Float](repeating: 0, count: 150))
        #expect(throws: OpFailure.self) { try evaluate(.conv(ConvAttributes(window: WindowAttributes(), group: 1)), [x, big, nil]) }
    }

    @Test func poolingCeilModeAndPadding() throws {
        let x = floats([1, 1, 4, 4], (1...16).map(Float.init))
        func pool(_ max: Bool, kernel: [Int], strides: [Int], pads: [Int]? = nil, ceil: Bool = false, includePad: Bool = false) throws -> TypedTensor {
            let a = PoolAttributes(window: WindowAttributes(kernelShape: kernel, strides: strides, pads: pads),
                                   ceilMode: ceil, countIncludePad: includePad)
            return try evaluate(max ? .maxPool(a) : .averagePool(a), [x])
        }
        #expect(try pool(true, kernel: [2, 2], strides: [2, 2]).floats == [6, 8, 14, 16])
        // ceil_mode adds a last partial window...
        #expect(try pool(true, kernel: [3, 3], strides: [2, 2], ceil: true).floats == [11, 12, 15, 16])
        // ...but not one that would start inside the end padding.
        #expect(try pool(true, kernel: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1], ceil: true).shape == [1, 1, 2, 2])
        #expect(try pool(true, kernel: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil: true).shape == [1, 1, 3, 3])
        // Averages over the input only, or over the padded window.
        #expect(try pool(false, kernel: [2, 2], strides: [2, 2], pads: [1, 1, 0, 0]).floats[0] == 1)
        #expect(try pool(false, kernel: [2, 2], strides: [2, 2], pads: [1, 1, 0, 0], includePad: true).floats[0] == 0.25)
        #expect(throws: OpFailure.self) { try pool(true, kernel: [2, 2], strides: [1, 1], pads: [2, 2, 2, 2]) }
        #expect(try evaluate(.globalAveragePool, [x]).floats == [8.5])
        #expect(try evaluate(.globalMaxPool, [x]).shape == [1, 1, 1, 1])
    }

    @Test func elementwiseFunctionsAndBroadcasting() throws {
        let x = floats([4], [-2, -0.5, 0.5, 3])
        #expect(try evaluate(.activation(.relu), [x]).floats == [0, 0, 0.5, 3])
        assertClose(try evaluate(.activation(.leakyRelu(alpha: 0.1)), [x]).floats, [-0.2, -0.05, 0.5, 3])
        assertClose(try evaluate(.activation(.hardSigmoid(alpha: 0.2, beta: 0.5)), [x]).floats, [0.1, 0.4, 0.6, 1])
        assertClose(try evaluate(.activation(.hardSwish), [x]).floats, [-2 * (1.0 / 6), -0.5 * (2.5 / 6), 0.5 * (3.5 / 6), 3])
        assertClose(try evaluate(.activation(.sigmoid), [x]).floats, [0.11920292, 0.37754067, 0.62245933, 0.95257413])
        #expect(try evaluate(.clip(min: -1, max: 1), [x]).floats == [-1, -0.5, 0.5, 1])
        #expect(try evaluate(.clip(min: nil, max: nil), [x, floats([], [0]), nil]).floats == [0, 0, 0.5, 3])
        // (2, 1) + (3,) -> (2, 3)
        let sum = try evaluate(.binary(.add), [floats([2, 1], [10, 20]), floats([3], [1, 2, 3])])
        #expect(sum.shape == [2, 3] && sum.floats == [11, 12, 13, 21, 22, 23])
        #expect(throws: OpFailure.self) { try evaluate(.binary(.mul), [floats([2], [1, 2]), floats([3], [1, 2, 3])]) }
        // Integer arithmetic stays integral; division by zero is an error, not a trap.
        #expect(try evaluate(.binary(.div), [ints([7, -7]), ints([2, 2])]).storage == .int([3, -3]))
        #expect(throws: OpFailure.self) { try evaluate(.binary(.div), [ints([1]), ints([0])]) }
        #expect(try evaluate(.binary(.equal), [ints([1, 2]), ints([1, 3])]).storage == .bool([true, false]))
        // Empty tensors pass through.
        #expect(try evaluate(.unary(.exp), [floats([0, 3], [])]).shape == [0, 3])
    }

    @Test func normalisationOperators() throws {
        let scale = floats([2], [2, 1]), bias = floats([2], [0, 1]), mean = floats([2], [1, 0]), variance = floats([2], [4, 1])
        let x = floats([1, 2, 1, 2], [1, 3, 0, 2])
        let bn = try evaluate(.batchNormalization(epsilon: 0), [x, scale, bias, mean, variance])
        #expect(bn.floats == [0, 2, 1, 3])
        // LRN of one channel with size 1: x / (bias + alpha x^2)^beta.
        let lrn = try evaluate(.lrn(LRNAttributes(alpha: 1, beta: 1, bias: 1, size: 1)), [floats([1, 1, 1, 2], [1, 2])])
        #expect(lrn.floats == [0.5, 0.4])
        let softmax = try evaluate(.softmax(axis: -1, coerce2D: false), [floats([1, 2], [0, 0])])
        #expect(softmax.floats == [0.5, 0.5])
        // Opset < 13: softmax over everything from the axis on.
        let coerced = try evaluate(.softmax(axis: 1, coerce2D: true), [floats([1, 2, 2], [0, 0, 0, 0])])
        #expect(coerced.floats == [0.25, 0.25, 0.25, 0.25])
    }

    @Test func gemmAndMatMul() throws {
        let a = floats([2, 3], [1, 2, 3, 4, 5, 6])
        let b = floats([3, 1], [1, 0, -1])
        let g = try evaluate(.gemm(GemmAttributes(alpha: 2, beta: 1, transA: false, transB: false)), [a, b, floats([1], [10])])
        #expect(g.floats == [6, 6])
        let t = try evaluate(.gemm(GemmAttributes(alpha: 1, beta: 1, transA: true, transB: false)), [floats([3, 2], [1, 4, 2, 5, 3, 6]), b, nil])
        #expect(t.floats == [-2, -2])
        // 1-D by 2-D drops the row axis; batch axes broadcast.
        #expect(try evaluate(.matMul, [floats([3], [1, 1, 1]), floats([3, 2], [1, 2, 3, 4, 5, 6])]).shape == [2])
        let batched = try evaluate(.matMul, [floats([2, 1, 2], [1, 0, 0, 1]), floats([2, 2], [1, 2, 3, 4])])
        #expect(batched.shape == [2, 1, 2] && batched.floats == [1, 2, 3, 4])
    }

    @Test func layoutOperators() throws {
        let x = floats([2, 3], [0, 1, 2, 3, 4, 5])
        #expect(try evaluate(.transpose(perm: nil), [x]).floats == [0, 3, 1, 4, 2, 5])
        #expect(try evaluate(.concat(axis: -1), [x, floats([2, 1], [9, 9])]).floats == [0, 1, 2, 9, 3, 4, 5, 9])
        #expect(try evaluate(.concat(axis: 0), [ints([1]), ints([2, 3])]).storage == .int([1, 2, 3]))
        // Negative steps walk backwards; out-of-range ends clamp.
        let reversed = try evaluate(.slice(nil), [x, ints([-1]), ints([-100]), ints([1]), ints([-1])])
        #expect(reversed.floats == [2, 1, 0, 5, 4, 3])
        #expect(try evaluate(.slice(SliceAttributes(starts: [1], ends: [1 << 40], axes: [0])), [x]).floats == [3, 4, 5])
        #expect(try evaluate(.gather(axis: 1), [x, ints([-1, 0])]).floats == [2, 0, 5, 3])
        #expect(throws: OpFailure.self) { try evaluate(.gather(axis: 1), [x, ints([3])]) }
        #expect(try evaluate(.expand, [floats([2, 1], [1, 2]), ints([2, 2])]).floats == [1, 1, 2, 2])
        let select = try evaluate(.where, [TypedTensor(shape: [3], bools: [true, false, true]), x, floats([], [-1])])
        #expect(select.floats == [0, -1, 2, 3, -1, 5])
    }

    @Test func padModes() throws {
        let x = floats([1, 3], [1, 2, 3])
        func pad(_ mode: PadAttributes.Mode, _ pads: [Int64]) throws -> [Float] {
            try evaluate(.pad(PadAttributes(mode: mode, pads: nil, value: 0)), [x, ints(pads), floats([], [9]), nil]).floats
        }
        #expect(try pad(.constant, [0, 2, 0, 1]) == [9, 9, 1, 2, 3, 9])
        #expect(try pad(.reflect, [0, 2, 0, 2]) == [3, 2, 1, 2, 3, 2, 1])
        #expect(try pad(.edge, [0, 1, 0, 2]) == [1, 1, 2, 3, 3, 3])
        #expect(try pad(.constant, [0, -1, 0, 0]) == [2, 3])
        #expect(throws: OpFailure.self) { try pad(.reflect, [0, 3, 0, 0]) }
    }

    @Test func shapeOperators() throws {
        let x = TypedTensor(shape: [2, 3, 4], floats: [Float](repeating: 1, count: 24))
        #expect(try evaluate(.shape(start: 0, end: nil), [x]).storage == .int([2, 3, 4]))
        #expect(try evaluate(.shape(start: -2, end: -1), [x]).storage == .int([3]))
        #expect(try evaluate(.size, [x]).storage == .int([24]))
        #expect(try evaluate(.reshape(allowZero: false), [x, ints([0, -1])]).shape == [2, 12])
        #expect(throws: OpFailure.self) { try evaluate(.reshape(allowZero: false), [x, ints([5, -1])]) }
        #expect(try evaluate(.flatten(axis: 0), [x]).shape == [1, 24])
        #expect(try evaluate(.squeeze(axes: nil), [TypedTensor(shape: [1, 3, 1], floats: [1, 2, 3])]).shape == [3])
        #expect(try evaluate(.unsqueeze(axes: [0, -1]), [x]).shape == [1, 2, 3, 4, 1])
        #expect(try evaluate(.range, [ints([1]).reshaped([]), ints([7]).reshaped([]), ints([2]).reshaped([])]).storage == .int([1, 3, 5]))
        #expect(try evaluate(.cast(to: .int), [floats([3], [-1.7, 0.2, 2.9])]).storage == .int([-1, 0, 2]))
        #expect(try evaluate(.constantOfShape(TypedTensor(shape: [1], ints: [7])), [ints([2])]).storage == .int([7, 7]))
        #expect(throws: OpFailure.self) { try evaluate(.constantOfShape(TypedTensor(shape: [1], floats: [0])), [ints([1 << 40])]) }
    }

    @Test func reductions() throws {
        let x = floats([2, 2], [1, 2, 3, 4])
        func reduce(_ kind: ReduceAttributes.Kind, _ axes: [Int]?, keep: Bool = true) throws -> TypedTensor {
            try evaluate(.reduce(ReduceAttributes(kind: kind, axes: axes, keepDims: keep, noopWithEmptyAxes: false)), [x])
        }
        #expect(try reduce(.mean, [1]).floats == [1.5, 3.5])
        #expect(try reduce(.sum, [0], keep: false).floats == [4, 6])
        #expect(try reduce(.max, []).floats == [4])
        #expect(try reduce(.min, [-1]).shape == [2, 1])
    }
}

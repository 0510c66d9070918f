// An operator once its input shapes and constant parameters are known: every size, stride and
// parameter settled, nothing left to infer. Resolving is where shapes are checked; what remains
// is either a load-time constant or one step of plain compute that the executor runs per batch.
//
// The folding pass resolves each node, evaluates it when all its inputs are constants
// (`ResolvedOp.evaluate`), and otherwise keeps it as a compute node; the planner turns each
// compute node into one step (`Reference` kernels, or a fast kernel through the seam).

/// What a node reads: a per-image value by name, or a value known at load.
enum Operand: Sendable {
    case runtime(name: String, shape: [Int])
    case constant(TypedTensor)

    var shape: [Int] {
        switch self {
        case let .runtime(_, shape): shape
        case let .constant(t): t.shape
        }
    }

    var constant: TypedTensor? {
        if case let .constant(t) = self { return t }
        return nil
    }

    var elementType: ElementType { constant?.elementType ?? .float }
}

/// An operator with every shape and parameter settled.
enum ResolvedOp: Sendable {
    /// A value known at load (Shape, Size, Range, ConstantOfShape, Constant).
    case constant(TypedTensor)
    /// Inputs x, w, b?: one image's convolution (`ConvShape`), and y's shape, (N, OC, OH, OW)
    /// or (N, OC, OW) for a 1-D convolution.
    case conv(ConvShape, outputShape: [Int])
    /// Per-channel `y = x * scale[c] + shift[c]`: BatchNormalization with its statistics folded.
    case affine(AffineShape)
    /// `y = f(x)` element-wise, `f` an activation (Clip included).
    case activation(Activation, shape: [Int])
    /// `y = f(x)` element-wise.
    case unary(UnaryOp, shape: [Int])
    /// `y = a op b` with broadcasting.
    case binary(BinaryOp, Broadcast)
    /// MaxPool or AveragePool over the trailing spatial axes: one image's pool (`PoolShape`),
    /// and y's shape (N, C, O1..Ok).
    case pool(PoolKind, PoolShape, outputShape: [Int])
    /// GlobalAveragePool / GlobalMaxPool: `x (N, C, ...) -> y (N, C, 1, ...)`.
    case globalPool(isMax: Bool, inputShape: [Int])
    /// LRN across the channels of `x (N, C, ...)`.
    case lrn(LRNAttributes, shape: [Int])
    /// Softmax over the middle axis of `(outer, axis, inner)`.
    case softmax(SoftmaxShape)
    /// LayerNormalization over rows of the trailing axes; inputs x, scale, b?.
    case layerNorm(LayerNormShape)
    /// Resize / Upsample by per-axis index maps.
    case resize(ResizeShape)
    /// Gemm: see `GemmShape`.
    case gemm(GemmShape)
    /// MatMul: see `MatMulShape`.
    case matMul(MatMulShape)
    /// Concat along one axis.
    case concat(ConcatShape)
    /// Same values, new shape (Reshape, Flatten, Squeeze, Unsqueeze, Identity).
    case view(shape: [Int])
    /// Cast to another element type; per image only to float, where it is a view.
    case cast(ElementType, shape: [Int])
    /// Axis permutation.
    case transpose(TransposeShape)
    /// Padding (constant, reflect, edge).
    case pad(PadShape)
    /// Strided slice.
    case slice(SliceShape)
    /// Gather with constant indices.
    case gather(GatherShape)
    /// Broadcast to a larger shape.
    case expand(ExpandShape)
    /// `cond ? x : y` with a constant condition.
    case select(SelectShape)
    /// Reduction over some axes.
    case reduce(ReduceShape)
    /// ScatterND with constant indices; inputs data, indices, updates.
    case scatterND(ScatterNDShape)

    /// Shapes of the outputs.
    var outputShapes: [[Int]] {
        switch self {
        case let .constant(t): [t.shape]
        case let .conv(_, shape): [shape]
        case let .affine(s): [s.shape]
        case let .activation(_, shape), let .unary(_, shape), let .lrn(_, shape): [shape]
        case let .binary(_, b): [b.outputShape]
        case let .pool(_, _, shape): [shape]
        case let .globalPool(_, shape): [Array(shape.prefix(2)) + [Int](repeating: 1, count: shape.count - 2)]
        case let .softmax(s): [s.shape]
        case let .layerNorm(s): [s.shape]
        case let .resize(s): [s.outputShape]
        case let .gemm(s): [[s.m, s.n]]
        case let .matMul(s): [s.outputShape]
        case let .concat(s): [s.outputShape]
        case let .view(shape), let .cast(_, shape): [shape]
        case let .transpose(s): [s.outputShape]
        case let .pad(s): [s.outputShape]
        case let .slice(s): [s.outputShape]
        case let .gather(s): [s.outputShape]
        case let .expand(s): [s.outputShape]
        case let .select(s): [s.outputShape]
        case let .reduce(s): [s.outputShape]
        case let .scatterND(s): [s.shape]
        }
    }
}

extension [Operand?] {
    /// Input `i`, which the operator requires.
    func required(_ i: Int, _ what: String) throws -> Operand {
        guard i < count, let operand = self[i] else { throw OpFailure.malformed("input \(i) (\(what)) is missing") }
        return operand
    }

    /// Input `i` when present.
    func optional(_ i: Int) -> Operand? { i < count ? self[i] : nil }

    /// Input `i`, which must be known at load.
    func constant(_ i: Int, _ what: String) throws -> TypedTensor {
        let operand = try required(i, what)
        guard let t = operand.constant else {
            throw OpFailure.dynamic("input \(i) (\(what)) changes per image; it must be known at load")
        }
        return t
    }

    /// Input `i` as a list of integers known at load, or nil when absent.
    func constantInts(_ i: Int, _ what: String) throws -> [Int]? {
        guard optional(i) != nil else { return nil }
        let t = try constant(i, what)
        guard t.elementType != .float else { throw OpFailure.malformed("input \(i) (\(what)) must hold integers") }
        return t.ints.map { Int(clamping: $0) }
    }

    /// Input `i` as one float known at load, or nil when absent.
    func constantScalar(_ i: Int, _ what: String) throws -> Float? {
        guard optional(i) != nil else { return nil }
        let t = try constant(i, what)
        guard t.count == 1 else { throw OpFailure.malformed("input \(i) (\(what)) must hold one value, not \(t.count)") }
        return t.floats[0]
    }
}

// The seam where fast kernels plug into the executor.
//
// At plan time the planner offers every convolution, pooling and linear (Gemm/MatMul with
// constant weights) node to the registered `KernelProvider`s in order. The first that returns a
// `PreparedKernel` owns the node: it packs its weights once, says how much scratch it needs, and
// is called once per batch with the planned buffers. When none does, the node runs on the plain
// `Reference` operators. A provider may decline any node (return nil), so fast paths can cover
// the common geometries first and grow.
//
// Every other compute node a kernel could cover is offered through `node(_:)` as a
// `NodeRequest` (the planner makes one from the node's resolved operator), so element-wise,
// normalisation and layout kernels can plug in the same way.
//
// This seam lives below Runtime (in KernelSupport) because the kernels are compiled once per
// instruction set (modules KernelsBaseline, KernelsWithAVX2, KernelsWithAVX512; KernelSupport/ISA.swift):
// each variant's `FastKernels` is a `KernelProvider`, and Runtime's `KernelProviders` picks one.
//
// Epilogues: the planner fuses what follows a convolution or linear node into its request when
// the intermediate values are read by nothing else (not tapped, edited or output):
//     conv -> [Add(residual)] -> [activation]      linear -> [activation]
// A provider that takes the request must apply them: y = activation(conv(x) + b + residual).
//
// Blocks: three such convolutions in a row, a 1x1 expansion (optional), a depthwise convolution
// and a 1x1 projection (with its residual), whose values in between are read by nothing else,
// are offered together as an `InvertedResidualRequest` (MobileNetV2's block); when every
// provider declines, they run as three steps.

/// A convolution offered to the providers.
///
///     x (N, C, H, W), w (OC, C/groups, KH, KW), b (OC)?, residual (N, OC, OH, OW)? -> y (N, OC, OH, OW)
package struct ConvolutionRequest: Sendable {
    package var shape: ConvShape
    /// N, the images of every call.
    package var batch: Int
    /// (OC, C/groups, KH, KW), BatchNormalization already folded in.
    package var weights: [Float]
    /// OC values, or nil.
    package var bias: [Float]?
    /// Whether the step passes a residual tensor shaped like y to add before the activation.
    package var hasResidual: Bool
    package var activation: Activation
    /// Forces one algorithm, by name (benchmarks and tests): a provider that cannot run it on
    /// this shape declines the node. Nil: the provider chooses.
    package var algorithm: String?

    package init(shape: ConvShape, batch: Int, weights: [Float], bias: [Float]? = nil, hasResidual: Bool,
                 activation: Activation, algorithm: String? = nil) {
        self.shape = shape
        self.batch = batch
        self.weights = weights
        self.bias = bias
        self.hasResidual = hasResidual
        self.activation = activation
        self.algorithm = algorithm
    }
}

/// Three convolutions offered as one step (an inverted residual block):
///
///     x -> [expand: 1x1] -> depthwise -> project: 1x1 (+ residual) -> y
///
/// each request's activation applied to its own output, `project.hasResidual` saying whether the
/// step passes a residual; the values between them exist nowhere else.
package struct InvertedResidualRequest: Sendable {
    package var expand: ConvolutionRequest?
    package var depthwise: ConvolutionRequest
    package var project: ConvolutionRequest

    package init(expand: ConvolutionRequest?, depthwise: ConvolutionRequest, project: ConvolutionRequest) {
        self.expand = expand
        self.depthwise = depthwise
        self.project = project
    }
}

/// A pooling node offered to the providers.
package struct PoolingRequest: Sendable {
    package enum Kind: Sendable, Equatable {
        /// MaxPool or AveragePool with a window, over `batch` images.
        case window(PoolKind, PoolShape, batch: Int)
        /// GlobalAveragePool / GlobalMaxPool over `planes` planes of `size` values.
        case global(isMax: Bool, planes: Int, size: Int)
    }
    package var kind: Kind

    package init(kind: Kind) {
        self.kind = kind
    }
}

/// A fully connected layer offered to the providers (Gemm or MatMul with constant weights).
///
///     x (M, K), w (N, K), b (N)? -> y (M, N) = activation(x w^T + b)
package struct LinearRequest: Sendable {
    package var rows: Int
    package var inFeatures: Int
    package var outFeatures: Int
    /// (N, K) row-major, alpha folded in.
    package var weights: [Float]
    /// N values (beta folded in), or nil.
    package var bias: [Float]?
    package var activation: Activation

    package init(rows: Int, inFeatures: Int, outFeatures: Int, weights: [Float], bias: [Float]? = nil, activation: Activation) {
        self.rows = rows
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }
}

/// The buffers one kernel call works on, all planned once per (model, batch size).
package struct KernelBuffers {
    package var x: UnsafePointer<Float>
    package var y: UnsafeMutablePointer<Float>
    /// For a convolution with `hasResidual`: the tensor added before the activation.
    package var residual: UnsafePointer<Float>?
    /// `scratchCount` floats, or nil when it is 0.
    package var scratch: UnsafeMutablePointer<Float>?
    /// For `KernelProvider.node`: the node's data inputs in ONNX input order (nil where absent
    /// or a parameter); `x` is the first of them.
    package var inputs: [UnsafePointer<Float>?] = []

    package init(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>? = nil, scratch: UnsafeMutablePointer<Float>? = nil, inputs: [UnsafePointer<Float>?] = []) {
        self.x = x
        self.y = y
        self.residual = residual
        self.scratch = scratch
        self.inputs = inputs
    }
}

/// A kernel prepared for one node: weights packed, scratch size known.
package struct PreparedKernel {
    /// What to report in plan listings ("conv im2col+sgemm").
    package var label: String
    /// Floats of scratch the call needs; the planner provides one shared scratch region.
    package var scratchCount: Int
    /// Runs the node on the planned buffers.
    package var run: (KernelBuffers) -> Void

    package init(label: String, scratchCount: Int, run: @escaping (KernelBuffers) -> Void) {
        self.label = label
        self.scratchCount = scratchCount
        self.run = run
    }
}

/// A source of fast kernels. Every requirement may return nil to decline the node.
package protocol KernelProvider: Sendable {
    func convolution(_ request: ConvolutionRequest) -> PreparedKernel?
    /// A chain of convolutions as one step (declining it leaves them three steps).
    func invertedResidual(_ request: InvertedResidualRequest) -> PreparedKernel?
    /// The names of the convolution algorithms that can run `shape` (for `ConvolutionRequest.algorithm`).
    func convolutionAlgorithms(_ shape: ConvShape) -> [String]
    func pooling(_ request: PoolingRequest) -> PreparedKernel?
    func linear(_ request: LinearRequest) -> PreparedKernel?
    /// Any other compute node a kernel may cover (element-wise, standalone BatchNormalization as
    /// `.affine`, Concat, Softmax, LRN, Pad, ...); inputs in `KernelBuffers.inputs`.
    func node(_ request: NodeRequest) -> PreparedKernel?
}

extension KernelProvider {
    package func convolution(_ request: ConvolutionRequest) -> PreparedKernel? { nil }
    package func invertedResidual(_ request: InvertedResidualRequest) -> PreparedKernel? { nil }
    package func convolutionAlgorithms(_ shape: ConvShape) -> [String] { [] }
    package func pooling(_ request: PoolingRequest) -> PreparedKernel? { nil }
    package func linear(_ request: LinearRequest) -> PreparedKernel? { nil }
    package func node(_ request: NodeRequest) -> PreparedKernel? { nil }
}

/// A compute node other than convolution, pooling and linear, settled, in the terms a kernel
/// needs: Runtime makes one from each resolved operator of these kinds (`NodeRequest(op)`).
package enum NodeRequest: Sendable {
    /// Inputs a, b -> y, broadcast.
    case binary(BinaryOp, Broadcast)
    case activation(Activation, shape: [Int])
    case unary(UnaryOp, shape: [Int])
    /// Standalone BatchNormalization and friends: inputs x, scale, bias.
    case affine(AffineShape)
    case softmax(SoftmaxShape)
    /// Inputs x, scale, bias?.
    case layerNorm(LayerNormShape)
    case lrn(LRNAttributes, shape: [Int])
    /// Inputs in order.
    case concat(ConcatShape)
    case pad(PadShape)
    /// Inputs a, b (both at run time).
    case matMul(MatMulShape)
    /// Transpose, Slice and Expand: x read through strides.
    case stridedCopy(StridedCopyShape)
}

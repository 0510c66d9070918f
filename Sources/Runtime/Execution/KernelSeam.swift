// The seam where fast kernels plug into the executor.
//
// At plan time the planner offers every convolution, pooling and linear (Gemm/MatMul with
// constant weights) node to the registered `KernelProvider`s in order. The first that returns a
// `PreparedKernel` owns the node: it packs its weights once, says how much scratch it needs, and
// is called once per batch with the planned buffers. When none does, the node runs on the plain
// `Reference` operators. A provider may decline any node (return nil), so fast paths can cover
// the common geometries first and grow.
//
// Every other compute node is offered whole through `node(_:)` with its `ResolvedOp`, so
// element-wise, normalisation and layout kernels can plug in the same way.
//
// Epilogues: the planner fuses what follows a convolution or linear node into its request when
// the intermediate values are read by nothing else (not tapped, edited or output):
//     conv -> [Add(residual)] -> [activation]      linear -> [activation]
// A provider that takes the request must apply them: y = activation(conv(x) + b + residual).

/// A convolution offered to the providers.
///
///     x (N, C, H, W), w (OC, C/groups, KH, KW), b (OC)?, residual (N, OC, OH, OW)? -> y (N, OC, OH, OW)
struct ConvolutionRequest: Sendable {
    var shape: ConvShape
    /// N, the images of every call.
    var batch: Int
    /// (OC, C/groups, KH, KW), BatchNormalization already folded in.
    var weights: [Float]
    /// OC values, or nil.
    var bias: [Float]?
    /// Whether the step passes a residual tensor shaped like y to add before the activation.
    var hasResidual: Bool
    var activation: Activation
}

/// A pooling node offered to the providers.
struct PoolingRequest: Sendable {
    enum Kind: Sendable, Equatable {
        /// MaxPool or AveragePool with a window, over `batch` images.
        case window(PoolKind, PoolShape, batch: Int)
        /// GlobalAveragePool / GlobalMaxPool over `planes` planes of `size` values.
        case global(isMax: Bool, planes: Int, size: Int)
    }
    var kind: Kind
}

/// A fully connected layer offered to the providers (Gemm or MatMul with constant weights).
///
///     x (M, K), w (N, K), b (N)? -> y (M, N) = activation(x w^T + b)
struct LinearRequest: Sendable {
    var rows: Int
    var inFeatures: Int
    var outFeatures: Int
    /// (N, K) row-major, alpha folded in.
    var weights: [Float]
    /// N values (beta folded in), or nil.
    var bias: [Float]?
    var activation: Activation
}

/// The buffers one kernel call works on, all planned once per (model, batch size).
struct KernelBuffers {
    var x: UnsafePointer<Float>
    var y: UnsafeMutablePointer<Float>
    /// For a convolution with `hasResidual`: the tensor added before the activation.
    var residual: UnsafePointer<Float>?
    /// `scratchCount` floats, or nil when it is 0.
    var scratch: UnsafeMutablePointer<Float>?
    /// For `KernelProvider.node`: the node's data inputs in ONNX input order (nil where absent
    /// or a parameter); `x` is the first of them.
    var inputs: [UnsafePointer<Float>?] = []
}

/// A kernel prepared for one node: weights packed, scratch size known.
struct PreparedKernel {
    /// What to report in plan listings ("conv im2col+sgemm").
    var label: String
    /// Floats of scratch the call needs; the planner provides one shared scratch region.
    var scratchCount: Int
    /// Runs the node on the planned buffers.
    var run: (KernelBuffers) -> Void
}

/// A source of fast kernels. Every requirement may return nil to decline the node.
protocol KernelProvider: Sendable {
    func convolution(_ request: ConvolutionRequest) -> PreparedKernel?
    func pooling(_ request: PoolingRequest) -> PreparedKernel?
    func linear(_ request: LinearRequest) -> PreparedKernel?
    /// Any other compute node (element-wise, standalone BatchNormalization as `.affine`, Concat,
    /// Softmax, LRN, Pad, ...), offered with its resolved operator; inputs in `KernelBuffers.inputs`.
    func node(_ op: ResolvedOp) -> PreparedKernel?
}

extension KernelProvider {
    func convolution(_ request: ConvolutionRequest) -> PreparedKernel? { nil }
    func pooling(_ request: PoolingRequest) -> PreparedKernel? { nil }
    func linear(_ request: LinearRequest) -> PreparedKernel? { nil }
    func node(_ op: ResolvedOp) -> PreparedKernel? { nil }
}

/// The providers the planner consults, in order, before falling back on the reference.
enum KernelProviders {
    /// The default list for new sessions. The kernels in `Runtime/Kernels` register here.
    static var standard: [any KernelProvider] { FastKernels.standardProviders() }

    /// The standard providers with kernels on `threads` threads (nil: every core).
    static func standard(threads: Int?) -> [any KernelProvider] {
        FastKernels.standardProviders(parallelism: threads.map { Parallelism(threads: $0) } ?? .machine)
    }
}

// The closed set of operators the runtime runs, with their attributes parsed and validated.
//
// Every place that handles operators (shape inference, load-time evaluation, step building)
// switches over `Op` exhaustively, so adding a case is a compile error until each of them says
// what to do with it. Operator inputs stay inputs: values such as Reshape's shape or Clip's
// bounds (inputs since opset 11/13) are resolved once the folding pass knows them.

/// One operator with its attributes.
enum Op: Sendable {
    /// Conv: `x (N, C, H, W), w (OC, C/group, KH, KW), b (OC)? -> y (N, OC, OH, OW)`.
    case conv(ConvAttributes)
    /// BatchNormalization in inference mode: `y = (x - mean) / sqrt(var + epsilon) * scale + b`.
    case batchNormalization(epsilon: Float)
    /// An activation (Relu, Sigmoid, Tanh, HardSwish, LeakyRelu, HardSigmoid), which the planner
    /// may fuse into the convolution or linear layer before it.
    case activation(Activation)
    /// Clip; bounds from attributes before opset 11, from inputs 1 and 2 after. Resolved, it is
    /// the activation `.clip(min:max:)`.
    case clip(min: Float?, max: Float?)
    /// Any other element-wise function of one input.
    case unary(UnaryOp)
    /// An element-wise function of two inputs with NumPy broadcasting.
    case binary(BinaryOp)
    /// MaxPool over the trailing spatial axes.
    case maxPool(PoolAttributes)
    /// AveragePool over the trailing spatial axes.
    case averagePool(PoolAttributes)
    /// GlobalAveragePool and GlobalMaxPool: `x (N, C, ...) -> y (N, C, 1, ...)`.
    case globalAveragePool
    case globalMaxPool
    /// Local response normalisation across channels.
    case lrn(LRNAttributes)
    /// Softmax; `coerce2D` is the pre-opset-13 rule (flatten to 2-D at `axis`).
    case softmax(axis: Int, coerce2D: Bool)
    /// LayerNormalization over the axes from `axis` on (opset 17): inputs X, Scale, B?.
    case layerNormalization(axis: Int, epsilon: Float)
    /// Resize (opset 10+) and Upsample (opsets 7-9): nearest or linear interpolation.
    case resize(ResizeAttributes)
    /// Gemm: `y = alpha * op(A) op(B) + beta * C`.
    case gemm(GemmAttributes)
    /// MatMul with NumPy batch broadcasting.
    case matMul
    /// Concat along `axis`.
    case concat(axis: Int)
    /// Split along `axis` into the node's outputs; sizes from the attribute (before opset 13),
    /// input 1, or equal parts (`num_outputs`, opset 18). The folding pass writes it as one
    /// Slice per output.
    case split(axis: Int, sizes: [Int]?)
    /// Sum and Mean of any number of inputs with broadcasting; the folding pass writes them as
    /// a chain of Adds (and a division for Mean).
    case variadic(mean: Bool)
    /// Flatten to 2-D at `axis`.
    case flatten(axis: Int)
    /// Reshape to the shape given by input 1.
    case reshape(allowZero: Bool)
    /// Squeeze; axes from the attribute before opset 13, from input 1 after (nil: all ones).
    case squeeze(axes: [Int]?)
    /// Unsqueeze; axes from the attribute before opset 13, from input 1 after.
    case unsqueeze(axes: [Int]?)
    /// Transpose by `perm` (nil: reverse the axes).
    case transpose(perm: [Int]?)
    /// Identity, and Dropout in inference.
    case identity
    /// Pad; pads and value from attributes before opset 11, from inputs after.
    case pad(PadAttributes)
    /// Slice; starts, ends and axes from attributes before opset 10, from inputs after.
    case slice(SliceAttributes?)
    /// Gather along `axis` with integer indices.
    case gather(axis: Int)
    /// Expand (broadcast) to the shape given by input 1.
    case expand
    /// Where: `cond ? x : y` with broadcasting.
    case `where`
    /// Cast to another element type.
    case cast(to: ElementType)
    /// Shape of the input, optionally a slice of it (opset 15).
    case shape(start: Int, end: Int?)
    /// Number of elements of the input.
    case size
    /// A constant value.
    case constant(TypedTensor)
    /// A tensor of the shape given by input 0 filled with `value`'s single element.
    case constantOfShape(TypedTensor)
    /// Range(start, limit, delta).
    case range
    /// ReduceMean, ReduceSum, ReduceMax, ReduceMin.
    case reduce(ReduceAttributes)
    /// ScatterND with `reduction="none"`: data with the slices named by constant indices
    /// replaced by updates (torch's slice assignment, as in Swin's shifted-window mask).
    case scatterND
    /// If on a condition that must be known at load: one branch is inlined.
    case `if`(then: Graph, else: Graph)
}

/// ONNX's `auto_pad`.
enum AutoPad: String, Sendable {
    case notSet = "NOTSET", sameUpper = "SAME_UPPER", sameLower = "SAME_LOWER", valid = "VALID"
}

/// A sliding window over the trailing spatial axes, as Conv and the pools describe it.
struct WindowAttributes: Sendable, Equatable {
    /// Kernel size per spatial axis; nil for Conv (taken from the weights).
    var kernelShape: [Int]?
    /// Steps per spatial axis (nil: all 1).
    var strides: [Int]?
    /// Dilations per spatial axis (nil: all 1).
    var dilations: [Int]?
    /// Explicit pads, all begins then all ends (nil: zeros).
    var pads: [Int]?
    var autoPad: AutoPad = .notSet
}

struct ConvAttributes: Sendable, Equatable {
    var window: WindowAttributes
    var group: Int
}

struct PoolAttributes: Sendable, Equatable {
    var window: WindowAttributes
    var ceilMode: Bool
    /// AveragePool: whether padded positions count in the divisor.
    var countIncludePad: Bool
}

struct GemmAttributes: Sendable, Equatable {
    var alpha: Float, beta: Float
    var transA: Bool, transB: Bool
}

/// Slice's attributes before opset 10.
struct SliceAttributes: Sendable, Equatable {
    var starts: [Int], ends: [Int]
    var axes: [Int]?
}

/// Resize's and Upsample's attributes, settled for the opset that wrote them.
struct ResizeAttributes: Sendable, Equatable {
    enum Mode: String, Sendable { case nearest, linear }
    /// How an output coordinate maps back to the input (ONNX `coordinate_transformation_mode`).
    enum CoordinateMode: String, Sendable {
        case halfPixel = "half_pixel", pytorchHalfPixel = "pytorch_half_pixel", alignCorners = "align_corners"
        case asymmetric, halfPixelSymmetric = "half_pixel_symmetric"
    }
    /// How a fractional input coordinate rounds in nearest mode.
    enum NearestMode: String, Sendable {
        case roundPreferFloor = "round_prefer_floor", roundPreferCeil = "round_prefer_ceil", floor, ceil
    }
    var mode: Mode
    var coordinates: CoordinateMode
    var nearest: NearestMode
    /// Upsample before opset 9: the scales as an attribute (inputs are X only).
    var scales: [Float]?
    /// Upsample (opsets 7-9) reads X and scales; Resize reads X, roi, scales, sizes (opset 10:
    /// X and scales).
    var isUpsample: Bool
    /// Where the scales input is: 1 for Upsample and opset-10 Resize, 2 after.
    var scalesInput: Int
    /// Resize's `axes` (opset 18): the axes scales and sizes refer to (nil: all).
    var axes: [Int]?
}

/// A reduction over some axes.
struct ReduceAttributes: Sendable, Equatable {
    enum Kind: String, Sendable { case mean, sum, max, min }
    var kind: Kind
    /// Axes from the attribute (before opset 18 for mean and max, 13 for sum); nil: from input 1.
    var axes: [Int]?
    var keepDims: Bool
    /// With no axes: reduce nothing (true) or everything (false).
    var noopWithEmptyAxes: Bool
}

// The geometry of a 2-D convolution or pooling window over one input size: what the kernels need
// to know about shapes, and the output size that follows from it.
//
// Dimension names, used in every kernel's shape comment:
//   N batch, C input channels, OC output channels, H W input height and width,
//   KH KW kernel (window) size, OH OW output height and width.

/// Window sizes, strides, dilations and explicit pads of a 2-D sliding window.
///
/// ONNX's `auto_pad` is resolved into explicit pads by `Window.autoPads(...)` before building
/// one. Pads may differ on every side.
public struct Window: Sendable, Hashable, CustomStringConvertible {
    /// Kernel (window) height and width, KH and KW.
    public var kernelHeight: Int, kernelWidth: Int
    /// Vertical and horizontal step between windows.
    public var strideHeight: Int = 1, strideWidth: Int = 1
    /// Spacing between the taps of the window (1 is dense).
    public var dilationHeight: Int = 1, dilationWidth: Int = 1
    /// Zero (or ignored) rows and columns around the input.
    public var padTop: Int = 0, padLeft: Int = 0, padBottom: Int = 0, padRight: Int = 0

    /// A window of `kernel` (KH, KW) with the given strides, dilations and pads
    /// (top, left, bottom, right).
    public init(kernel: (Int, Int), stride: (Int, Int) = (1, 1), dilation: (Int, Int) = (1, 1),
                pads: (top: Int, left: Int, bottom: Int, right: Int) = (0, 0, 0, 0)) {
        (kernelHeight, kernelWidth) = kernel
        (strideHeight, strideWidth) = stride
        (dilationHeight, dilationWidth) = dilation
        (padTop, padLeft, padBottom, padRight) = pads
    }

    /// Extent of the window on the input, `dilation * (kernel - 1) + 1`, vertically.
    public var effectiveHeight: Int { dilationHeight * (kernelHeight - 1) + 1 }
    /// Extent of the window on the input horizontally.
    public var effectiveWidth: Int { dilationWidth * (kernelWidth - 1) + 1 }

    /// Why this window cannot slide over an input of `height` x `width`, or nil when it can
    /// (and `ceilMode` is false): sizes and strides positive, pads non-negative, window no
    /// larger than the padded input.
    public func problem(height: Int, width: Int) -> String? {
        if kernelHeight < 1 || kernelWidth < 1 { return "kernel \(kernelHeight)x\(kernelWidth) is empty" }
        if strideHeight < 1 || strideWidth < 1 { return "stride \(strideHeight)x\(strideWidth) must be positive" }
        if dilationHeight < 1 || dilationWidth < 1 { return "dilation \(dilationHeight)x\(dilationWidth) must be positive" }
        if min(padTop, padLeft, padBottom, padRight) < 0 { return "pads \(padsDescription) must not be negative" }
        if height < 1 || width < 1 { return "input \(height)x\(width) is empty" }
        if height + padTop + padBottom < effectiveHeight || width + padLeft + padRight < effectiveWidth {
            return "window \(effectiveHeight)x\(effectiveWidth) is larger than the padded input "
                + "\(height + padTop + padBottom)x\(width + padLeft + padRight)"
        }
        return nil
    }

    /// Output height over an input of `height` rows: floor (or ceil, in `ceilMode`) of
    /// `(H + pads - effective) / stride` plus one. In ceil mode a last window that would start
    /// inside the bottom padding is dropped (PyTorch's and onnxruntime's rule).
    public func outputHeight(_ height: Int, ceilMode: Bool = false) -> Int {
        Self.outputSize(height, padTop, padBottom, effectiveHeight, strideHeight, ceilMode)
    }

    /// Output width over an input of `width` columns (see `outputHeight`).
    public func outputWidth(_ width: Int, ceilMode: Bool = false) -> Int {
        Self.outputSize(width, padLeft, padRight, effectiveWidth, strideWidth, ceilMode)
    }

    static func outputSize(_ size: Int, _ padBegin: Int, _ padEnd: Int, _ effective: Int,
                           _ stride: Int, _ ceilMode: Bool) -> Int {
        let span = size + padBegin + padEnd - effective
        guard span >= 0 else { return 0 }
        var out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
        if ceilMode && (out - 1) * stride >= size + padBegin { out -= 1 }
        return out
    }

    /// Explicit (begin, end) pads for ONNX `auto_pad` SAME_UPPER (`upper`, extra pad at the end)
    /// or SAME_LOWER along one axis: output size ceil(size / stride).
    public static func autoPads(size: Int, kernel: Int, stride: Int, dilation: Int,
                                upper: Bool) -> (begin: Int, end: Int) {
        let out = (size + stride - 1) / stride
        let effective = dilation * (kernel - 1) + 1
        let total = max(0, (out - 1) * stride + effective - size)
        let small = total / 2, large = total - small
        return upper ? (small, large) : (large, small)
    }

    var padsDescription: String { "[\(padTop), \(padLeft), \(padBottom), \(padRight)]" }

    public var description: String {
        "kernel \(kernelHeight)x\(kernelWidth) stride \(strideHeight)x\(strideWidth) "
            + "dilation \(dilationHeight)x\(dilationWidth) pads \(padsDescription)"
    }
}

/// The full geometry of one 2-D convolution over an input of fixed size.
///
///     x (N, C, H, W), w (OC, C/groups, KH, KW) -> y (N, OC, OH, OW)
public struct ConvGeometry: Sendable, Hashable, CustomStringConvertible {
    /// Input channels C, output channels OC, and groups (C and OC are multiples of it).
    public var inputChannels: Int, outputChannels: Int, groups: Int
    /// Input height H and width W.
    public var inputHeight: Int, inputWidth: Int
    /// Kernel size, strides, dilations and pads.
    public var window: Window

    /// A convolution of `inputChannels` x `inputHeight` x `inputWidth` into `outputChannels`.
    public init(inputChannels: Int, outputChannels: Int, inputHeight: Int, inputWidth: Int,
                window: Window, groups: Int = 1) {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.groups = groups
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.window = window
    }

    /// Why the geometry is unusable, or nil: window problems, non-positive channels, channels
    /// not divisible by groups.
    public var problem: String? {
        if inputChannels < 1 || outputChannels < 1 { return "channels \(inputChannels) -> \(outputChannels) must be positive" }
        if groups < 1 || inputChannels % groups != 0 || outputChannels % groups != 0 {
            return "groups \(groups) must divide input channels \(inputChannels) and output channels \(outputChannels)"
        }
        return window.problem(height: inputHeight, width: inputWidth)
    }

    /// OH.
    public var outputHeight: Int { window.outputHeight(inputHeight) }
    /// OW.
    public var outputWidth: Int { window.outputWidth(inputWidth) }
    /// Input channels per group, C/groups.
    public var groupInputChannels: Int { inputChannels / groups }
    /// Output channels per group, OC/groups.
    public var groupOutputChannels: Int { outputChannels / groups }
    /// C * H * W: floats per input image.
    public var inputCount: Int { inputChannels * inputHeight * inputWidth }
    /// OC * OH * OW: floats per output image.
    public var outputCount: Int { outputChannels * outputHeight * outputWidth }
    /// OC * C/groups * KH * KW: floats in the weight tensor.
    public var weightCount: Int {
        outputChannels * groupInputChannels * window.kernelHeight * window.kernelWidth
    }
    /// C/groups * KH * KW: the reduction length of one output value.
    public var reductionLength: Int { groupInputChannels * window.kernelHeight * window.kernelWidth }

    public var description: String {
        "conv \(inputChannels)x\(inputHeight)x\(inputWidth) -> \(outputChannels)x\(outputHeight)x\(outputWidth) "
            + "\(window)" + (groups > 1 ? " groups \(groups)" : "")
    }
}

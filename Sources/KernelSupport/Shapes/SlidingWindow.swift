// A window sliding over the trailing spatial axes, as Conv, MaxPool and AveragePool share it:
// kernel sizes, strides, dilations and pads on every side, ONNX's auto_pad resolved into explicit
// pads, and the output size (floor, or ceil in ceil_mode, where a last window starting inside the
// end padding is dropped, as PyTorch and onnxruntime do).
//
// Dimension names, used in every kernel's shape comment:
//   N batch, C input channels, OC output channels, D H W input depth, height and width,
//   KD KH KW kernel (window) size, OD OH OW output depth, height and width.
//
// A window has three axes. A 2-D window (every convolution, and the pools the fast kernels run)
// has depth 1; a 1-D one over (N, C, L) is a 2-D one over a single row (H = 1). Three axes
// exist for pools only: PyTorch exports LRN as an average pool over (N, 1, C, H, W).

/// Kernel sizes, strides, dilations and explicit pads of a window over depth, height and width.
public struct SlidingWindow: Sendable, Hashable, CustomStringConvertible {
    /// Kernel (window) depth, height and width: KD, KH and KW.
    public var kernelDepth = 1, kernelHeight: Int, kernelWidth: Int
    /// Step between windows along each axis.
    public var strideDepth = 1, strideHeight = 1, strideWidth = 1
    /// Spacing between the taps of the window along each axis (1 is dense).
    public var dilationDepth = 1, dilationHeight = 1, dilationWidth = 1
    /// Zero (or ignored) planes, rows and columns before and after the input.
    public var padFront = 0, padBack = 0
    public var padTop = 0, padLeft = 0, padBottom = 0, padRight = 0

    /// A 2-D window of `kernel` (KH, KW) with the given strides, dilations and pads
    /// (top, left, bottom, right).
    public init(kernel: (Int, Int), stride: (Int, Int) = (1, 1), dilation: (Int, Int) = (1, 1),
                pads: (top: Int, left: Int, bottom: Int, right: Int) = (0, 0, 0, 0)) {
        (kernelHeight, kernelWidth) = kernel
        (strideHeight, strideWidth) = stride
        (dilationHeight, dilationWidth) = dilation
        (padTop, padLeft, padBottom, padRight) = pads
    }

    /// Extent of the window on the input, `dilation * (kernel - 1) + 1`, along depth.
    public var effectiveDepth: Int { dilationDepth * (kernelDepth - 1) + 1 }
    /// Extent of the window on the input vertically.
    public var effectiveHeight: Int { dilationHeight * (kernelHeight - 1) + 1 }
    /// Extent of the window on the input horizontally.
    public var effectiveWidth: Int { dilationWidth * (kernelWidth - 1) + 1 }

    /// Whether the window is 2-D: one plane deep, no step or pad along depth.
    public var isPlanar: Bool {
        kernelDepth == 1 && strideDepth == 1 && dilationDepth == 1 && padFront == 0 && padBack == 0
    }

    /// Why this window cannot slide over an input of `depth` x `height` x `width`, or nil when
    /// it can: sizes and strides positive, pads non-negative, window no larger than the padded
    /// input.
    public func problem(depth: Int = 1, height: Int, width: Int) -> String? {
        if min(kernelDepth, kernelHeight, kernelWidth) < 1 { return "kernel \(kernelSize) is empty" }
        if min(strideDepth, strideHeight, strideWidth) < 1 { return "stride \(strideSize) must be positive" }
        if min(dilationDepth, dilationHeight, dilationWidth) < 1 { return "dilation \(dilationSize) must be positive" }
        if min(padFront, padBack, padTop, padLeft, padBottom, padRight) < 0 { return "pads \(padsDescription) must not be negative" }
        if min(depth, height, width) < 1 { return "input \(isPlanar && depth == 1 ? "" : "\(depth)x")\(height)x\(width) is empty" }
        if depth + padFront + padBack < effectiveDepth || height + padTop + padBottom < effectiveHeight
            || width + padLeft + padRight < effectiveWidth {
            let padded = "\(height + padTop + padBottom)x\(width + padLeft + padRight)"
            return "window \(isPlanar ? "" : "\(effectiveDepth)x")\(effectiveHeight)x\(effectiveWidth) is larger than the padded input "
                + (isPlanar ? padded : "\(depth + padFront + padBack)x" + padded)
        }
        return nil
    }

    /// Output depth over an input of `depth` planes (see `outputHeight`).
    public func outputDepth(_ depth: Int, ceilMode: Bool = false) -> Int {
        Self.outputSize(depth, padFront, padBack, effectiveDepth, strideDepth, ceilMode)
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

    package static func outputSize(_ size: Int, _ padBegin: Int, _ padEnd: Int, _ effective: Int,
                           _ stride: Int, _ ceilMode: Bool) -> Int {
        let span = size + padBegin + padEnd - effective
        guard span >= 0 else { return 0 }
        var out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
        if ceilMode && (out - 1) * stride >= size + padBegin { out -= 1 }
        return out
    }

    private var kernelSize: String { sizes(kernelDepth, kernelHeight, kernelWidth) }
    private var strideSize: String { sizes(strideDepth, strideHeight, strideWidth) }
    private var dilationSize: String { sizes(dilationDepth, dilationHeight, dilationWidth) }

    /// "HxW", or "DxHxW" for a window that is not planar.
    private func sizes(_ d: Int, _ h: Int, _ w: Int) -> String { (isPlanar ? "" : "\(d)x") + "\(h)x\(w)" }

    package var padsDescription: String {
        (isPlanar ? "" : "[\(padFront), \(padBack)] ") + "[\(padTop), \(padLeft), \(padBottom), \(padRight)]"
    }

    public var description: String {
        "kernel \(kernelSize) stride \(strideSize) dilation \(dilationSize) pads \(padsDescription)"
    }
}

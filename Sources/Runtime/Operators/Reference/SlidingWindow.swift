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

    static func outputSize(_ size: Int, _ padBegin: Int, _ padEnd: Int, _ effective: Int,
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

    var padsDescription: String {
        (isPlanar ? "" : "[\(padFront), \(padBack)] ") + "[\(padTop), \(padLeft), \(padBottom), \(padRight)]"
    }

    public var description: String {
        "kernel \(kernelSize) stride \(strideSize) dilation \(dilationSize) pads \(padsDescription)"
    }
}

extension SlidingWindow {
    /// Resolves `attributes` over the `input` spatial sizes (one to three axes, the trailing
    /// axes of D, H, W) with the given kernel sizes.
    ///
    /// - Parameter padsWithinKernel: pools require every pad to be smaller than the window
    ///   (a window entirely in padding has no value).
    static func resolve(_ attributes: WindowAttributes, input: [Int], kernel: [Int],
                        padsWithinKernel: Bool) throws -> SlidingWindow {
        let rank = input.count
        precondition((1...3).contains(rank), "SlidingWindow.resolve: \(rank) spatial axes")
        func perAxis(_ values: [Int]?, _ name: String, default value: Int) throws -> [Int] {
            guard let values else { return [Int](repeating: value, count: rank) }
            guard values.count == rank else {
                throw OpFailure.malformed("\(name) has \(values.count) values for \(rank) spatial axes")
            }
            return values
        }
        guard kernel.count == rank, kernel.allSatisfy({ $0 >= 1 }) else {
            throw OpFailure.malformed("kernel \(kernel) does not fit \(rank) spatial axes")
        }
        let strides = try perAxis(attributes.strides, "strides", default: 1)
        let dilations = try perAxis(attributes.dilations, "dilations", default: 1)
        /// The pads per axis while they are settled.
        struct Axes {
            let kernel: [Int], dilations: [Int]
            var padBegin: [Int], padEnd: [Int]
            func effective(_ i: Int) -> Int { dilations[i] * (kernel[i] - 1) + 1 }
        }
        var window = Axes(kernel: kernel, dilations: dilations, padBegin: [Int](repeating: 0, count: rank),
                          padEnd: [Int](repeating: 0, count: rank))
        switch attributes.autoPad {
        case .notSet:
            if let pads = attributes.pads {
                guard pads.count == 2 * rank else {
                    throw OpFailure.malformed("pads has \(pads.count) values for \(rank) spatial axes")
                }
                window.padBegin = Array(pads[0..<rank])
                window.padEnd = Array(pads[rank...])
            }
        case .valid:
            break
        case .sameUpper, .sameLower:
            for i in 0..<rank {
                let out = (input[i] + strides[i] - 1) / strides[i]
                let total = max(0, (out - 1) * strides[i] + window.effective(i) - input[i])
                let small = total / 2
                window.padBegin[i] = attributes.autoPad == .sameUpper ? small : total - small
                window.padEnd[i] = total - window.padBegin[i]
            }
        }
        for i in 0..<rank {
            let eff = window.effective(i)
            if padsWithinKernel && (window.padBegin[i] >= eff || window.padEnd[i] >= eff) {
                throw OpFailure.malformed("pads \(window.padBegin[i]), \(window.padEnd[i]) are not smaller than the window \(eff)")
            }
            let span = input[i] + window.padBegin[i] + window.padEnd[i] - eff
            guard span >= 0 else {
                throw OpFailure.shape("window \(eff) is larger than the padded input \(input[i] + window.padBegin[i] + window.padEnd[i]) on spatial axis \(i)")
            }
        }
        // The axes right-aligned on (D, H, W); missing leading axes are one wide.
        func axis(_ values: [Int], _ i: Int, _ missing: Int) -> Int { i < 3 - rank ? missing : values[i - (3 - rank)] }
        var resolved = SlidingWindow(kernel: (axis(kernel, 1, 1), axis(kernel, 2, 1)),
                                     stride: (axis(strides, 1, 1), axis(strides, 2, 1)),
                                     dilation: (axis(dilations, 1, 1), axis(dilations, 2, 1)),
                                     pads: (axis(window.padBegin, 1, 0), axis(window.padBegin, 2, 0),
                                            axis(window.padEnd, 1, 0), axis(window.padEnd, 2, 0)))
        resolved.kernelDepth = axis(kernel, 0, 1)
        resolved.strideDepth = axis(strides, 0, 1)
        resolved.dilationDepth = axis(dilations, 0, 1)
        resolved.padFront = axis(window.padBegin, 0, 0)
        resolved.padBack = axis(window.padEnd, 0, 0)
        return resolved
    }
}

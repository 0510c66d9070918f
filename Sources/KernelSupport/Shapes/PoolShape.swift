// A pooling window over one image, as the planner hands it to a kernel.

/// Which reduction a pool takes over its window.
public enum PoolKind: Sendable, Hashable {
    /// The largest value in the window (padding never wins).
    case max
    /// The mean; `countIncludePad` divides by the window's size including its pads.
    case average(countIncludePad: Bool)
}

/// One image's MaxPool or AveragePool: C planes of D x H x W under a window. A 1-D pool over
/// (N, C, L) has H = 1, a 2-D one D = 1. Whatever runs it takes the batch size.
///
///     x (C, D, H, W) -> y (C, OD, OH, OW)
public struct PoolShape: Sendable, Hashable, CustomStringConvertible {
    /// C, the planes pooled independently.
    public var channels: Int
    /// Input depth D, height H and width W.
    public var inputDepth = 1, inputHeight: Int, inputWidth: Int
    /// Kernel, strides, dilations and pads.
    public var window: SlidingWindow
    /// Round the output size up rather than down (a last partial window).
    public var ceilMode: Bool

    /// Pooling `window` over `channels` planes of `inputHeight` x `inputWidth`.
    public init(channels: Int, inputHeight: Int, inputWidth: Int, window: SlidingWindow, ceilMode: Bool = false) {
        self.channels = channels
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.window = window
        self.ceilMode = ceilMode
    }

    /// OD.
    public var outputDepth: Int { window.outputDepth(inputDepth, ceilMode: ceilMode) }
    /// OH.
    public var outputHeight: Int { window.outputHeight(inputHeight, ceilMode: ceilMode) }
    /// OW.
    public var outputWidth: Int { window.outputWidth(inputWidth, ceilMode: ceilMode) }
    /// C * D * H * W.
    public var inputCount: Int { channels * inputDepth * inputHeight * inputWidth }
    /// C * OD * OH * OW.
    public var outputCount: Int { channels * outputDepth * outputHeight * outputWidth }
    /// Whether the pool is 2-D (one plane deep, a planar window), as the fast kernel needs.
    public var isPlanar: Bool { inputDepth == 1 && window.isPlanar }

    /// Why the shape is unusable, or nil.
    public var problem: String? {
        if channels < 1 { return "channels \(channels) must be positive" }
        return window.problem(depth: inputDepth, height: inputHeight, width: inputWidth)
    }

    public var description: String {
        "pool \(channels)x\(isPlanar ? "" : "\(inputDepth)x")\(inputHeight)x\(inputWidth) -> "
            + "\(isPlanar ? "" : "\(outputDepth)x")\(outputHeight)x\(outputWidth) \(window)" + (ceilMode ? " ceil" : "")
    }
}

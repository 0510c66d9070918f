// One image's 2-D convolution, as the planner hands it to a kernel.

/// One image's 2-D convolution: channels, input size, window and groups, and the output size that
/// follows. Whatever runs it takes the batch size.
///
///     x (C, H, W), w (OC, C/groups, KH, KW) -> y (OC, OH, OW)
public struct ConvShape: Sendable, Hashable, CustomStringConvertible {
    /// Input channels C, output channels OC, and groups (C and OC are multiples of it).
    public var inputChannels: Int, outputChannels: Int, groups: Int
    /// Input height H and width W.
    public var inputHeight: Int, inputWidth: Int
    /// Kernel size, strides, dilations and pads (a planar window).
    public var window: SlidingWindow

    public init(inputChannels: Int, outputChannels: Int, inputHeight: Int, inputWidth: Int,
                window: SlidingWindow, groups: Int = 1) {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.groups = groups
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.window = window
    }

    /// Why the shape is unusable, or nil: window problems, a window that is not planar,
    /// non-positive channels, channels not divisible by groups.
    public var problem: String? {
        if inputChannels < 1 || outputChannels < 1 { return "channels \(inputChannels) -> \(outputChannels) must be positive" }
        if groups < 1 || inputChannels % groups != 0 || outputChannels % groups != 0 {
            return "groups \(groups) must divide input channels \(inputChannels) and output channels \(outputChannels)"
        }
        if !window.isPlanar { return "a convolution's window is 2-D, not \(window)" }
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

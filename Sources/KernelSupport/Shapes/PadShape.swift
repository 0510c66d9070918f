// Pad's settled shape.

/// The resolved geometry of one Pad.
package struct PadShape: Sendable, Equatable {
    package var inputShape: [Int]
    package var outputShape: [Int]
    package var mode: PadAttributes.Mode
    package var value: Float
    /// Pads before each axis (negative: cropped).
    package var begins: [Int]
    /// Per axis, per output index: the input index it reads, or -1 for the constant.
    package var sources: [[Int]]

    package init(inputShape: [Int], outputShape: [Int], mode: PadAttributes.Mode, value: Float, begins: [Int], sources: [[Int]]) {
        self.inputShape = inputShape
        self.outputShape = outputShape
        self.mode = mode
        self.value = value
        self.begins = begins
        self.sources = sources
    }
}

/// Pad's mode and, before opset 11, its pads and value.
package struct PadAttributes: Sendable, Equatable {
    package enum Mode: String, Sendable { case constant, reflect, edge }
    package var mode: Mode
    package var pads: [Int]?
    package var value: Float

    package init(mode: Mode, pads: [Int]? = nil, value: Float) {
        self.mode = mode
        self.pads = pads
        self.value = value
    }
}

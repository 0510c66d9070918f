// Where a run's activations come from: a model run on the probe images, or a precomputed file.
//
// Both give, for a batch of samples, one `(n, C, H, W)` float32 buffer per layer. Rows of skipped
// samples are left as they are and never read.

/// A tapped layer's name and output shape `(C, H, W)`.
public struct LayerShape: Sendable, Equatable, Codable {
    /// Layer name as the user gave it.
    public var name: String
    /// Units `C`, height `H`, width `W`.
    public var units: Int, height: Int, width: Int

    public init(name: String, units: Int, height: Int, width: Int) {
        self.name = name
        self.units = units
        self.height = height
        self.width = width
    }

    /// `H * W`.
    public var mapSize: Int { height * width }
    /// `C * H * W`: floats per image.
    public var valuesPerImage: Int { units * height * width }
}

/// Something that computes the activations of a run's layers for batches of probe samples.
public protocol ActivationProducer: AnyObject {
    /// The layers produced, in the run's order.
    var layers: [LayerShape] { get }
    /// Whether samples must carry decoded images (a model does; a file of activations does not).
    var needsImages: Bool { get }
    /// Whether reading a batch again is cheap (a file): then pass 2 reads it again instead of a cache.
    var isRereadable: Bool { get }
    /// Fills `output[l]` with `items.count * layers[l].valuesPerImage` floats, row k for `items[k]`.
    /// - Returns: per item, nil when it was produced, or the reason it could not be.
    func produce(_ items: [SampleItem], into output: inout [[Float]]) throws -> [String?]
}

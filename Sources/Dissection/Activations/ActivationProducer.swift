// Where a run's activations come from: a model run on the probe images, or a precomputed file.
//
// Both give, for a batch of samples, one `(n, C, H, W)` float32 buffer per layer. Rows of skipped
// samples are left as they are and never read. A pass that reads every row once more (pass 1's
// peaks) may hand `produce` a visitor: a producer that makes rows on worker threads (the model)
// calls it there for each row it made, while the row is still in that core's cache; the others
// ignore it, and the pass reads the rows that were not visited itself.

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
    /// `produce`, calling `visit` for rows it made on worker threads, there, right after making
    /// them (possibly from several threads at once, for different rows; each at most once).
    /// A producer that makes rows on one thread ignores `visit`: a visit after the batch would
    /// read the rows from memory as the pass does.
    func produce(_ items: [SampleItem], into output: inout [[Float]], visit: ProducedRowVisitor?) throws -> [String?]
}

/// Called with a produced row `k` and, per layer, where its `(C, H, W)` values are in the output.
public typealias ProducedRowVisitor = @Sendable (_ row: Int, _ maps: [UnsafePointer<Float>]) -> Void

extension ActivationProducer {
    /// Produces the batch; visits no row.
    public func produce(_ items: [SampleItem], into output: inout [[Float]], visit: ProducedRowVisitor?) throws -> [String?] {
        try produce(items, into: &output)
    }
}

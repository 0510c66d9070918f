// The one pass over the probe that compositional explanations need.
//
// The run's activations are produced again (the model re-run, or the --activations file re-read)
// and each chosen unit's map is thresholded at the run's T_u and upsampled exactly as the tally
// does (UnitMasker), while each image's labels are built exactly as the tally builds them
// (LabelMaskBatch). What is kept is compressed: every label mask as runs (ProbeLabels) and each
// chosen unit's mask as runs (UnitPixels). Nothing else is stored per image.
import Foundation

/// A layer to explain: its position in the producer's layers, its thresholds and its units.
public struct ExplainLayer: Sendable {
    public var name: String
    public var index: Int
    public var thresholds: [Float]
    public var units: [Int]

    public init(name: String, index: Int, thresholds: [Float], units: [Int]) {
        self.name = name
        self.index = index
        self.thresholds = thresholds
        self.units = units
    }
}

/// The probe's labels and the chosen units' masks.
public struct ExplanationInputs: Sendable {
    public var labels: ProbeLabels
    /// Per layer (in the order asked), per chosen unit (in the order asked).
    public var units: [[UnitPixels]]

    /// Makes one pass over `source` with activations from `producer`.
    /// - Parameters:
    ///   - labels: the probe's labels from an earlier pass over the same source (nil: built in
    ///     this pass); a later group of units needs only its units' masks.
    ///   - progress: called after every batch with the images done and the total.
    /// - Throws: `RunError.cancelled` when `control` is cancelled (at a batch boundary), or what
    ///   the producer throws.
    public static func collect(source: SampleSource, producer: ActivationProducer, layers: [ExplainLayer],
                               labels known: ProbeLabels? = nil, batchSize: Int, workers: Int, control: RunControl,
                               progress: (Int, Int) -> Void) throws -> ExplanationInputs {
        let total = source.count
        precondition(known.map { $0.imageCount == total } ?? true, "ExplanationInputs: labels of another probe")
        var labels = known ?? ProbeLabels(catalog: source.catalog)
        var units = layers.map { [UnitPixels](repeating: UnitPixels(), count: $0.units.count) }
        let shapes = producer.layers
        let maskBatch = LabelMaskBatch(catalog: source.catalog, workers: workers)
        var maskers: [String: UnitMasker] = [:]
        let iterator = source.samples(0..<total, decodeImages: producer.needsImages)
        var buffers = [[Float]](repeating: [], count: shapes.count)
        var done = 0
        while done < total {
            if control.isCancelled { throw RunError.cancelled }
            var items: [SampleItem] = []
            while items.count < min(batchSize, total - done), let item = iterator.next() { items.append(item) }
            guard !items.isEmpty else { break }
            let reasons = try producer.produce(items, into: &buffers)
            var annotations: [ImageAnnotation?] = []
            for (item, reason) in zip(items, reasons) {
                if case let .sample(_, annotation, _) = item, reason == nil { annotations.append(annotation) }
                else { annotations.append(nil) }
            }
            // Label masks only when the labels are not known yet; the units need only the sizes.
            let masks = known == nil ? maskBatch.build(annotations) : []
            for (k, item) in items.enumerated() {
                let size: (height: Int, width: Int, pixels: Int)
                if known != nil {
                    guard annotations[k] != nil else { continue }
                    let (h, w) = (Int(labels.heights[item.index]), Int(labels.widths[item.index]))
                    guard h * w > 0 else { continue }
                    size = (h, w, h * w)
                } else {
                    labels.append(masks[k], height: 0, width: 0)
                    guard let mask = masks[k] else { continue }
                    size = (mask.height, mask.width, mask.pixelCount)
                }
                for (l, layer) in layers.enumerated() {
                    let shape = shapes[layer.index]
                    let key = "\(shape.height)x\(shape.width)>\(size.height)x\(size.width)"
                    let masker = maskers[key] ?? UnitMasker(plan: BilinearPlan(sourceHeight: shape.height, sourceWidth: shape.width,
                                                                                targetHeight: size.height, targetWidth: size.width))
                    maskers[key] = masker
                    buffers[layer.index].withUnsafeBufferPointer { b in
                        for (j, u) in layer.units.enumerated() {
                            // map (H, W) of unit u of image k
                            let map = b.baseAddress! + k * shape.valuesPerImage + u * shape.mapSize
                            let (area, words) = masker.threshold(map, layer.thresholds[u])
                            guard area > 0 else { continue }
                            units[l][j].append(image: item.index, bits: masker.mask, wordCount: masker.wordCount,
                                               pixelCount: size.pixels)
                            masker.clear(words)
                        }
                    }
                }
            }
            done += items.count
            progress(done, total)
        }
        return ExplanationInputs(labels: labels, units: units)
    }

    /// Bytes held.
    public var bytes: Int { labels.bytes + unitBytes }

    /// Bytes of the units' masks.
    public var unitBytes: Int { units.reduce(0) { $0 + $1.reduce(0) { $0 + $1.bytes } } }
}

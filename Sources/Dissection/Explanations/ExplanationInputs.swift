// The one pass over the probe that compositional explanations need.
//
// The run's activations are produced again (the model re-run, or the --activations file re-read)
// and each chosen unit's map is thresholded at the run's T_u and upsampled exactly as the tally
// does (UnitMasker), while each image's labels are built exactly as the tally builds them
// (LabelMaskBatch) and written as runs to the label file (LabelRunWriter), unless a label file
// of this probe is known already. What is kept in memory is each chosen unit's mask as runs
// (UnitPixels), within a budget: when the units' masks outgrow it, the last units of the pass
// are dropped (a later pass reads them), so a pass holds as many units as fit, whatever their
// masks turn out to be, and never more than the budget plus one batch's masks.
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

/// Where a pass gets the probe's labels.
public enum LabelSource {
    /// Labels from an earlier pass or from the label file: the pass reads only the image sizes.
    case known(ProbeLabels)
    /// Built during the pass by the writer.
    case build(LabelRunWriter)
}

/// The probe's labels and the chosen units' masks.
public struct ExplanationInputs: Sendable {
    public var labels: ProbeLabels
    /// Per layer (in the order asked), per chosen unit (in the order asked): the first units of
    /// each layer's list that fit the pass's budget.
    public var units: [[UnitPixels]]

    /// Makes one pass over `source` with activations from `producer`.
    /// - Parameters:
    ///   - labels: the probe's labels, known or to be built in this pass.
    ///   - unitBudget: bytes of units' masks to keep; past it, units are dropped from the end
    ///     (the last layer's first), never the first unit of the pass.
    ///   - progress: called after every batch with the images done and the total.
    /// - Throws: `RunError.cancelled` when `control` is cancelled (at a batch boundary), what the
    ///   producer throws, or the writer's `RunError.store`.
    public static func collect(source: SampleSource, producer: ActivationProducer, layers: [ExplainLayer],
                               labels from: LabelSource, unitBudget: Int = .max, batchSize: Int, workers: Int,
                               control: RunControl, progress: (Int, Int) -> Void) throws -> ExplanationInputs {
        let total = source.count
        var known: ProbeLabels?, writer: LabelRunWriter?
        switch from {
        case let .known(labels):
            precondition(labels.imageCount == total, "ExplanationInputs: labels of another probe")
            known = labels
        case let .build(w): writer = w
        }
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
            // Label masks only when the labels are being built; the units need only the sizes.
            let masks = writer != nil ? maskBatch.build(annotations) : []
            for (k, item) in items.enumerated() {
                let size: (height: Int, width: Int, pixels: Int)
                if let known {
                    guard annotations[k] != nil else { continue }
                    let (h, w) = known.size(item.index)
                    guard h * w > 0 else { continue }
                    size = (h, w, h * w)
                } else {
                    try writer!.append(masks[k])
                    guard let mask = masks[k] else { continue }
                    size = (mask.height, mask.width, mask.pixelCount)
                }
                for (l, layer) in layers.enumerated() where !units[l].isEmpty {
                    let shape = shapes[layer.index]
                    let key = "\(shape.height)x\(shape.width)>\(size.height)x\(size.width)"
                    let masker = maskers[key] ?? UnitMasker(plan: BilinearPlan(sourceHeight: shape.height, sourceWidth: shape.width,
                                                                                targetHeight: size.height, targetWidth: size.width))
                    maskers[key] = masker
                    buffers[layer.index].withUnsafeBufferPointer { b in
                        for (j, u) in layer.units.prefix(units[l].count).enumerated() {
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
            // Over the budget: the last units go (a later pass reads them), the first stays.
            var held = units.reduce(0) { $0 + $1.reduce(0) { $0 + $1.bytes } }
            while held > unitBudget, units.reduce(0, { $0 + $1.count }) > 1, let l = units.lastIndex(where: { !$0.isEmpty }) {
                held -= units[l].removeLast().bytes
            }
            done += items.count
            progress(done, total)
        }
        let labels = try known ?? writer!.finish()
        return ExplanationInputs(labels: labels, units: units)
    }

    /// Bytes held in memory: the units' masks (and the labels when they are not mapped).
    public var bytes: Int { (labels.isMapped ? 0 : labels.bytes) + unitBytes }

    /// Bytes of the units' masks.
    public var unitBytes: Int { units.reduce(0) { $0 + $1.reduce(0) { $0 + $1.bytes } } }
}

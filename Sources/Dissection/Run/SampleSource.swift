// What the engine reads from a probe dataset, image by image: annotations and, for models, pixels.
//
// The probe reader (Dissection/Probe) decodes files; an adapter (`ProbeSampleSource`) turns them
// into `SampleItem`s, decoding ahead of the pass on a loader thread. Everything here is a plain value so the tally kernels never see file formats.
import Render

/// One segmentation layer of one image: a label id per pixel (`R + 256 * G`), 0 = unlabelled.
public struct PixelLayer: Sendable, Equatable {
    /// Index into the catalog's categories.
    public var category: Int
    /// `height * width` label ids, row-major.
    public var labels: [UInt32]

    public init(category: Int, labels: [UInt32]) {
        self.category = category
        self.labels = labels
    }
}

/// Image-level label ids of one category for one image (0 already removed).
public struct ImageLevelLabels: Sendable, Equatable {
    /// Index into the catalog's categories.
    public var category: Int
    /// Label ids, >= 1.
    public var ids: [Int]

    public init(category: Int, ids: [Int]) {
        self.category = category
        self.ids = ids
    }
}

/// Everything the tally needs to know about one image's concepts.
public struct ImageAnnotation: Sendable, Equatable {
    /// Segmentation height `sh`.
    public var height: Int
    /// Segmentation width `sw`.
    public var width: Int
    /// Pixel layers of the selected categories; several per category may overlap.
    public var pixelLayers: [PixelLayer]
    /// Image-level labels of the selected categories.
    public var imageLabels: [ImageLevelLabels]
    /// The label masks for the run's catalog when the loader built them (`SegmentationUse.masks`);
    /// `pixelLayers` is then empty.
    public var masks: LabelMasks?

    /// Creates an annotation; every layer must hold `height * width` labels.
    public init(height: Int, width: Int, pixelLayers: [PixelLayer] = [], imageLabels: [ImageLevelLabels] = []) {
        precondition(height > 0 && width > 0, "ImageAnnotation: empty segmentation \(height)x\(width)")
        for layer in pixelLayers {
            precondition(layer.labels.count == height * width,
                         "ImageAnnotation: layer holds \(layer.labels.count) labels, expected \(height * width)")
        }
        self.height = height
        self.width = width
        self.pixelLayers = pixelLayers
        self.imageLabels = imageLabels
    }
}

/// One image of the probe in index order: usable, or skipped with the reason.
public enum SampleItem: Sendable {
    /// A usable image: its index, annotation, and the decoded picture when a model needs it.
    case sample(index: Int, annotation: ImageAnnotation, image: RGBImage?)
    /// An image left out of every sum: its index, its path and why.
    case skip(index: Int, path: String, reason: String)

    /// The image's position in `index.csv` order.
    public var index: Int {
        switch self {
        case let .sample(index, _, _): return index
        case let .skip(index, _, _): return index
        }
    }
}

/// A probe dataset as the engine sees it: a catalog, a count, and an ordered stream of images.
public protocol SampleSource: Sendable {
    /// The categories and labels that will be scored.
    var catalog: ConceptCatalog { get }
    /// Number of images (after `--limit`).
    var count: Int { get }
    /// The image path of row `index` (relative to `images/`), for reports.
    func path(of index: Int) -> String
    /// Images `range` in order. `decodeImages` asks for pixels (only a model needs them).
    func samples(_ range: Range<Int>, decodeImages: Bool) -> AnyIterator<SampleItem>
    /// Images `range` in order, their segmentations decoded, turned into masks, or not read.
    func samples(_ range: Range<Int>, decodeImages: Bool, segmentations: SegmentationUse) -> AnyIterator<SampleItem>
}

/// What the loader does with an image's segmentations.
public enum SegmentationUse: Sendable {
    /// Decoded into `ImageAnnotation.pixelLayers`.
    case decode
    /// Decoded and turned into `ImageAnnotation.masks` for the source's catalog (pixel layers dropped).
    case masks
    /// Not read (pass 2 with the label-mask cache): annotations carry only the size.
    case skip
}

extension SampleSource {
    /// The plain adapter for sources without their own: annotations as `samples(_:decodeImages:)`
    /// gives them, masks built one image at a time when asked.
    public func samples(_ range: Range<Int>, decodeImages: Bool, segmentations: SegmentationUse) -> AnyIterator<SampleItem> {
        let items = samples(range, decodeImages: decodeImages)
        guard segmentations == .masks else { return items }
        let builder = LabelMaskBuilder(catalog: catalog)
        return AnyIterator { items.next().map { $0.withMasks(builder) } }
    }
}

extension SampleItem {
    /// The item with its annotation's masks built (and its pixel layers dropped).
    func withMasks(_ builder: LabelMaskBuilder) -> SampleItem {
        guard case .sample(let index, var annotation, let image) = self else { return self }
        var masks = LabelMasks()
        builder.build(annotation, into: &masks)
        annotation.masks = masks
        annotation.pixelLayers = []
        return .sample(index: index, annotation: annotation, image: image)
    }
}

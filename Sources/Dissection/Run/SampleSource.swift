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
}

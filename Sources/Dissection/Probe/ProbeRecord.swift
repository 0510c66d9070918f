// One row of `index.csv`: an image, its sizes, and its annotations per category.

/// The annotations of one category on one image.
public enum ProbeCell: Sendable, Equatable {
    /// A pixel category: segmentation PNG paths relative to `images/`, one per layer, in the
    /// order the cell lists them. Empty when the image has no annotation of this category.
    case layers([String])
    /// An image-level category: label ids, 0 removed. Empty when the image has none.
    case labels([Int])

    /// The layer paths, or none for an image-level cell.
    public var layerPaths: [String] { if case let .layers(p) = self { return p } else { return [] } }
    /// The label ids, or none for a pixel cell.
    public var labelIDs: [Int] { if case let .labels(l) = self { return l } else { return [] } }
    /// Whether the cell holds nothing.
    public var isEmpty: Bool { layerPaths.isEmpty && labelIDs.isEmpty }
}

/// One data row of `index.csv`.
///
/// Every data row becomes a record, in file order, even one that cannot be used: such a record
/// carries a `defect`, and the loader yields it as a skip, so that skipped images are counted in
/// one place whatever made them unusable.
public struct ProbeRecord: Sendable, Equatable {
    /// 0-based position among the data rows; the image index used by the tally and the run store.
    public var index: Int
    /// 1-based line in `index.csv`.
    public var line: Int
    /// Path of the JPEG relative to `images/`.
    public var image: String
    /// `train` or `val` (other values are kept as written).
    public var split: String
    /// Image height and width, as the row states them.
    public var imageHeight: Int
    /// See `imageHeight`.
    public var imageWidth: Int
    /// Segmentation height and width, as the row states them.
    public var segmentationHeight: Int
    /// See `segmentationHeight`.
    public var segmentationWidth: Int
    /// One cell per category, in `category.csv` order.
    public var cells: [ProbeCell]
    /// Why the row cannot be used (a path that leaves the dataset, a bad size, a wrong column
    /// count), or nil when it can.
    public var defect: String?

    /// The segmentation layer paths of category `category` (none for image-level categories).
    public func layers(_ category: Int) -> [String] { cells[category].layerPaths }
    /// The image-level label ids of category `category`, 0 removed (none for pixel categories).
    public func labels(_ category: Int) -> [Int] { cells[category].labelIDs }
    /// Number of segmentation pixels, `sh * sw`.
    public var segmentationPixels: Int { segmentationHeight * segmentationWidth }
}

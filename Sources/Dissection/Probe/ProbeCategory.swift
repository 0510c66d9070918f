// Categories and labels of a probe dataset: the concept vocabulary that units are scored against.

/// How a category annotates images.
public enum CategoryKind: String, Sendable, Equatable {
    /// Per pixel, as segmentation PNGs (object, part, material, color).
    case pixel
    /// Per image, as label ids in `index.csv` (scene, texture).
    case imageLevel = "image-level"

    /// The kind of Broden's standard categories; nil for others (then decided from `index.csv`).
    public static func standard(_ name: String) -> CategoryKind? {
        switch name {
        case "object", "part", "material", "color": return .pixel
        case "scene", "texture": return .imageLevel
        default: return nil
        }
    }
}

/// One row of `category.csv`.
public struct ProbeCategory: Sendable, Equatable {
    /// Position in `category.csv`, 0-based; the index used everywhere else.
    public var index: Int
    /// Name (`object`, `scene`, ...).
    public var name: String
    /// Pixel or image-level.
    public var kind: CategoryKind
    /// First and last global label id used by the category, as `category.csv` states them.
    public var firstLabel: Int
    /// See `firstLabel`.
    public var lastLabel: Int
    /// Number of labels, as `category.csv` states it.
    public var labelCount: Int
    /// Number of images annotated, as `category.csv` states it.
    public var frequency: Int
}

/// A label's standing within one category, from `c_<category>.csv`.
public struct LabelInCategory: Sendable, Equatable {
    /// Index of the category (into `ProbeDataset.categories`).
    public var category: Int
    /// Dense code within the category (0 when the category's CSV does not list the label).
    public var code: Int
    /// Number of images in which the label appears in this category.
    public var frequency: Int
    /// Area covered in this category, in image-equivalents; decides the primary category.
    public var coverage: Double
}

/// One row of `label.csv`, joined with its rows in the `c_<category>.csv` files.
public struct ProbeLabel: Sendable, Equatable {
    /// Global label id, >= 1.
    public var id: Int
    /// Name (`dog`, `red-c`, `street-s`).
    public var name: String
    /// Number of images the label appears in, as `label.csv` states it.
    public var frequency: Int
    /// Total coverage, as `label.csv` states it.
    public var coverage: Double
    public var synonyms: [String]
    /// The categories the label appears in, in `category.csv` order.
    public var categories: [LabelInCategory]
    /// Index of the primary category: the one where the coverage is largest, ties to the
    /// category listed first in `category.csv` (docs/method.md#primary-category). Nil when the label
    /// appears in no category (it can then never be scored).
    public var primaryCategory: Int?
}

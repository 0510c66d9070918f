// The vocabulary the engine scores against: categories and labels of a probe dataset.
//
// The engine does not read Broden files itself; the probe layer (Dissection/Probe) does, and an
// adapter turns what it read into a `ConceptCatalog`. Keeping this small value type between them
// means the tally, the scores and the run store depend only on what they need: names, kinds,
// label ids and each label's primary category (docs/method.md#primary-category).

/// Whether a category's annotations are pixel maps or whole-image labels.
public enum ConceptKind: String, Sendable, Codable, Equatable {
    /// Segmentation layers (object, part, material, color): a label per pixel.
    case pixel
    /// Label ids given per image in `index.csv` (scene, texture): the whole image carries them.
    case image
}

/// One concept category, in `category.csv` order.
public struct ConceptCategory: Sendable, Codable, Equatable {
    /// Category name (`object`, `color`, ...).
    public var name: String
    /// Pixel or image-level.
    public var kind: ConceptKind

    public init(name: String, kind: ConceptKind) {
        self.name = name
        self.kind = kind
    }
}

/// One label (concept) that can be scored.
public struct ConceptLabel: Sendable, Codable, Equatable {
    /// Global label id, >= 1.
    public var id: Int
    /// Label name (`dog`, `red-c`, `striped`).
    public var name: String
    /// Index into `ConceptCatalog.categories` of the label's primary category.
    public var category: Int

    public init(id: Int, name: String, category: Int) {
        self.id = id
        self.name = name
        self.category = category
    }
}

/// The categories and labels a dissection scores, with dense lookups by label id.
public struct ConceptCatalog: Sendable, Equatable {
    /// Categories in `category.csv` order (only those selected for the run).
    public let categories: [ConceptCategory]
    /// Scored labels, ascending by id.
    public let labels: [ConceptLabel]
    /// The largest label id (at most `LabelMap.maxLabel`; the lookups by id have `maxLabelID + 1` entries).
    public let maxLabelID: Int
    /// `primaryCategory[id]`: category index of label `id`, or -1 when the label is not scored.
    public let primaryCategory: [Int32]
    /// `slot[id]`: the index of label `id` in `labels`, or -1 when the label is not scored. Per-label
    /// sums (the tally) are indexed by slot, so their size follows the number of labels, never the
    /// largest id.
    public let slot: [Int32]

    /// Builds a catalog; labels whose category index is out of range are a programming error.
    public init(categories: [ConceptCategory], labels: [ConceptLabel]) {
        let sorted = labels.sorted { $0.id < $1.id }
        let maxID = sorted.last?.id ?? 0
        var primary = [Int32](repeating: -1, count: maxID + 1)
        var slot = [Int32](repeating: -1, count: maxID + 1)
        for (k, label) in sorted.enumerated() {
            precondition(label.id >= 1, "ConceptCatalog: label id \(label.id) < 1")
            precondition(categories.indices.contains(label.category),
                         "ConceptCatalog: label \(label.id) has category \(label.category)")
            precondition(slot[label.id] < 0, "ConceptCatalog: label \(label.id) given twice")
            primary[label.id] = Int32(label.category)
            slot[label.id] = Int32(k)
        }
        self.categories = categories
        self.labels = sorted
        self.maxLabelID = maxID
        self.primaryCategory = primary
        self.slot = slot
    }

    /// Whether `id` is a label this catalog scores.
    @inlinable public func isScored(_ id: Int) -> Bool {
        id >= 1 && id <= maxLabelID && primaryCategory[id] >= 0
    }

    /// The label with id `id`, if scored.
    public func label(_ id: Int) -> ConceptLabel? {
        guard isScored(id) else { return nil }
        return labels[Int(slot[id])]
    }
}

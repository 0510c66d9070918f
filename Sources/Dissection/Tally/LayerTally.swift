// The integer sums of docs/method.md#tally for one layer: I_ul, U_uc, G_l.
//
// Everything the scores need is a sum over images, so a tally is a few dense arrays of UInt64
// that grow image by image, can be written to a checkpoint and read back, and give the same
// integers whatever the order or the number of interruptions.

/// How the union of a unit and a category is counted (docs/method.md#the-union-rule). Both rules
/// charge a category through the primary categories of the labels an image carries.
public enum UnionRule: String, Sendable, Codable, CaseIterable {
    /// NetDissect: a unit's active pixels on every image that carries a label of the category.
    case original
    /// NetDissect-Lite: only on images where the unit's mask touches a label of the category.
    case lite

    /// The version of how unions are charged, recorded in every run database. 1: by the
    /// category of the layer holding a label (runs made before 2026-12-04; a label drawn outside
    /// its primary category's layers could get an IoU above 1); 2: through the labels' primary
    /// categories. Runs of different versions are never mixed: an older unfinished run is not
    /// resumed.
    public static let version = 2
}

/// The running sums of one layer's tally.
public struct LayerTally: Sendable, Equatable {
    /// Number of units `C`.
    public let units: Int
    /// Label slots: one per scored label, slot k for `catalog.labels[k]` (`ConceptCatalog.slot`).
    /// Memory follows the number of labels, never the largest label id.
    public let labelSlots: Int
    /// Number of categories.
    public let categoryCount: Int
    /// `I_ul`: `intersections[u * labelSlots + slot(l)]`.
    public var intersections: [UInt64]
    /// `U_uc`: `unions[u * categoryCount + c]`.
    public var unions: [UInt64]
    /// `G_l`: `truth[slot(l)]`.
    public var truth: [UInt64]
    /// `Σ_i A_u(i)`: every active pixel of unit u.
    public var activeArea: [UInt64]
    /// Images added.
    public var images: Int

    public init(units: Int, labelSlots: Int, categoryCount: Int) {
        precondition(units >= 0 && labelSlots >= 1 && categoryCount >= 0, "LayerTally: bad sizes")
        self.units = units
        self.labelSlots = labelSlots
        self.categoryCount = categoryCount
        intersections = [UInt64](repeating: 0, count: units * labelSlots)
        unions = [UInt64](repeating: 0, count: units * categoryCount)
        truth = [UInt64](repeating: 0, count: labelSlots)
        activeArea = [UInt64](repeating: 0, count: units)
        images = 0
    }

    /// An empty tally of `units` units over `catalog`'s labels and categories.
    public init(units: Int, catalog: ConceptCatalog) {
        self.init(units: units, labelSlots: Swift.max(catalog.labels.count, 1), categoryCount: catalog.categories.count)
    }

    /// `I_ul` for the label in slot `k`.
    @inlinable public func intersection(unit u: Int, slot k: Int) -> UInt64 { intersections[u * labelSlots + k] }

    /// `U_uc`.
    @inlinable public func union(unit u: Int, category c: Int) -> UInt64 { unions[u * categoryCount + c] }

    /// Adds the ground-truth pixel counts `G_l(i)` of one image.
    public mutating func addTruth(_ masks: LabelMasks) {
        for (k, slot) in masks.pixelSlots.enumerated() { truth[Int(slot)] &+= UInt64(masks.pixelCounts[k]) }
        for slot in masks.imageSlots { truth[Int(slot)] &+= UInt64(masks.pixelCount) }
        images += 1
    }

    // MARK: Checkpoints

    /// The tally as bytes.
    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.int(units); w.int(labelSlots); w.int(categoryCount); w.int(images)
        w.scalars(intersections); w.scalars(unions); w.scalars(truth); w.scalars(activeArea)
        return w.bytes
    }

    /// Restores a tally written by `serialized()`; nil when the bytes do not describe one.
    public init?(serialized bytes: [UInt8]) {
        var r = ByteReader(bytes)
        guard let units = r.int(), let slots = r.int(), let cats = r.int(), let images = r.int(),
              units >= 0, slots >= 1, cats >= 0, images >= 0,
              units <= (1 << 24), slots <= (1 << 24), cats <= 1024,
              let i = r.scalars(units * slots, of: UInt64.self), let u = r.scalars(units * cats, of: UInt64.self),
              let t = r.scalars(slots, of: UInt64.self), let a = r.scalars(units, of: UInt64.self), r.atEnd else { return nil }
        self.units = units
        self.labelSlots = slots
        self.categoryCount = cats
        self.images = images
        intersections = i
        unions = u
        truth = t
        activeArea = a
    }

    /// Restores a checkpointed tally of `catalog`'s labels. Tallies written before 2026-12-05 have
    /// a slot per label id up to the largest (`maxLabelID + 1`, always more than the number of
    /// labels, since ids start at 1 and differ); they are compacted to one slot per label. Nil when
    /// the bytes are no tally or one of another label set.
    public init?(serialized bytes: [UInt8], catalog: ConceptCatalog) {
        guard let t = LayerTally(serialized: bytes) else { return nil }
        let slots = Swift.max(catalog.labels.count, 1)
        if t.labelSlots == slots {
            self = t
            return
        }
        guard t.labelSlots == catalog.maxLabelID + 1 else { return nil }
        self.init(units: t.units, labelSlots: slots, categoryCount: t.categoryCount)
        for (k, label) in catalog.labels.enumerated() {
            truth[k] = t.truth[label.id]
            for u in 0..<units { intersections[u * slots + k] = t.intersections[u * t.labelSlots + label.id] }
        }
        unions = t.unions
        activeArea = t.activeArea
        images = t.images
    }
}

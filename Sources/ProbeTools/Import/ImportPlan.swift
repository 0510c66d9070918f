// What a format reader makes of a source dataset before any image is read: its classes, how its
// masks encode them, and the list of images (file names only: a 25,000-image list is a few MB).
//
// The label id of the probe written is the position of the class in `labels` plus one, whatever
// the source's own numbering (VOC's 1-20, Cityscapes' 0-33 with gaps, COCO's up to 200), so the
// same dataset always gives the same ids; only labels that occur are listed in the tables.

import Foundation

/// The formats `probe import` reads.
public enum ImportFormat: String, Sendable, CaseIterable {
    case ade20k
    case voc
    case cityscapes
    case cocoStuff = "coco-stuff"
    case cocoPanoptic = "coco-panoptic"
    case masks

    /// The folder under `images/` of the probe written.
    var folder: String { rawValue }
}

/// What to import, and how.
public struct ImportOptions: Sendable, Equatable {
    /// The source format.
    public var format: ImportFormat
    /// The category of every pixel label (default `object`); for COCO panoptic, of the things.
    public var category: String = "object"
    /// A CSV of `name,category` rows assigning labels to categories (`grass,material`).
    public var map: String? = nil
    /// Import only this split (`train`, `val`, or a format's own, like Cityscapes' `test`).
    public var split: String? = nil
    /// Import only the first N images (in the order of the source's file names).
    public var limit: Int? = nil
    /// Resize images to `size x size` (bilinear) and segmentations to `size / 2` (nearest), as
    /// Broden's variants are; nil keeps every image's size, with segmentations at full size.
    public var size: Int? = nil
    /// JPEG quality of re-encoded images (a JPEG kept at its size is copied byte for byte).
    public var jpegQuality: Int = 90
    /// Worker threads (default: the number of active cores).
    public var workers: Int? = nil

    /// Options for `format`, with the defaults above.
    public init(format: ImportFormat) { self.format = format }
}

/// One label of the probe to write.
struct ImportLabel: Sendable, Equatable {
    /// Its name (the source's first name for the class).
    var name: String
    /// The source's other names for it.
    var synonyms: [String]
    /// The category it is written in.
    var category: String
}

/// How a mask stores classes.
enum MaskEncoding: Sendable, Equatable {
    /// A greyscale or palette PNG whose value (sample or palette index) names the class.
    case indexed
    /// An RGB PNG holding segment ids `R + 256 G + 256^2 B`; each image says which class a segment is.
    case panoptic
}

/// One image to import.
struct ImportItem: Sendable, Equatable {
    /// Path of the image relative to the source directory.
    var image: String
    /// Path of its mask relative to the source directory (a missing mask is reported when read).
    var mask: String
    /// `train`, `val` (or the source's own split name).
    var split: String
    /// The output name under `images/<format>/`, without extension; unique within the import.
    var name: String
    /// COCO panoptic: the image's segments, each its id and its index into `ImportPlan.labels`
    /// (-1 for a category the JSON does not list); segments not listed are unknown. Pairs of
    /// Int32 rather than a dictionary: a plan of COCO's train set holds 118,287 of them.
    var segments: [SegmentLabel] = []
    /// Indices into `ImportPlan.labels` of image-level labels (ADE20K's scene).
    var imageLabels: [Int] = []
}

/// A panoptic segment and its label.
struct SegmentLabel: Sendable, Equatable {
    /// The segment id, `R + 256 G + 256^2 B` of its pixels (below 2^24).
    var id: Int32
    /// Index into `ImportPlan.labels`, or -1.
    var label: Int32
}

extension ImportItem {
    /// `segments` as a lookup, segment id -> label index; a segment listed twice keeps its last label.
    var segmentLabels: [Int: Int] {
        Dictionary(segments.map { (Int($0.id), Int($0.label)) }, uniquingKeysWith: { _, last in last })
    }
}

/// A format reader's view of a source dataset.
struct ImportPlan: Sendable {
    /// The labels, in the source's order; label id = position + 1.
    var labels: [ImportLabel]
    /// How masks encode classes.
    var encoding: MaskEncoding
    /// For indexed masks: value -> index into `labels`. Values neither here nor in `void` are unknown.
    var values: [Int: Int] = [:]
    /// Mask values (or panoptic segment ids) that are no label: void, ignored, unlabelled.
    var void: Set<Int> = []
    /// Categories whose labels are per image (ADE20K's `scene`), not per pixel.
    var imageLevelCategories: Set<String> = []
    /// The images, in the order they are imported.
    var items: [ImportItem]
    /// Things worth telling the user about the source (a list not found, what was assumed).
    var notes: [String] = []
}

extension ImportPlan {
    /// Gives every item a unique output name made of safe characters (`[A-Za-z0-9._-]`, others
    /// replaced by `_`), adding `_2`, `_3`, ... where two names would meet.
    mutating func makeNamesSafe() {
        var used = Set<String>()
        for i in items.indices {
            let safe = String(String.UnicodeScalarView(items[i].name.unicodeScalars.prefix(120).map { s in
                (s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "." || s == "-" || s == "_")) ? s : "_"
            }))
            var name = safe.isEmpty || safe.hasPrefix(".") ? "_" + safe : safe
            var n = 2
            while used.contains(name) { name = safe + "_\(n)"; n += 1 }
            used.insert(name)
            items[i].name = name
        }
    }
}

extension ImportOptions {
    /// Whether the source split `split` (also called `alias` by the source) is imported.
    func wants(split: String, alias: String? = nil) -> Bool {
        guard let wanted = self.split else { return true }
        return wanted == split || wanted == alias
    }
}

/// A class name from a dataset's file: control characters removed, spaces trimmed.
func cleanName(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.filter { !$0.properties.generalCategory.isControl }))
        .trimmingCharacters(in: .whitespaces)
}

extension Unicode.GeneralCategory {
    fileprivate var isControl: Bool { self == .control || self == .format || self == .lineSeparator || self == .paragraphSeparator }
}

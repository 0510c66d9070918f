// The probe's label masks as runs in one file: the layout `ProbeLabels` reads, in memory or mapped.
//
// `explain` writes it once per probe to RUN/explain/labels.runs (LabelRunWriter) during its first
// pass and maps it afterwards, so the labels are page cache rather than the process's memory, and
// a later `explain` of the same run skips building them. Native byte order (little-endian on
// every platform Swift runs netdissect on); integers are aligned to their size.
//
//     header (128 bytes)  "NDLABELS", version u32, 0 u32, fingerprint u64, then u64 counts:
//                         images, labels, entries, run words, image labels, label images, file size
//     runs                run words × u32: (start, length) pairs, row-major, image after image
//     entries             (entries + 1) × {label i32, slot i32, first run word u64}; the last is a
//                         sentinel {-1, -1, run words}. Image i's pixel labels, ascending by id.
//     sizes               images × {height i32, width i32} (0 x 0: a skipped image)
//     entry starts        (images + 1) × u64     image i's entries: [start i, start i+1)
//     image-label starts  (images + 1) × u64
//     image-label ids, image-label slots          image labels × i32 each
//     label ids           labels × i32           the catalog's scored labels, ascending (slot order)
//     label pixels        labels × u64           |L| per slot
//     label-image starts  (labels + 1) × u64     per slot, the images that carry the label:
//     label images        label images × i32     ascending
//
// Each section starts at a multiple of 8. Opening checks everything before anything is read
// through it (LabelRunFile+Checks): the header against the file's size and the probe, every
// table's offsets against its section, every run against its image, and the per-label totals and
// image lists against the entries, so a damaged or hostile file is refused (and rebuilt), never
// read out of bounds.
import Foundation

/// The label-run file: its layout and identity.
public enum LabelRunFile {
    /// Where explain keeps it: `RUN/<folder>/<name>`.
    public static let folder = "explain", name = "labels.runs"
    static let magic: [UInt8] = Array("NDLABELS".utf8)
    /// Bumped whenever the layout or what the labels are built from changes.
    static let version: UInt32 = 1
    static let headerSize = 128
    /// Bytes of one entry record.
    static let entrySize = 16

    /// What a file must have been built for.
    public struct Identity: Sendable, Equatable {
        /// `fingerprint(records:catalog:)` of the probe.
        public var fingerprint: UInt64
        public var imageCount: Int
        /// The catalog's scored label ids, ascending.
        public var labelIDs: [Int32]
        /// The largest segmentation of the probe, in pixels (an image's size in the file may not
        /// exceed it).
        public var maxPixels: Int

        public init(fingerprint: UInt64, imageCount: Int, labelIDs: [Int32], maxPixels: Int) {
            self.fingerprint = fingerprint
            self.imageCount = imageCount
            self.labelIDs = labelIDs
            self.maxPixels = maxPixels
        }
    }

    /// The counts in the header, from which every section's place follows.
    struct Counts: Equatable {
        var images = 0, labels = 0, entries = 0, runWords = 0, imageLabels = 0, labelImages = 0
    }

    /// Byte offsets of the sections, and the file's size.
    struct Layout {
        var runs = 0, entries = 0, sizes = 0, entryStart = 0, imageLabelStart = 0, imageLabelIDs = 0, imageLabelSlots = 0
        var labelIDs = 0, labelPixels = 0, labelImageStart = 0, labelImages = 0, end = 0

        /// The layout for `c`, nil when a size overflows.
        init?(_ c: Counts) {
            var at = LabelRunFile.headerSize
            /// Places a section of `count` items of `size` bytes at the next multiple of 8.
            func place(_ count: Int, _ size: Int) -> Int? {
                let (bytes, o1) = count.multipliedReportingOverflow(by: size)
                let (padded, o2) = at.addingReportingOverflow(7)
                let start = padded & ~7
                let (next, o3) = start.addingReportingOverflow(bytes)
                guard count >= 0, !o1, !o2, !o3 else { return nil }
                at = next
                return start
            }
            guard let runs = place(c.runWords, 4), let entries = place(c.entries + 1, LabelRunFile.entrySize),
                  let sizes = place(c.images, 8), let entryStart = place(c.images + 1, 8),
                  let imageLabelStart = place(c.images + 1, 8), let imageLabelIDs = place(c.imageLabels, 4),
                  let imageLabelSlots = place(c.imageLabels, 4), let labelIDs = place(c.labels, 4),
                  let labelPixels = place(c.labels, 8), let labelImageStart = place(c.labels + 1, 8),
                  let labelImages = place(c.labelImages, 4), let end = place(0, 1) else { return nil }
            (self.runs, self.entries, self.sizes, self.entryStart, self.imageLabelStart) = (runs, entries, sizes, entryStart, imageLabelStart)
            (self.imageLabelIDs, self.imageLabelSlots, self.labelIDs, self.labelPixels) = (imageLabelIDs, imageLabelSlots, labelIDs, labelPixels)
            (self.labelImageStart, self.labelImages, self.end) = (labelImageStart, labelImages, end)
        }

        /// Notes in `meter` what reading image `i`'s labels touches: its entries (and the next,
        /// which ends its runs), its runs, and its rows of the per-image tables, a lane each.
        @inline(__always)
        func touch(image i: Int, entries: Range<Int>, runs: Range<Int>, imageLabels: Range<Int>, _ meter: inout ResidentMeter) {
            meter.touch(self.runs + 4 * runs.lowerBound, 4 * runs.count, lane: 0)
            meter.touch(self.entries + LabelRunFile.entrySize * entries.lowerBound, LabelRunFile.entrySize * (entries.count + 1), lane: 1)
            meter.touch(sizes + 8 * i, 8, lane: 2)
            meter.touch(entryStart + 8 * i, 16, lane: 3)
            meter.touch(imageLabelStart + 8 * i, 16, lane: 4)
            meter.touch(imageLabelIDs + 4 * imageLabels.lowerBound, 4 * imageLabels.count, lane: 5)
            meter.touch(imageLabelSlots + 4 * imageLabels.lowerBound, 4 * imageLabels.count, lane: 6)
        }
    }

    /// A 64-bit FNV-1a digest of what the labels are built from: the selected categories and
    /// scored labels, and every used row of index.csv (image, sizes, annotation paths and
    /// image-level labels, defect). A probe whose index changes gets a new fingerprint; one whose
    /// segmentation PNGs are rewritten in place under the same names does not (delete the file).
    public static func fingerprint(records: ArraySlice<ProbeRecord>, catalog: ConceptCatalog) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ text: String) {
            for b in text.utf8 { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
            hash = (hash ^ 0x1F) &* 0x0000_0100_0000_01B3  // a separator no field holds
        }
        add("v\(version)")
        for c in catalog.categories { add("c \(c.name) \(c.kind.rawValue)") }
        for l in catalog.labels { add("l \(l.id) \(l.category) \(l.name)") }
        for r in records {
            add("r \(r.index) \(r.image) \(r.segmentationHeight)x\(r.segmentationWidth) \(r.defect ?? "")")
            for cell in r.cells {
                switch cell {
                case let .layers(paths): add("p " + paths.joined(separator: "\u{1F}"))
                case let .labels(ids): add("i " + ids.map(String.init).joined(separator: " "))
                }
            }
        }
        return hash
    }
}

/// Why a label-run file cannot be used: `explain` rebuilds it and says why in one line.
public enum LabelRunFileProblem: Error, Equatable, CustomStringConvertible {
    case missing
    /// Built for another probe, other labels, or by another version.
    case stale(String)
    /// Not a label-run file, truncated, or inconsistent.
    case damaged(String)

    public var description: String {
        switch self {
        case .missing: return "missing"
        case let .stale(why): return "stale (\(why))"
        case let .damaged(why): return "damaged (\(why))"
        }
    }
}

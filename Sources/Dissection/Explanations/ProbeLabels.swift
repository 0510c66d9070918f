// Every label mask of the probe, compressed: the label side of compositional explanations.
//
// Per image: its pixel labels, each as runs (RunLength), and its image-level labels (which cover
// the whole image). Beside them, once per probe: each label's pixel count `|L|` and the images
// that carry it (so a formula is only ever evaluated on the images where it can be non-empty).
// Built from the engine's own `LabelMasks` (the same labels, the same precedence of image-level
// labels over pixel masks), one image at a time, in image order, by `LabelRunWriter`; an image
// that is skipped has no labels and covers no pixel of any label.
//
// The tables are the bytes of a label-run file (LabelRunFile), in memory or mapped from
// RUN/explain/labels.runs, checked once when opened (ProbeLabels+Checks): every accessor here
// reads offsets that were proven to lie inside their sections. Per-label arrays are indexed by
// the catalog's dense slot (`ConceptCatalog.slot[id]`, the label's index among the scored labels,
// ascending by id), as the tally's are: their size follows the number of labels, never the
// largest id (a probe may number a label 65535).

/// The probe's label masks as runs, with per-label totals and image lists.
public struct ProbeLabels: @unchecked Sendable {  // immutable views into `region`, which it owns
    let region: LabelRegion
    let counts: LabelRunFile.Counts
    let layout: LabelRunFile.Layout
    /// `slotOf[id]`: the label's slot, -1 when the catalog does not score it (the catalog's `slot`).
    private let slotOf: [Int32]
    /// Per slot: the label id (ascending).
    public let labelIDs: [Int32]
    /// `|L|` per slot.
    public let labelPixels: [Int]
    /// Bytes of the tables readers may keep resident between releases, all readers together
    /// (mapped tables only; `Int.max`: no bound).
    public var residentBudget = Int.max
    private let runs: UnsafePointer<UInt32>, sizes: UnsafePointer<Int32>
    private let entryStart: UnsafePointer<UInt64>, imageLabelStart: UnsafePointer<UInt64>
    private let imageLabelIDs: UnsafePointer<Int32>, imageLabelSlots: UnsafePointer<Int32>
    private let labelImageStart: UnsafePointer<UInt64>, labelImageList: UnsafePointer<Int32>

    /// Views a region that `check` accepted.
    init(region: LabelRegion, counts: LabelRunFile.Counts, layout: LabelRunFile.Layout, catalog: ConceptCatalog, labelPixels: [Int]) {
        self.region = region
        self.counts = counts
        self.layout = layout
        slotOf = catalog.slot
        labelIDs = catalog.labels.map { Int32($0.id) }
        self.labelPixels = labelPixels
        func at<T>(_ offset: Int, _: T.Type) -> UnsafePointer<T> { (region.base + offset).assumingMemoryBound(to: T.self) }
        runs = at(layout.runs, UInt32.self)
        sizes = at(layout.sizes, Int32.self)
        entryStart = at(layout.entryStart, UInt64.self)
        imageLabelStart = at(layout.imageLabelStart, UInt64.self)
        imageLabelIDs = at(layout.imageLabelIDs, Int32.self)
        imageLabelSlots = at(layout.imageLabelSlots, Int32.self)
        labelImageStart = at(layout.labelImageStart, UInt64.self)
        labelImageList = at(layout.labelImages, Int32.self)
    }

    /// Number of images.
    public var imageCount: Int { counts.images }

    /// Number of labels (slots).
    public var labelCount: Int { labelIDs.count }

    /// Whether the tables are mapped from a file (else held in memory).
    public var isMapped: Bool { region.isMapped }

    /// Bytes of the tables (the file's size when mapped).
    public var bytes: Int { region.count }

    /// The slot of label `id`, -1 when it is not one of the catalog's labels.
    @inline(__always) public func slot(_ id: Int32) -> Int {
        id >= 0 && Int(id) < slotOf.count ? Int(slotOf[Int(id)]) : -1
    }

    /// Segmentation height and width of image `i` (0 x 0 for a skipped image).
    public func size(_ i: Int) -> (height: Int, width: Int) { (Int(sizes[2 * i]), Int(sizes[2 * i + 1])) }

    /// Pixels of image `i`.
    @inline(__always) public func pixelCount(_ i: Int) -> Int { Int(sizes[2 * i]) * Int(sizes[2 * i + 1]) }

    /// The pixel-label entries of image `i`.
    @inline(__always) func entries(_ i: Int) -> Range<Int> { Int(entryStart[i])..<Int(entryStart[i + 1]) }

    /// The label id of entry `e`.
    @inline(__always) func entryLabel(_ e: Int) -> Int32 { region.load(layout.entries + e * LabelRunFile.entrySize, as: Int32.self) }

    /// The label slot of entry `e`.
    @inline(__always) func entrySlot(_ e: Int) -> Int { Int(region.load(layout.entries + e * LabelRunFile.entrySize + 4, as: Int32.self)) }

    /// The first run word of entry `e` (`e == entries`: the end of the runs).
    @inline(__always) func runStart(_ e: Int) -> Int { Int(region.load(layout.entries + e * LabelRunFile.entrySize + 8, as: UInt64.self)) }

    /// The image-level labels of image `i` (ids, ascending).
    func imageLabels(_ i: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: imageLabelIDs + Int(imageLabelStart[i]), count: Int(imageLabelStart[i + 1] - imageLabelStart[i]))
    }

    /// The slots of image `i`'s image-level labels.
    func imageLabelSlotsOf(_ i: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: imageLabelSlots + Int(imageLabelStart[i]), count: Int(imageLabelStart[i + 1] - imageLabelStart[i]))
    }

    /// The images that carry the label of slot `s`, ascending.
    public func images(slot s: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: labelImageList + Int(labelImageStart[s]), count: Int(labelImageStart[s + 1] - labelImageStart[s]))
    }

    /// Sets the bits of entry `e`'s mask, moved by `offset` bits, in `bits` (which must be zero
    /// where they go and hold the image's pixels past `offset`).
    func decode(entry e: Int, into bits: UnsafeMutablePointer<UInt64>, offset: Int = 0) {
        let lo = runStart(e), hi = runStart(e + 1)
        RunLength.decode(UnsafeBufferPointer(start: runs + lo, count: hi - lo), into: bits, offset: offset)
    }

    /// How label `id` covers image `i`: the pixel entry holding its mask, the whole image, or nothing.
    func coverage(of id: Int32, in i: Int) -> LabelCoverage {
        if imageLabels(i).contains(id) { return .whole }
        var lo = Int(entryStart[i]), hi = Int(entryStart[i + 1]) - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let label = entryLabel(mid)
            if label == id { return .entry(mid) }
            if label < id { lo = mid + 1 } else { hi = mid - 1 }
        }
        return .none
    }

    /// Notes in `meter` what reading image `i`'s labels touches: its entries and runs
    /// (contiguous) and its rows of the per-image tables.
    @inline(__always) func touch(image i: Int, _ meter: inout ResidentMeter) {
        guard meter.share != .max else { return }
        let e0 = Int(entryStart[i]), e1 = Int(entryStart[i + 1])
        layout.touch(image: i, entries: e0..<e1, runs: runStart(e0)..<runStart(e1),
                     imageLabels: Int(imageLabelStart[i])..<Int(imageLabelStart[i + 1]), &meter)
    }

    /// Notes in `meter` the reading of slot `s`'s image list.
    func touch(imagesOf s: Int, _ meter: inout ResidentMeter) {
        meter.touch(layout.labelImageStart + 8 * s, 16, lane: 7)
        meter.touch(layout.labelImages + 4 * Int(labelImageStart[s]), 4 * Int(labelImageStart[s + 1] - labelImageStart[s]), lane: 7)
    }

    /// A meter for one of `readers` readers, with its share of `residentBudget`.
    func meter(readers: Int) -> ResidentMeter {
        ResidentMeter(region: region, share: residentBudget == .max ? .max : residentBudget / max(1, readers))
    }
}

/// How a label covers one image.
enum LabelCoverage: Equatable {
    case none, whole, entry(Int)
}

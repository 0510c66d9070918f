// Every label mask of the probe, compressed: the label side of compositional explanations.
//
// Per image: its pixel labels, each as runs (RunLength), and its image-level labels (which cover
// the whole image). Beside them, once per probe: each label's pixel count `|L|` and the images
// that carry it (so a formula is only ever evaluated on the images where it can be non-empty).
// Built from the engine's own `LabelMasks` (the same labels, the same precedence of image-level
// labels over pixel masks), one image at a time, in image order; an image that is skipped has no
// labels and covers no pixel of any label.
//
// Per-label arrays are indexed by the catalog's dense slot (`ConceptCatalog.slot[id]`, the
// label's index among the scored labels, ascending by id), as the tally's are: their size follows
// the number of labels, never the largest id (a probe may number a label 65535).

/// The probe's label masks as runs, with per-label totals and image lists.
public struct ProbeLabels: Sendable {
    /// Segmentation height and width per image.
    public private(set) var heights: [Int32] = [], widths: [Int32] = []
    /// Image `i`'s pixel labels are entries `entryStart[i]..<entryStart[i + 1]`.
    private(set) var entryStart: [Int] = [0]
    /// Per entry: the label id and slot, and its runs `runStart[k]..<runStart[k + 1]` of `runs`.
    private(set) var entryLabel: [Int32] = [], entrySlot: [Int32] = []
    private(set) var runStart: [Int] = [0]
    private(set) var runs: [UInt32] = []
    /// Image `i`'s image-level labels are `imageLabelIDs[imageLabelStart[i]..<imageLabelStart[i + 1]]`.
    private(set) var imageLabelStart: [Int] = [0]
    private(set) var imageLabelIDs: [Int32] = [], imageLabelSlots: [Int32] = []
    /// `slotOf[id]`: the label's slot, -1 when the catalog does not score it (the catalog's `slot`).
    private let slotOf: [Int32]
    /// Per slot: the label id (ascending).
    public let labelIDs: [Int32]
    /// `|L|` per slot.
    public private(set) var labelPixels: [Int]
    /// Per slot: the images that carry the label, ascending.
    public private(set) var labelImages: [[Int32]]

    /// An empty set of labels for the labels `catalog` scores.
    public init(catalog: ConceptCatalog) {
        slotOf = catalog.slot
        labelIDs = catalog.labels.map { Int32($0.id) }
        labelPixels = [Int](repeating: 0, count: labelIDs.count)
        labelImages = [[Int32]](repeating: [], count: labelIDs.count)
    }

    /// Number of images.
    public var imageCount: Int { heights.count }

    /// Number of labels (slots).
    public var labelCount: Int { labelIDs.count }

    /// The slot of label `id`, -1 when it is not one of the catalog's labels.
    @inline(__always) public func slot(_ id: Int32) -> Int {
        id >= 0 && Int(id) < slotOf.count ? Int(slotOf[Int(id)]) : -1
    }

    /// Pixels of image `i`.
    public func pixelCount(_ i: Int) -> Int { Int(heights[i]) * Int(widths[i]) }

    /// Appends the next image's masks (`nil`: a skipped image of `height x width` with no labels).
    public mutating func append(_ masks: LabelMasks?, height: Int, width: Int) {
        let i = Int32(heights.count)
        guard let masks else {
            heights.append(Int32(height)); widths.append(Int32(width))
            entryStart.append(entryLabel.count)
            imageLabelStart.append(imageLabelIDs.count)
            return
        }
        heights.append(Int32(masks.height)); widths.append(Int32(masks.width))
        masks.words.withUnsafeBufferPointer { words in
            for (k, id) in masks.pixelLabels.enumerated() {
                let s = slot(id)
                guard s >= 0 else { continue }
                let before = runs.count
                let n = RunLength.encode(words.baseAddress! + k * masks.wordCount, wordCount: masks.wordCount,
                                         pixels: masks.pixelCount, into: &runs)
                guard n > 0 else { runs.removeLast(runs.count - before); continue }
                entryLabel.append(id)
                entrySlot.append(Int32(s))
                runStart.append(runs.count)
                labelPixels[s] += n
                labelImages[s].append(i)
            }
        }
        entryStart.append(entryLabel.count)
        for id in masks.imageLabels {
            let s = slot(id)
            guard s >= 0 else { continue }
            imageLabelIDs.append(id)
            imageLabelSlots.append(Int32(s))
            labelPixels[s] += masks.pixelCount
            labelImages[s].append(i)
        }
        imageLabelStart.append(imageLabelIDs.count)
    }

    /// The pixel-label entries of image `i`.
    func entries(_ i: Int) -> Range<Int> { entryStart[i]..<entryStart[i + 1] }

    /// The image-level labels of image `i` (ids).
    func imageLabels(_ i: Int) -> ArraySlice<Int32> { imageLabelIDs[imageLabelStart[i]..<imageLabelStart[i + 1]] }

    /// The slots of image `i`'s image-level labels.
    func imageLabelSlotsOf(_ i: Int) -> ArraySlice<Int32> { imageLabelSlots[imageLabelStart[i]..<imageLabelStart[i + 1]] }

    /// Sets the bits of entry `k`'s mask, moved by `offset` bits, in `bits` (which must be zero
    /// where they go).
    func decode(entry k: Int, into bits: UnsafeMutablePointer<UInt64>, offset: Int = 0) {
        runs.withUnsafeBufferPointer { r in
            RunLength.decode(UnsafeBufferPointer(rebasing: r[runStart[k]..<runStart[k + 1]]), into: bits, offset: offset)
        }
    }

    /// How label `id` covers image `i`: the pixel entry holding its mask, the whole image, or nothing.
    func coverage(of id: Int32, in i: Int) -> LabelCoverage {
        if imageLabels(i).contains(id) { return .whole }
        var lo = entryStart[i], hi = entryStart[i + 1] - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if entryLabel[mid] == id { return .entry(mid) }
            if entryLabel[mid] < id { lo = mid + 1 } else { hi = mid - 1 }
        }
        return .none
    }

    /// Bytes held (for the memory report).
    public var bytes: Int {
        runs.count * 4 + entryLabel.count * 16 + imageLabelIDs.count * 8 + heights.count * 24 + slotOf.count * 4
            + labelImages.reduce(0) { $0 + $1.count * 4 }
    }
}

/// How a label covers one image.
enum LabelCoverage: Equatable {
    case none, whole, entry(Int)
}

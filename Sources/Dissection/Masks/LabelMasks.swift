// One image's concepts as bitsets: a mask per pixel label, the image-level labels, and per
// category whether the image carries a label of it.
//
// Built once per image and shared read-only by every unit of every layer. A label that is an
// image-level label of the image covers the whole image (docs/method.md#tally), so it is kept
// only in `imageLabels`, never also as a pixel mask. Categories are charged through the labels'
// primary categories, whatever layer holds a label: `present[c]` is true when the image carries
// a scored label whose primary category is `c` (a `wheel` drawn in an object layer counts for
// `part` when `part` is its primary category). That is what keeps `I_ul <= U_{u,cat(l)}`.
// Unknown or unscored label ids have no primary category and count for nothing.
//
// Every mask also records the range of words that can hold its bits, so that an intersection
// with a unit's mask reads only the words both can occupy. `LabelMaskBuilder` fills a value
// sixteen pixels at a time and reuses its buffers from image to image; `init(plain:catalog:)`
// is the plain per-pixel construction it is tested against.

/// The label masks of one image at its segmentation resolution.
public struct LabelMasks: Sendable, Equatable {
    /// Segmentation height and width.
    public internal(set) var height: Int, width: Int
    /// Words per mask.
    public internal(set) var wordCount: Int
    /// Scored labels with a pixel mask in this image, ascending.
    public internal(set) var pixelLabels: [Int32] = []
    /// `pixelLabels.count * wordCount` words: the mask of `pixelLabels[k]` starts at `k * wordCount`.
    public internal(set) var words: [UInt64] = []
    /// Per pixel label: the words (within its mask) that can hold set bits.
    public internal(set) var wordSpans: [Range<Int>] = []
    /// Pixel count of each pixel label's mask (`G_l(i)`).
    public internal(set) var pixelCounts: [Int] = []
    /// Per pixel label: its primary category.
    public internal(set) var pixelCategories: [Int32] = []
    /// Per pixel label: its slot in the catalog (`ConceptCatalog.slot`), where the tally counts it.
    public internal(set) var pixelSlots: [Int32] = []
    /// Scored labels carried by the whole image, ascending.
    public internal(set) var imageLabels: [Int32] = []
    /// Per image-level label: its slot in the catalog.
    public internal(set) var imageSlots: [Int32] = []
    /// Per category: the image carries a scored label whose primary category it is (`present_c(i)`).
    public internal(set) var present: [Bool] = []
    /// Per category: some image-level label of the image has it as primary category (so every
    /// non-empty unit mask touches a label of the category).
    public internal(set) var wholeImage: [Bool] = []

    /// Number of pixels, `height * width`.
    public var pixelCount: Int { height * width }

    /// An empty value for a builder to fill.
    init() {
        height = 0
        width = 0
        wordCount = 0
    }

    /// The masks of a `height x width` image without any label yet, over `categories` categories.
    init(height: Int, width: Int, categories: Int) {
        self.height = height
        self.width = width
        wordCount = Bitset.wordCount(pixels: height * width)
        present = [Bool](repeating: false, count: categories)
        wholeImage = [Bool](repeating: false, count: categories)
    }

    /// Builds the masks of `annotation` for the labels `catalog` scores.
    ///
    /// To build many, keep one `LabelMaskBuilder` per thread and reuse values with `build(_:into:)`.
    public init(_ annotation: ImageAnnotation, catalog: ConceptCatalog) {
        self.init()
        LabelMaskBuilder(catalog: catalog).build(annotation, into: &self)
    }

    /// The words of pixel label `k`'s mask.
    public func mask(_ k: Int) -> ArraySlice<UInt64> { words[(k * wordCount)..<((k + 1) * wordCount)] }
}

extension LabelMasks {
    /// The plain construction, per pixel: the specification `LabelMaskBuilder` is tested against.
    public init(plain annotation: ImageAnnotation, catalog: ConceptCatalog) {
        self.init(height: annotation.height, width: annotation.width, categories: catalog.categories.count)
        let pixels = height * width, wc = wordCount, nCat = catalog.categories.count

        // Image-level labels first: they take precedence over pixel masks of the same label.
        var whole = Set<Int32>()
        for group in annotation.imageLabels where group.category >= 0 && group.category < nCat {
            for id in group.ids where catalog.isScored(id) {
                whole.insert(Int32(id))
                let c = Int(catalog.primaryCategory[id])
                present[c] = true
                wholeImage[c] = true
            }
        }
        imageLabels = whole.sorted()
        imageSlots = imageLabels.map { catalog.slot[Int($0)] }

        var ids = Set<Int32>()
        for layer in annotation.pixelLayers where layer.category >= 0 && layer.category < nCat {
            for p in 0..<pixels {
                let raw = layer.labels[p]
                if raw <= UInt32(catalog.maxLabelID), catalog.isScored(Int(raw)), !whole.contains(Int32(raw)) {
                    ids.insert(Int32(raw))
                }
            }
        }
        pixelLabels = ids.sorted()
        pixelCategories = pixelLabels.map { catalog.primaryCategory[Int($0)] }
        pixelSlots = pixelLabels.map { catalog.slot[Int($0)] }
        for c in pixelCategories { present[Int(c)] = true }
        words = [UInt64](repeating: 0, count: pixelLabels.count * wc)
        for (k, id) in pixelLabels.enumerated() {
            for layer in annotation.pixelLayers where layer.category >= 0 && layer.category < nCat {
                for p in 0..<pixels where layer.labels[p] == UInt32(id) { words[k * wc + p >> 6] |= 1 << UInt64(p & 63) }
            }
        }
        func span(_ w: ArraySlice<UInt64>) -> Range<Int> {
            guard let first = w.firstIndex(where: { $0 != 0 }), let last = w.lastIndex(where: { $0 != 0 }) else { return 0..<0 }
            return (first - w.startIndex)..<(last - w.startIndex + 1)
        }
        wordSpans = pixelLabels.indices.map { span(mask($0)) }
        pixelCounts = pixelLabels.indices.map { k in mask(k).reduce(0) { $0 + $1.nonzeroBitCount } }
    }
}

/// Raw views of one image's masks for the tally's inner loop; valid only inside `LabelMasks.view`.
struct LabelMaskView {
    let wordCount: Int
    let labelCount: Int
    /// `pixelSlots`, `words`, `wordSpans`, `pixelCategories`.
    let slots: UnsafePointer<Int32>, words: UnsafePointer<UInt64>, wordSpans: UnsafePointer<Range<Int>>
    let categories: UnsafePointer<Int32>
    let imageLabelCount: Int
    /// `imageSlots`.
    let imageSlots: UnsafePointer<Int32>
    /// Per category: `present`, `wholeImage`.
    let present: UnsafePointer<Bool>, wholeImage: UnsafePointer<Bool>
}

extension LabelMasks {
    /// Calls `body` with raw views of the masks (no reference counting inside the unit loop).
    func view<R>(_ body: (LabelMaskView) -> R) -> R {
        pixelSlots.withUnsafeBufferPointer { slots in
        words.withUnsafeBufferPointer { words in
        wordSpans.withUnsafeBufferPointer { spans in
        pixelCategories.withUnsafeBufferPointer { categories in
        imageSlots.withUnsafeBufferPointer { imageSlots in
        present.withUnsafeBufferPointer { present in
        wholeImage.withUnsafeBufferPointer { wholeImage in
            body(LabelMaskView(wordCount: wordCount, labelCount: slots.count,
                               slots: base(slots), words: base(words), wordSpans: base(spans),
                               categories: base(categories),
                               imageLabelCount: imageSlots.count, imageSlots: base(imageSlots),
                               present: base(present), wholeImage: base(wholeImage)))
        }}}}}}}
    }
}

/// The buffer's start; for an empty buffer without storage, an aligned address never dereferenced
/// (every loop over it runs zero times).
private func base<T>(_ b: UnsafeBufferPointer<T>) -> UnsafePointer<T> {
    b.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<T>.alignment)!
}

// One image's concepts as bitsets: a mask per pixel label, the image-level labels, and per
// category whether (and where) the image is annotated at all.
//
// Built once per image and shared read-only by every unit of every layer. A label that is an
// image-level label of the image covers the whole image (dissection.md section 4), so it is kept
// only in `imageLabels`, never also as a pixel mask. Unknown or unscored label ids are ignored
// for the label masks but still count as "annotated" for their category.
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
    /// Scored labels carried by the whole image, ascending.
    public internal(set) var imageLabels: [Int32] = []
    /// Per category: the image has some annotation of it (`present_c(i)`).
    public internal(set) var present: [Bool] = []
    /// Per category: the image has annotated pixels of it (pixel layers with a non-zero label).
    public internal(set) var hasPixels: [Bool] = []
    /// `categories * wordCount` words: per category, the union of its annotated pixels (zero
    /// for a category without annotated pixels).
    public internal(set) var annotatedWords: [UInt64] = []
    /// Per category: the words of its annotated-pixel mask that can hold set bits.
    public internal(set) var annotatedSpans: [Range<Int>] = []

    /// Number of pixels, `height * width`.
    public var pixelCount: Int { height * width }

    /// An empty value for a builder to fill.
    init() {
        height = 0
        width = 0
        wordCount = 0
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

    /// The words of category `c`'s annotated-pixel mask (all zero when it has none).
    public func annotated(_ c: Int) -> ArraySlice<UInt64> { annotatedWords[(c * wordCount)..<((c + 1) * wordCount)] }
}

extension LabelMasks {
    /// The plain construction, per pixel: the specification `LabelMaskBuilder` is tested against.
    public init(plain annotation: ImageAnnotation, catalog: ConceptCatalog) {
        self.init()
        height = annotation.height
        width = annotation.width
        let pixels = height * width
        let wc = Bitset.wordCount(pixels: pixels)
        wordCount = wc
        let nCat = catalog.categories.count
        present = [Bool](repeating: false, count: nCat)
        hasPixels = [Bool](repeating: false, count: nCat)
        annotatedWords = [UInt64](repeating: 0, count: nCat * wc)

        // Image-level labels first: they take precedence over pixel masks of the same label.
        var wholeImage = Set<Int32>()
        for group in annotation.imageLabels where group.category >= 0 && group.category < nCat {
            for id in group.ids where id != 0 {
                present[group.category] = true
                if catalog.isScored(id) { wholeImage.insert(Int32(id)) }
            }
        }
        imageLabels = wholeImage.sorted()

        var ids = Set<Int32>()
        for layer in annotation.pixelLayers where layer.category >= 0 && layer.category < nCat {
            for p in 0..<pixels where layer.labels[p] != 0 {
                let raw = layer.labels[p]
                present[layer.category] = true
                hasPixels[layer.category] = true
                annotatedWords[layer.category * wc + p >> 6] |= 1 << UInt64(p & 63)
                if raw <= UInt32(catalog.maxLabelID), catalog.isScored(Int(raw)), !wholeImage.contains(Int32(raw)) {
                    ids.insert(Int32(raw))
                }
            }
        }
        pixelLabels = ids.sorted()
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
        annotatedSpans = (0..<nCat).map { span(annotated($0)) }
    }
}

/// Raw views of one image's masks for the tally's inner loop; valid only inside `LabelMasks.view`.
struct LabelMaskView {
    let wordCount: Int
    let labelCount: Int
    /// `pixelLabels`, `words`, `wordSpans`.
    let labels: UnsafePointer<Int32>, words: UnsafePointer<UInt64>, wordSpans: UnsafePointer<Range<Int>>
    let imageLabelCount: Int
    let imageLabels: UnsafePointer<Int32>
    /// Per category: `present`, `hasPixels`, `annotatedSpans`; and `annotatedWords`.
    let present: UnsafePointer<Bool>, hasPixels: UnsafePointer<Bool>, annotatedSpans: UnsafePointer<Range<Int>>
    let annotated: UnsafePointer<UInt64>
}

extension LabelMasks {
    /// Calls `body` with raw views of the masks (no reference counting inside the unit loop).
    func view<R>(_ body: (LabelMaskView) -> R) -> R {
        pixelLabels.withUnsafeBufferPointer { labels in
        words.withUnsafeBufferPointer { words in
        wordSpans.withUnsafeBufferPointer { spans in
        imageLabels.withUnsafeBufferPointer { imageLabels in
        present.withUnsafeBufferPointer { present in
        hasPixels.withUnsafeBufferPointer { hasPixels in
        annotatedSpans.withUnsafeBufferPointer { annotatedSpans in
        annotatedWords.withUnsafeBufferPointer { annotated in
            body(LabelMaskView(wordCount: wordCount, labelCount: labels.count,
                               labels: base(labels), words: base(words), wordSpans: base(spans),
                               imageLabelCount: imageLabels.count, imageLabels: base(imageLabels),
                               present: base(present), hasPixels: base(hasPixels),
                               annotatedSpans: base(annotatedSpans), annotated: base(annotated)))
        }}}}}}}}
    }
}

/// The buffer's start; for an empty buffer without storage, an aligned address never dereferenced
/// (every loop over it runs zero times).
private func base<T>(_ b: UnsafeBufferPointer<T>) -> UnsafePointer<T> {
    b.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<T>.alignment)!
}

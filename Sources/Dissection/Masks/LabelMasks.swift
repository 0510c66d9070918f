// One image's concepts as bitsets: a mask per pixel label, the image-level labels, and per
// category whether (and where) the image is annotated at all.
//
// Built once per image and shared read-only by every unit of every layer. A label that is an
// image-level label of the image covers the whole image (dissection.md section 4), so it is kept
// only in `imageLabels`, never also as a pixel mask. Unknown or unscored label ids are ignored
// for the label masks but still count as "annotated" for their category.

/// The label masks of one image at its segmentation resolution.
public struct LabelMasks: Sendable {
    /// Segmentation height and width.
    public let height: Int, width: Int
    /// Words per mask.
    public let wordCount: Int
    /// Scored labels with a pixel mask in this image, ascending.
    public private(set) var pixelLabels: [Int32] = []
    /// `pixelLabels.count * wordCount` words: the mask of `pixelLabels[k]` starts at `k * wordCount`.
    public private(set) var words: [UInt64] = []
    /// Pixel count of each pixel label's mask (`G_l(i)`).
    public private(set) var pixelCounts: [Int] = []
    /// Scored labels carried by the whole image, ascending.
    public private(set) var imageLabels: [Int32] = []
    /// Per category: the image has some annotation of it (`present_c(i)`).
    public private(set) var present: [Bool]
    /// Per category: words of the union of its annotated pixels (pixel categories only, else empty).
    public private(set) var annotated: [[UInt64]]

    /// Number of pixels, `height * width`.
    public var pixelCount: Int { height * width }

    /// Builds the masks of `annotation` for the labels `catalog` scores.
    public init(_ annotation: ImageAnnotation, catalog: ConceptCatalog) {
        height = annotation.height
        width = annotation.width
        let pixels = annotation.height * annotation.width
        wordCount = Bitset.wordCount(pixels: pixels)
        let nCat = catalog.categories.count
        present = [Bool](repeating: false, count: nCat)
        annotated = [[UInt64]](repeating: [], count: nCat)

        // Image-level labels first: they take precedence over pixel masks of the same label.
        var wholeImage = Set<Int32>()
        for group in annotation.imageLabels where group.category >= 0 && group.category < nCat {
            for id in group.ids where id != 0 {
                present[group.category] = true
                if catalog.isScored(id) { wholeImage.insert(Int32(id)) }
            }
        }
        imageLabels = wholeImage.sorted()

        // Pixel labels: find the distinct ids, then fill one mask per id. `slot[id]`: -2 for a
        // whole-image label, -1 before the id is seen, then its position in `order`.
        var slot = [Int32](repeating: -1, count: catalog.maxLabelID + 1)
        for id in wholeImage { slot[Int(id)] = -2 }
        var order: [Int32] = []
        for layer in annotation.pixelLayers where layer.category >= 0 && layer.category < nCat {
            var categoryWords = [UInt64](repeating: 0, count: wordCount)
            var any = false
            layer.labels.withUnsafeBufferPointer { labels in
                categoryWords.withUnsafeMutableBufferPointer { cw in
                    slot.withUnsafeMutableBufferPointer { slot in
                        for p in 0..<pixels {
                            let raw = labels[p]
                            if raw == 0 { continue }
                            any = true
                            Bitset.set(cw.baseAddress!, p)
                            guard raw < UInt32(slot.count), catalog.primaryCategory[Int(raw)] >= 0,
                                  slot[Int(raw)] == -1 else { continue }
                            slot[Int(raw)] = Int32(order.count)
                            order.append(Int32(raw))
                        }
                    }
                }
            }
            if any {
                present[layer.category] = true
                if annotated[layer.category].isEmpty {
                    annotated[layer.category] = categoryWords
                } else {
                    for k in 0..<wordCount { annotated[layer.category][k] |= categoryWords[k] }
                }
            }
        }
        let sortedIDs = order.sorted()
        for (k, id) in sortedIDs.enumerated() { slot[Int(id)] = Int32(k) }
        pixelLabels = sortedIDs
        words = [UInt64](repeating: 0, count: sortedIDs.count * wordCount)
        if !sortedIDs.isEmpty {
            let wc = wordCount
            words.withUnsafeMutableBufferPointer { w in
                for layer in annotation.pixelLayers where layer.category >= 0 && layer.category < nCat {
                    layer.labels.withUnsafeBufferPointer { labels in
                        for p in 0..<pixels {
                            let raw = labels[p]
                            guard raw != 0, raw < UInt32(slot.count) else { continue }
                            let k = slot[Int(raw)]
                            if k >= 0 { Bitset.set(w.baseAddress! + Int(k) * wc, p) }
                        }
                    }
                }
            }
            pixelCounts = (0..<sortedIDs.count).map { k in
                words.withUnsafeBufferPointer { Bitset.popcount($0.baseAddress! + k * wc, wc) }
            }
        }
    }
}

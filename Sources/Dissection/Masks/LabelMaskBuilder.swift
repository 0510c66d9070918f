// Builds `LabelMasks` sixteen pixels at a time, reusing its buffers from image to image.
//
// A segmentation layer is read once, a word (64 pixels) at a time in `SIMD16<UInt32>` chunks:
// a chunk whose lanes all carry one label (most of them: labels come in regions) gives that
// label's bits in one step, other chunks go lane by lane, merging runs of one label. A label's words are allocated when it is first seen,
// in a buffer kept from image to image; at the end the masks are copied out in ascending label
// order. Nothing here allocates once the buffers have grown to the largest image seen, and the
// value being rebuilt keeps its arrays' storage too. One builder per thread.
//
// The scratch lives in raw buffers behind a plain struct so that the per-chunk work is loads and
// stores, without the reference counting and exclusivity checks of arrays in a class.

/// Reusable scratch for building the label masks of one image after another (one per thread).
public final class LabelMaskBuilder {
    /// The catalog whose scored labels get masks.
    public let catalog: ConceptCatalog
    private var scratch: Scratch

    public init(catalog: ConceptCatalog) {
        self.catalog = catalog
        scratch = Scratch(catalog: catalog)
    }

    deinit { scratch.deallocate() }

    /// Rebuilds `masks` for `annotation`, reusing its storage.
    public func build(_ annotation: ImageAnnotation, into masks: inout LabelMasks) {
        let pixels = annotation.height * annotation.width
        let wc = Bitset.wordCount(pixels: pixels)
        let nCat = catalog.categories.count
        masks.height = annotation.height
        masks.width = annotation.width
        masks.wordCount = wc
        masks.present.removeAll(keepingCapacity: true)
        masks.present.append(contentsOf: repeatElement(false, count: nCat))
        masks.wholeImage.removeAll(keepingCapacity: true)
        masks.wholeImage.append(contentsOf: repeatElement(false, count: nCat))
        var s = scratch
        s.begin(wordCount: wc)

        // Image-level labels first: they take precedence over pixel masks of the same label.
        masks.imageLabels.removeAll(keepingCapacity: true)
        for group in annotation.imageLabels where group.category >= 0 && group.category < nCat {
            for id in group.ids where catalog.isScored(id) && s.slot[id] != -2 {
                s.mark(Int32(id), as: -2)
                masks.imageLabels.append(Int32(id))
                let c = Int(s.primary[id])
                masks.present[c] = true
                masks.wholeImage[c] = true
            }
        }
        masks.imageLabels.sort()
        masks.imageSlots.removeAll(keepingCapacity: true)
        for id in masks.imageLabels { masks.imageSlots.append(catalog.slot[Int(id)]) }

        for layer in annotation.pixelLayers where layer.category >= 0 && layer.category < nCat {
            layer.labels.withUnsafeBufferPointer { labels in s.scan(labels.baseAddress!, pixels: pixels) }
        }

        // The slots in ascending label order.
        masks.pixelLabels.removeAll(keepingCapacity: true)
        masks.pixelSlots.removeAll(keepingCapacity: true)
        masks.words.removeAll(keepingCapacity: true)
        masks.wordSpans.removeAll(keepingCapacity: true)
        masks.pixelCounts.removeAll(keepingCapacity: true)
        masks.pixelCategories.removeAll(keepingCapacity: true)
        let order = (0..<s.labels).sorted { s.seen[$0] < s.seen[$1] }
        for k in order {
            let block = UnsafeBufferPointer(start: s.words + k * wc, count: wc)
            let lo = s.spanLo[k], hi = s.spanHi[k]
            masks.pixelLabels.append(s.seen[k])
            masks.pixelSlots.append(catalog.slot[Int(s.seen[k])])
            masks.words.append(contentsOf: block)
            masks.wordSpans.append(lo..<(hi + 1))
            masks.pixelCounts.append(Bitset.popcount(block.baseAddress! + lo, hi + 1 - lo))
            let c = s.primary[Int(s.seen[k])]
            masks.pixelCategories.append(c)
            masks.present[Int(c)] = true
        }
        s.end()
        scratch = s
    }
}

/// The builder's buffers: raw, owned by the builder, grown when an image needs more.
private struct Scratch {
    /// Per label id: -1 not seen in this image, -2 image-level here, -3 not scored, else its slot.
    let slot: UnsafeMutablePointer<Int32>
    let slotCount: Int
    /// `primaryCategory` of the catalog (-1: not scored).
    let primary: UnsafeMutablePointer<Int32>
    /// Label ids of the slots, in order of first sight; ids set to -2 / -3 (to reset them).
    let seen: UnsafeMutablePointer<Int32>, marked: UnsafeMutablePointer<Int32>
    /// First and last word holding bits, per slot.
    let spanLo: UnsafeMutablePointer<Int>, spanHi: UnsafeMutablePointer<Int>
    /// Slot words: slot k occupies `k * wordCount ..< (k + 1) * wordCount`; zero between images.
    var words: UnsafeMutablePointer<UInt64>
    var wordCapacity: Int
    var labels = 0, markedCount = 0, wordCount = 0

    init(catalog: ConceptCatalog) {
        slotCount = catalog.maxLabelID + 1
        slot = .allocate(capacity: slotCount)
        slot.initialize(repeating: -1, count: slotCount)
        primary = .allocate(capacity: slotCount)
        primary.initialize(from: catalog.primaryCategory, count: slotCount)
        seen = .allocate(capacity: slotCount)
        marked = .allocate(capacity: slotCount)
        spanLo = .allocate(capacity: slotCount)
        spanHi = .allocate(capacity: slotCount)
        wordCapacity = 0
        words = .allocate(capacity: 1)
    }

    func deallocate() {
        slot.deallocate(); primary.deallocate(); seen.deallocate(); marked.deallocate()
        spanLo.deallocate(); spanHi.deallocate(); words.deallocate()
    }

    mutating func begin(wordCount wc: Int) {
        wordCount = wc
        labels = 0
        markedCount = 0
    }

    /// Zeroes the used words and resets the slots of this image's labels.
    mutating func end() {
        words.update(repeating: 0, count: labels * wordCount)
        for k in 0..<labels { slot[Int(seen[k])] = -1 }
        for k in 0..<markedCount { slot[Int(marked[k])] = -1 }
        labels = 0
        markedCount = 0
    }

    mutating func mark(_ id: Int32, as value: Int32) {
        slot[Int(id)] = value
        marked[markedCount] = id
        markedCount += 1
    }

    /// ORs one layer's scored labels into their slots.
    // labels (pixels) -> slots |= label bits
    mutating func scan(_ labels: UnsafePointer<UInt32>, pixels: Int) {
        let zero = SIMD16<UInt32>(repeating: 0)
        for w in 0..<wordCount {
            let p0 = w * 64, n = Swift.min(64, pixels - p0)
            var j = 0
            while j + 16 <= n {
                let v = UnsafeRawPointer(labels + p0 + j).loadUnaligned(as: SIMD16<UInt32>.self)
                let nz = v .!= zero
                if any(nz) {
                    if all(v .== SIMD16(repeating: v[0])) {
                        add(v[0], bits: UnitMasker.bits(nz) << UInt64(j), word: w)
                    } else {
                        lanes(labels + p0, from: j, to: j + 16, word: w)
                    }
                }
                j += 16
            }
            if j < n { lanes(labels + p0, from: j, to: n, word: w) }
        }
    }

    /// Pixels `from..<to` of word `w` (`row` points at the word's first pixel), runs merged.
    @inline(__always)
    mutating func lanes(_ row: UnsafePointer<UInt32>, from: Int, to: Int, word w: Int) {
        var current: UInt32 = 0, bits: UInt64 = 0
        for k in from..<to {
            let raw = row[k]
            if raw != current {
                if current != 0 { add(current, bits: bits, word: w) }
                current = raw
                bits = 0
            }
            bits |= 1 << UInt64(k)
        }
        if current != 0 { add(current, bits: bits, word: w) }
    }

    /// ORs `bits` into word `w` of label `raw`'s mask, giving the label a slot on first sight.
    @inline(__always)
    mutating func add(_ raw: UInt32, bits: UInt64, word w: Int) {
        guard raw < UInt32(slotCount) else { return }
        var s = slot[Int(raw)]
        if s == -1 { s = newSlot(raw, word: w) }
        guard s >= 0 else { return }
        let k = Int(s)
        words[k * wordCount + w] |= bits
        spanLo[k] = Swift.min(spanLo[k], w)
        spanHi[k] = Swift.max(spanHi[k], w)
    }

    /// The slot of a label seen for the first time in this image (-3 when it is not scored).
    mutating func newSlot(_ raw: UInt32, word w: Int) -> Int32 {
        guard primary[Int(raw)] >= 0 else {
            mark(Int32(raw), as: -3)
            return -3
        }
        let k = labels
        if (k + 1) * wordCount > wordCapacity {
            let capacity = Swift.max(2 * wordCapacity, (k + 1) * wordCount, 16 * wordCount)
            let grown = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
            grown.initialize(repeating: 0, count: capacity)
            grown.update(from: words, count: k * wordCount)
            words.deallocate()
            words = grown
            wordCapacity = capacity
        }
        slot[Int(raw)] = Int32(k)
        seen[k] = Int32(raw)
        spanLo[k] = w
        spanHi[k] = w
        labels += 1
        return Int32(k)
    }
}

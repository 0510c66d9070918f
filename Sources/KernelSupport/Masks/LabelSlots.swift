// The label masks one image is building: raw buffers reused from image to image (one per thread).
//
// Dissection's LabelMaskBuilder owns one, marks the image-level labels, has `MaskKernels.scan`
// OR each segmentation layer in, and copies the masks out in ascending label order. A label's words
// are allocated when it is first seen, in a buffer kept from image to image, so nothing is
// allocated once the buffers have grown to the largest image seen. The buffers are raw, behind a
// plain struct, so that the scan's per-chunk work is loads and stores, without the reference
// counting and exclusivity checks of arrays in a class.

/// Per-image label masks under construction: slots by label id, and their words.
package struct LabelSlots {
    /// Per label id: -1 not seen in this image, -2 image-level here, -3 not scored, else its slot.
    package let slot: UnsafeMutablePointer<Int32>
    package let slotCount: Int
    /// Per label id: its primary category (-1: not scored).
    package let primary: UnsafeMutablePointer<Int32>
    /// Label ids of the slots, in order of first sight; ids set to -2 / -3 (to reset them).
    package let seen: UnsafeMutablePointer<Int32>, marked: UnsafeMutablePointer<Int32>
    /// First and last word holding bits, per slot.
    package let spanLo: UnsafeMutablePointer<Int>, spanHi: UnsafeMutablePointer<Int>
    /// Slot words: slot k occupies `k * wordCount ..< (k + 1) * wordCount`; zero between images.
    package private(set) var words: UnsafeMutablePointer<UInt64>
    package private(set) var wordCapacity: Int
    /// Slots in use, ids marked, words per mask (this image).
    package private(set) var labels = 0, markedCount = 0, wordCount = 0

    /// Slots for label ids `0..<primary.count`, `primary[id]` the id's primary category (-1: not scored).
    package init(primary categories: [Int32]) {
        slotCount = categories.count
        slot = .allocate(capacity: max(1, slotCount))
        slot.initialize(repeating: -1, count: slotCount)
        primary = .allocate(capacity: max(1, slotCount))
        primary.initialize(from: categories, count: slotCount)
        seen = .allocate(capacity: max(1, slotCount))
        marked = .allocate(capacity: max(1, slotCount))
        spanLo = .allocate(capacity: max(1, slotCount))
        spanHi = .allocate(capacity: max(1, slotCount))
        wordCapacity = 0
        words = .allocate(capacity: 1)
    }

    /// Frees the buffers (the owner calls it once, when done).
    package func deallocate() {
        slot.deallocate(); primary.deallocate(); seen.deallocate(); marked.deallocate()
        spanLo.deallocate(); spanHi.deallocate(); words.deallocate()
    }

    /// Starts an image whose masks have `wordCount` words.
    package mutating func begin(wordCount wc: Int) {
        wordCount = wc
        labels = 0
        markedCount = 0
    }

    /// Zeroes the used words and resets the slots of this image's labels.
    package mutating func end() {
        words.update(repeating: 0, count: labels * wordCount)
        for k in 0..<labels { slot[Int(seen[k])] = -1 }
        for k in 0..<markedCount { slot[Int(marked[k])] = -1 }
        labels = 0
        markedCount = 0
    }

    /// Sets label `id`'s slot to `value` (-2 or -3) until `end()`.
    package mutating func mark(_ id: Int32, as value: Int32) {
        slot[Int(id)] = value
        marked[markedCount] = id
        markedCount += 1
    }

    /// The slot of a label seen for the first time in this image, at word `w` (-3 when it is not scored).
    package mutating func newSlot(_ raw: UInt32, word w: Int) -> Int32 {
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

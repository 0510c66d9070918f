// Where the maps of a batch read back from the activation cache lie in the batch's buffer.
//
// Pass 1 stores only the maps that can pass their unit's threshold (`ActivationCache`), so a batch
// read back is not `(n, C, H, W)` but the stored maps one after another, image by image and unit
// by unit. The table says, per image and unit, which of them is its map, or that it has none (the
// map was at or below its unit's threshold everywhere, or the image was left out): a pass treats a
// map that is not there as one that never passes the threshold, which is what it is.

/// The maps of a batch of `images` images of a `units`-unit layer as read from the cache.
struct MapTable: Equatable, Sendable {
    let images: Int, units: Int
    /// Per image: whether pass 1 used it (an image it left out has no maps).
    var used: [Bool]
    /// Per image and unit (`i * units + u`): the number of its map in the buffer (map `k` at
    /// `k * H * W`), or -1 when the cache has none.
    var numbers: [Int32]
    /// Maps in the buffer.
    var count: Int

    /// The table of a batch whose `bitmaps` (per image, `(units + 63) / 64` words, bit `u % 64` of
    /// word `u / 64` set when unit `u`'s map is stored) say which maps follow one another.
    init(units: Int, used: [Bool], bitmaps: [UInt64]) {
        let words = (units + 63) / 64
        precondition(bitmaps.count == used.count * words, "MapTable: \(bitmaps.count) words for \(used.count) images")
        precondition(used.count * units < Int(Int32.max), "MapTable: batch too large")
        self.images = used.count
        self.units = units
        self.used = used
        var numbers = [Int32](repeating: -1, count: used.count * units)
        var k: Int32 = 0
        for i in 0..<used.count {
            for w in 0..<words {
                var bits = bitmaps[i * words + w]
                while bits != 0 {
                    let u = w * 64 + bits.trailingZeroBitCount
                    precondition(u < units, "MapTable: a bit past the last unit")
                    numbers[i * units + u] = k
                    k += 1
                    bits &= bits - 1
                }
            }
        }
        self.numbers = numbers
        count = Int(k)
    }
}

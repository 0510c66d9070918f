// Masks held as runs: (start, length) pairs of set pixels in row-major pixel order.
//
// Explanations keep every label mask and every unit mask of the probe, so they are held as runs
// (a segmentation region of a few hundred pixels is tens of runs) and expanded into a packed
// bitset (Masks/Bitset.swift) for the one image being counted.

/// Conversions between packed bitsets and runs.
enum RunLength {
    /// Appends the runs of set bits of `bits[0..<wordCount]` (pixels `0..<pixels`) to `runs`.
    /// - Returns: the number of set bits.
    // bits (wordCount) -> runs (2 * number of runs)
    @discardableResult
    static func encode(_ bits: UnsafePointer<UInt64>, wordCount: Int, pixels: Int, into runs: inout [UInt32]) -> Int {
        var total = 0, start = -1
        for w in 0..<wordCount {
            var word = bits[w]
            if word == 0 {
                if start >= 0 { runs.append(UInt32(start)); runs.append(UInt32(w * 64 - start)); start = -1 }
                continue
            }
            if word == ~0 && start >= 0 { total += 64; continue }
            for b in 0..<64 {
                let p = w * 64 + b
                if word & 1 != 0 {
                    if start < 0 { start = p }
                    total += 1
                } else if start >= 0 {
                    runs.append(UInt32(start)); runs.append(UInt32(p - start)); start = -1
                }
                word >>= 1
            }
        }
        if start >= 0 { runs.append(UInt32(start)); runs.append(UInt32(min(pixels, wordCount * 64) - start)) }
        return total
    }

    /// Sets the bits of `runs` (pairs), moved by `offset` bits, in `bits`, which holds enough
    /// words for every run.
    // runs (2 * n) -> bits
    static func decode(_ runs: UnsafeBufferPointer<UInt32>, into bits: UnsafeMutablePointer<UInt64>, offset: Int = 0) {
        var k = 0
        while k + 1 < runs.count {
            setRange(bits, offset + Int(runs[k]), offset + Int(runs[k]) + Int(runs[k + 1]))
            k += 2
        }
    }

    /// Sets bits `lo..<hi`.
    static func setRange(_ bits: UnsafeMutablePointer<UInt64>, _ lo: Int, _ hi: Int) {
        guard lo < hi else { return }
        let w0 = lo >> 6, w1 = (hi - 1) >> 6
        let head: UInt64 = ~0 << UInt64(lo & 63)
        let tail: UInt64 = (hi & 63) == 0 ? ~0 : (1 << UInt64(hi & 63)) - 1
        if w0 == w1 { bits[w0] |= head & tail; return }
        bits[w0] |= head
        if w1 > w0 + 1 { (bits + w0 + 1).update(repeating: ~0, count: w1 - w0 - 1) }
        bits[w1] |= tail
    }
}

// The label scan (`MaskKernels.scan`): one segmentation layer into the label masks of `LabelSlots`.
//
// The layer is read once, a word (64 pixels) at a time in `SIMD16<UInt32>` chunks: a chunk whose
// lanes all carry one label (most of them: labels come in regions) gives that label's bits in one
// step, other chunks go lane by lane, merging runs of one label. The tests "some lane is not 0"
// and "all lanes are equal" are ORs of lanes by halving, in registers: the standard library's
// `any` and `all` of a `SIMDMask` went lane by lane through memory (two thirds of the scan's
// time). The plain version is Dissection's `LabelMasks(plain:)`; DissectionTests check every
// variant against it.
import KernelSupport

extension FastMaskKernels {
    // labels (pixels) -> slots' masks |= label bits
    package func scan(_ labels: UnsafePointer<UInt32>, pixels: Int, into s: inout LabelSlots) {
        for w in 0..<s.wordCount {
            let p0 = w * 64, n = Swift.min(64, pixels - p0)
            var j = 0
            while j + 16 <= n {
                let v = UnsafeRawPointer(labels + p0 + j).loadUnaligned(as: SIMD16<UInt32>.self)
                if Self.orOfLanes(v) != 0 {
                    if Self.orOfLanes(v ^ SIMD16(repeating: v[0])) == 0 {
                        s.add(v[0], bits: 0xFFFF << UInt64(j), word: w)
                    } else {
                        s.lanes(labels + p0, from: j, to: j + 16, word: w)
                    }
                }
                j += 16
            }
            if j < n { s.lanes(labels + p0, from: j, to: n, word: w) }
        }
    }
}

extension FastMaskKernels {
    /// The OR of `v`'s lanes, by halving in registers.
    @inline(__always)
    static func orOfLanes(_ v: SIMD16<UInt32>) -> UInt32 {
        let h8 = v.lowHalf | v.highHalf, h4 = h8.lowHalf | h8.highHalf, h2 = h4.lowHalf | h4.highHalf
        return h2[0] | h2[1]
    }
}

extension LabelSlots {
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
}

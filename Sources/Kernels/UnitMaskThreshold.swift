// The unit mask: the bits of `upsample(map) > T_u`, sixteen pixels per step (`MaskKernels.threshold`).
//
// The plain versions are Dissection's `BilinearPlan.upsample` followed by a compare, and
// `BilinearPlan.thresholdMask`; this one gives the same bits (DissectionTests check every variant
// against both). Three things make it fast:
// - Work stays in the box of target pixels that read some source value above T_u: every other
//   pixel interpolates values <= T_u, and `lerp` never leaves the range of its inputs. For a
//   7x7 map at the top-0.5 % quantile that is one or two source pixels, a box of about 30 x 30 of
//   the 112 x 112 grid; a target row whose two source rows hold nothing above T_u is skipped.
// - The horizontal pass runs once per source row the box needs, over the box's columns only,
//   and the vertical pass reads those rows; the values are the ones `upsample` computes, in the
//   same order of operations, so the comparison sees the same floats. Columns that read the same
//   two source values (a run of `colRunEnd`: sixteen of them for 7 -> 112) go sixteen per step
//   with the two values broadcast, instead of one `clampedLerp` per column.
// - The vertical pass and the comparison run on `SIMD16<Float>`, per run of target rows that
//   read the same two source rows: those rows' sixteen values are loaded once per run, with what
//   the clamp decides for them, and a run's columns where neither exceeds T_u are skipped;
//   sixteen comparison results become sixteen bits ORed straight into the mask words (the pixel
//   index need not be aligned); a vector with none of them set (most of the box) skips making
//   those bits, a reduction across lanes (`benchmarks/tally/run`'s engine on one core, 1,000
//   images: 0.105 -> 0.093 s).
//
// Same floats on every variant: `a * (1 - w) + b * w` stays a multiply, a multiply and an add
// (Swift does not contract them into fused multiply-adds, even with `-target-cpu haswell`; this
// file never uses `addingProduct`), and the comparison decides as Render's `clampedLerp` followed
// by `> T_u` does (why, at the vertical pass).
import KernelSupport

extension FastMaskKernels {
    // map (H, W) -> mask bits (sh * sw)
    package func threshold(_ map: UnsafePointer<Float>, _ threshold: Float, _ t: UnitMaskTables) -> (area: Int, words: Range<Int>) {
        let H = t.sourceHeight, W = t.sourceWidth, sh = t.targetHeight, sw = t.targetWidth
        let mask = t.mask, horizontal = t.horizontal, stride = t.stride, hot = t.hot
        // The box: target rows and columns that read a source value above the threshold.
        var yLo = sh, yHi = -1, xLo = sw, xHi = -1
        for r in 0..<H {
            let src = map + r * W
            var rowHot = false
            for x in 0..<W where src[x] > threshold {
                rowHot = true
                xLo = Swift.min(xLo, t.colFirst[x])
                xHi = Swift.max(xHi, t.colLast[x])
            }
            hot[r] = rowHot
            if rowHot {
                yLo = Swift.min(yLo, t.rowFirst[r])
                yHi = Swift.max(yHi, t.rowLast[r])
            }
        }
        guard xLo <= xHi, yLo <= yHi else { return (0, 0..<0) }
        let n = xHi - xLo + 1
        let vectors = (n + 15) / 16

        // Horizontal pass over the box's columns, for every source row the box's target rows read:
        // a run of columns with the same two taps is sixteen columns per step, the taps broadcast
        // (a last vector may run past the run's end: the next run, or the slack, takes it).
        let one = SIMD16<Float>(repeating: 1)
        for r in t.rowI0[yLo]...t.rowI1[yHi] {
            let src = map + r * W, h = UnsafeMutableRawPointer(horizontal + r * stride)
            var x = xLo
            while x <= xHi {
                let end = Swift.min(t.colRunEnd[x], xHi + 1)
                let a = SIMD16<Float>(repeating: src[t.colI0[x]]), b = SIMD16<Float>(repeating: src[t.colI1[x]])
                var c = x
                while c < end {
                    let w = UnsafeRawPointer(t.colW + c).loadUnaligned(as: SIMD16<Float>.self)
                    h.storeBytes(of: Self.lerp16(a, b, one - w, w), toByteOffset: c * 4, as: SIMD16<Float>.self)
                    c += 16
                }
                x = end
            }
        }

        // Vertical pass, per run of target rows that read the same two source rows (sixteen
        // for 7 -> 112) and per sixteen columns: the two rows' values are loaded once, and so is
        // what the clamp decides. `clampedLerp(a, b, w) > T` is `lo > T || (hi > T && v > T)`
        // for v = a(1 - w) + bw and lo, hi = min, max(a, b): the clamp moves v only towards
        // [lo, hi], so lo > T passes whatever v, hi <= T fails whatever v, and between them the
        // clamped value is above T exactly when v is. A NaN v (a NaN or an infinity times 0 in
        // a or b) never passes, which the clamp leaves NaN too: `v == v` guards the lo > T side.
        // Columns where neither row's value exceeds T are skipped for the whole run.
        let tv = SIMD16<Float>(repeating: threshold)
        let lanes = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        let lastLanes = lanes .< SIMD16<Int32>(repeating: Int32(n - (vectors - 1) * 16))
        var area = 0, firstRow = sh, lastRow = -1
        var y = yLo
        while y <= yHi {
            let r0 = t.rowI0[y], r1 = t.rowI1[y]
            var end = y + 1
            while end <= yHi && t.rowI0[end] == r0 && t.rowI1[end] == r1 { end += 1 }
            defer { y = end }
            guard hot[r0] || hot[r1] else { continue }
            let a = UnsafeRawPointer(horizontal + r0 * stride + xLo)
            let b = UnsafeRawPointer(horizontal + r1 * stride + xLo)
            for k in 0..<vectors {
                let va = a.loadUnaligned(fromByteOffset: k * 64, as: SIMD16<Float>.self)
                let vb = b.loadUnaligned(fromByteOffset: k * 64, as: SIMD16<Float>.self)
                // Swift.min(a, b) is `b < a ? b : a`; Swift.max(a, b) is `b >= a ? b : a`.
                let lo = va.replacing(with: vb, where: vb .< va), hi = va.replacing(with: vb, where: vb .>= va)
                var maybe = hi .> tv
                if k == vectors - 1 { maybe = maybe .& lastLanes }
                guard any(maybe) else { continue }
                let always = maybe .& (lo .> tv)
                var p = y * sw + xLo + k * 16
                for row in y..<end {
                    let w = t.rowW[row]
                    let v = va * SIMD16<Float>(repeating: 1 - w) + vb * SIMD16<Float>(repeating: w)
                    let passes = (maybe .& (v .> tv)) .| (always .& (v .== v))
                    // Most vectors of a run have no pixel above T_u: one mask test skips the
                    // sixteen-bit extraction (a reduction across lanes) for them.
                    if any(passes) {
                        let bits = Self.bits(passes)
                        let word = p >> 6, shift = UInt64(p & 63)
                        mask[word] |= bits << shift
                        if shift > 48 { mask[word + 1] |= bits >> (64 - shift) }
                        area &+= bits.nonzeroBitCount
                        firstRow = Swift.min(firstRow, row)
                        lastRow = Swift.max(lastRow, row)
                    }
                    p += sw
                }
            }
        }
        guard area > 0 else { return (0, 0..<0) }
        return (area, ((firstRow * sw + xLo) >> 6)..<(((lastRow * sw + xHi) >> 6) + 1))
    }

    /// Render's `clampedLerp` (this module cannot import Render) in sixteen lanes:
    /// `a * (1 - w) + b * w` clamped to the closed range of `a` and `b`, the same operations in
    /// the same order, so the same floats.
    @inline(__always)
    static func lerp16(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ oneMinusW: SIMD16<Float>, _ w: SIMD16<Float>) -> SIMD16<Float> {
        let v = a * oneMinusW + b * w
        // Swift.min(a, b) is `b < a ? b : a`; Swift.max(a, b) is `b >= a ? b : a`.
        let lo = a.replacing(with: b, where: b .< a), hi = a.replacing(with: b, where: b .>= a)
        return v.replacing(with: lo, where: v .< lo).replacing(with: hi, where: v .> hi)
    }
}

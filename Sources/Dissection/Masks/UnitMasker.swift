// The fast unit mask: the bits of `upsample(map) > T_u`, sixteen pixels per step.
//
// The plain versions are `BilinearPlan.upsample` followed by a compare, and
// `BilinearPlan.thresholdMask`; this one gives the same bits (TallyTests checks it against both).
// Three things make it fast:
// - Work stays in the box of target pixels that read some source value above T_u: every other
//   pixel interpolates values <= T_u, and `lerp` never leaves the range of its inputs. For a
//   7x7 map at the top-0.5 % quantile that is one or two source pixels, a box of about 30 x 30 of
//   the 112 x 112 grid; a target row whose two source rows hold nothing above T_u is skipped.
// - The horizontal pass runs once per source row the box needs, over the box's columns only,
//   and the vertical pass reads those rows; the values are the ones `upsample` computes, in the
//   same order of operations, so the comparison sees the same floats.
// - The vertical pass and the comparison run on `SIMD16<Float>`; sixteen comparison results
//   become sixteen bits ORed straight into the mask words (the pixel index need not be aligned).
//
// The mask words stay zero between calls: the caller clears the returned word range when done
// with it (`clear(_:)`), which touches only the words that can hold bits. One masker per worker
// and segmentation shape; the plan tables are copied into raw buffers once.
import Render

/// Thresholds upsampled maps of one `H x W -> sh x sw` plan into bitsets; scratch for one worker.
final class UnitMasker {
    /// The plan the masks follow.
    let plan: BilinearPlan
    /// Words of one mask (`sh * sw` bits).
    let wordCount: Int
    /// The mask: `wordCount + 1` words (one spare for unaligned sixteen-bit stores), zero between calls.
    let mask: UnsafeMutablePointer<UInt64>
    private let H: Int, W: Int, sh: Int, sw: Int
    /// Row stride of the horizontal buffer: `sw` rounded up, plus one vector of slack.
    private let stride: Int
    private let colI0: UnsafeMutablePointer<Int>, colI1: UnsafeMutablePointer<Int>, colW: UnsafeMutablePointer<Float>
    private let rowI0: UnsafeMutablePointer<Int>, rowI1: UnsafeMutablePointer<Int>, rowW: UnsafeMutablePointer<Float>
    /// Per source column / row: the first and last target position that reads it.
    private let colFirst: UnsafeMutablePointer<Int>, colLast: UnsafeMutablePointer<Int>
    private let rowFirst: UnsafeMutablePointer<Int>, rowLast: UnsafeMutablePointer<Int>
    /// Per source row: whether it holds a value above the threshold (this call).
    private let hot: UnsafeMutablePointer<Bool>
    /// `H` rows of horizontally interpolated values, `stride` floats each.
    private let horizontal: UnsafeMutablePointer<Float>

    /// A masker for `plan`.
    init(plan: BilinearPlan) {
        self.plan = plan
        H = plan.sourceHeight
        W = plan.sourceWidth
        sh = plan.targetHeight
        sw = plan.targetWidth
        wordCount = Bitset.wordCount(pixels: sh * sw)
        stride = (sw + 15) / 16 * 16 + 16
        mask = .allocate(capacity: wordCount + 1)
        mask.initialize(repeating: 0, count: wordCount + 1)
        horizontal = .allocate(capacity: H * stride)
        horizontal.initialize(repeating: 0, count: H * stride)
        hot = .allocate(capacity: H)
        hot.initialize(repeating: false, count: H)
        func copy<T>(_ a: [T]) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, a.count))
            p.initialize(from: a, count: a.count)
            return p
        }
        colI0 = copy(plan.columns.lower); colI1 = copy(plan.columns.upper); colW = copy(plan.columns.weight)
        rowI0 = copy(plan.rows.lower); rowI1 = copy(plan.rows.upper); rowW = copy(plan.rows.weight)
        colFirst = copy(plan.columns.firstReader); colLast = copy(plan.columns.lastReader)
        rowFirst = copy(plan.rows.firstReader); rowLast = copy(plan.rows.lastReader)
    }

    deinit {
        for p in [colI0, colI1, rowI0, rowI1, colFirst, colLast, rowFirst, rowLast] { p.deallocate() }
        colW.deallocate(); rowW.deallocate()
        mask.deallocate(); horizontal.deallocate(); hot.deallocate()
    }

    /// Sets the bits of `upsample(map) > threshold` in `mask` (which must be all zero).
    /// - Returns: the pixel count and the range of words that may hold set bits (empty when none).
    // map (H, W) -> mask bits (sh * sw)
    func threshold(_ map: UnsafePointer<Float>, _ threshold: Float) -> (area: Int, words: Range<Int>) {
        // The box: target rows and columns that read a source value above the threshold.
        var yLo = sh, yHi = -1, xLo = sw, xHi = -1
        for r in 0..<H {
            let src = map + r * W
            var rowHot = false
            for x in 0..<W where src[x] > threshold {
                rowHot = true
                xLo = Swift.min(xLo, colFirst[x])
                xHi = Swift.max(xHi, colLast[x])
            }
            hot[r] = rowHot
            if rowHot {
                yLo = Swift.min(yLo, rowFirst[r])
                yHi = Swift.max(yHi, rowLast[r])
            }
        }
        guard xLo <= xHi, yLo <= yHi else { return (0, 0..<0) }
        let n = xHi - xLo + 1
        let vectors = (n + 15) / 16

        // Horizontal pass over the box's columns, for every source row the box's target rows read.
        for r in rowI0[yLo]...rowI1[yHi] {
            let src = map + r * W, h = horizontal + r * stride
            for x in xLo...xHi { h[x] = clampedLerp(src[colI0[x]], src[colI1[x]], colW[x]) }
        }

        // Vertical pass, sixteen pixels at a time; lanes past the box are masked off.
        let t = SIMD16<Float>(repeating: threshold)
        let lastBits: UInt64 = n % 16 == 0 ? 0xFFFF : (1 << UInt64(n % 16)) - 1
        var area = 0, firstRow = -1, lastRow = -1
        for y in yLo...yHi {
            let r0 = rowI0[y], r1 = rowI1[y]
            guard hot[r0] || hot[r1] else { continue }
            let w = rowW[y]
            let wv = SIMD16<Float>(repeating: w), omw = SIMD16<Float>(repeating: 1 - w)
            let a = UnsafeRawPointer(horizontal + r0 * stride + xLo)
            let b = UnsafeRawPointer(horizontal + r1 * stride + xLo)
            var p = y * sw + xLo
            var rowArea = 0
            for k in 0..<vectors {
                let va = a.loadUnaligned(fromByteOffset: k * 64, as: SIMD16<Float>.self)
                let vb = b.loadUnaligned(fromByteOffset: k * 64, as: SIMD16<Float>.self)
                var bits = Self.bits(Self.lerp16(va, vb, omw, wv) .> t)
                if k == vectors - 1 { bits &= lastBits }
                if bits != 0 {
                    let word = p >> 6, shift = UInt64(p & 63)
                    mask[word] |= bits << shift
                    if shift > 48 { mask[word + 1] |= bits >> (64 - shift) }
                    rowArea &+= bits.nonzeroBitCount
                }
                p += 16
            }
            if rowArea > 0 {
                area += rowArea
                if firstRow < 0 { firstRow = y }
                lastRow = y
            }
        }
        guard area > 0 else { return (0, 0..<0) }
        return (area, ((firstRow * sw + xLo) >> 6)..<(((lastRow * sw + xHi) >> 6) + 1))
    }

    /// Zeroes `words` of the mask (the range `threshold` returned).
    func clear(_ words: Range<Int>) {
        guard !words.isEmpty else { return }
        (mask + words.lowerBound).update(repeating: 0, count: words.count)
    }

    /// `lerp` in sixteen lanes: the same operations in the same order, so the same floats.
    @inline(__always)
    static func lerp16(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ oneMinusW: SIMD16<Float>, _ w: SIMD16<Float>) -> SIMD16<Float> {
        let v = a * oneMinusW + b * w
        // Swift.min(a, b) is `b < a ? b : a`; Swift.max(a, b) is `b >= a ? b : a`.
        let lo = a.replacing(with: b, where: b .< a), hi = a.replacing(with: b, where: b .>= a)
        return v.replacing(with: lo, where: v .< lo).replacing(with: hi, where: v .> hi)
    }

    /// Lane k of `m` as bit k: the lanes' weights 2^k summed by halving, in registers (the
    /// standard library's `wrappedSum` was an out-of-line generic call here, 2.5 % of a tally).
    @inline(__always)
    static func bits(_ m: SIMDMask<SIMD16<Int32>>) -> UInt64 {
        let weights = SIMD16<Int32>(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
        let v = SIMD16<Int32>(repeating: 0).replacing(with: weights, where: m)
        let h8 = v.lowHalf &+ v.highHalf, h4 = h8.lowHalf &+ h8.highHalf, h2 = h4.lowHalf &+ h4.highHalf
        return UInt64(truncatingIfNeeded: h2[0] &+ h2[1])
    }
}

// Bilinear upsampling with half-pixel alignment and border clamping (docs/method.md#unit-masks),
// planned once per shape pair for the tally.
//
// The taps (source indices and weights per target position) and the clamped `lerp` are Render's
// (`BilinearTaps`, `clampedLerp` in Render/Image/Resize.swift), the one place the convention is
// computed; the overlays drawn over top images use the same, so they show the masks counted here.
// Rows are interpolated first, then columns. A convex combination of two floats can round one ulp
// outside them; `clampedLerp` clamps the result to its inputs so that an upsampled value never
// exceeds the map's maximum. That is what lets the tally skip every map whose raw maximum is
// <= T_u: its mask is empty, exactly.
import Render

/// A resize plan from `H x W` maps to `sh x sw` grids, computed once per shape pair.
public struct BilinearPlan: Sendable, Equatable {
    /// Source height and width.
    public let sourceHeight: Int, sourceWidth: Int
    /// Target height and width.
    public let targetHeight: Int, targetWidth: Int
    /// Row and column taps.
    public let rows: BilinearTaps, columns: BilinearTaps

    /// The plan for `H x W -> sh x sw`.
    public init(sourceHeight: Int, sourceWidth: Int, targetHeight: Int, targetWidth: Int) {
        precondition(sourceHeight >= 1 && sourceWidth >= 1 && targetHeight >= 1 && targetWidth >= 1,
                     "BilinearPlan: \(sourceHeight)x\(sourceWidth) -> \(targetHeight)x\(targetWidth)")
        self.sourceHeight = sourceHeight
        self.sourceWidth = sourceWidth
        self.targetHeight = targetHeight
        self.targetWidth = targetWidth
        rows = BilinearTaps(source: sourceHeight, target: targetHeight)
        columns = BilinearTaps(source: sourceWidth, target: targetWidth)
    }

    /// The upsampled map, `sh * sw` values row-major (Render's resampling through this plan's taps).
    // map (H, W) -> (sh, sw)
    public func upsample(_ map: [Float]) -> [Float] {
        precondition(map.count == sourceHeight * sourceWidth, "BilinearPlan.upsample: map size")
        return FloatMap(width: sourceWidth, height: sourceHeight, values: map).resizedBilinear(columns: columns, rows: rows).values
    }

    /// Scratch floats `thresholdMask` needs: `3 * H`.
    public var scratchCount: Int { 3 * sourceHeight }

    /// Writes the mask `upsample(map) > threshold` into `mask` (zeroed here, `sh * sw` bits).
    ///
    /// Only the bounding box of the pixels that can pass is computed: a target pixel interpolates
    /// two horizontally interpolated values, so it can exceed the threshold only where one of
    /// them does (`clampedLerp` never leaves the range of its inputs). Rows and columns outside that box
    /// are known to be zero without being computed.
    /// - Returns: the pixel count and the range of words that may hold set bits.
    // map (H, W), scratch (3H) -> mask bits (sh * sw)
    public func thresholdMask(_ map: UnsafePointer<Float>, threshold: Float,
                              scratch: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<UInt64>)
        -> (area: Int, words: Range<Int>) {
        let H = sourceHeight, W = sourceWidth, sw = targetWidth
        let words = Bitset.wordCount(pixels: targetHeight * sw)
        mask.update(repeating: 0, count: words)
        // Per source row: first and last target column whose horizontal value passes (as floats).
        let first = scratch, last = first + H, hot = last + H
        columns.lower.withUnsafeBufferPointer { c0 in
        columns.upper.withUnsafeBufferPointer { c1 in
        columns.weight.withUnsafeBufferPointer { cw in
            for r in 0..<H {
                let src = map + r * W
                // Source columns above the threshold bound the target columns that can pass:
                // a horizontal value interpolates two source values and never exceeds both.
                var from = sw, to = -1
                for x in 0..<W where src[x] > threshold {
                    from = Swift.min(from, columns.firstReader[x])
                    to = Swift.max(to, columns.lastReader[x])
                }
                guard from <= to else { hot[r] = 0; continue }
                var lo = sw, hi = -1
                for x in from...to where clampedLerp(src[c0[x]], src[c1[x]], cw[x]) > threshold {
                    if lo == sw { lo = x }
                    hi = x
                }
                hot[r] = hi >= 0 ? 1 : 0
                first[r] = Float(lo)
                last[r] = Float(hi)
            }
        }}}
        var area = 0
        var firstWord = words, lastWord = -1
        for y in 0..<targetHeight {
            let r0 = rows.lower[y], r1 = rows.upper[y]
            let hot0 = hot[r0] != 0, hot1 = hot[r1] != 0
            guard hot0 || hot1 else { continue }
            let lo = Int(Swift.min(hot0 ? first[r0] : Float(sw), hot1 ? first[r1] : Float(sw)))
            let hi = Int(Swift.max(hot0 ? last[r0] : -1, hot1 ? last[r1] : -1))
            let w = rows.weight[y]
            let base = y * sw
            var rowArea = 0
            // Horizontal values are not kept: both rows are interpolated here over the box only,
            // in the same order as `upsample`.
            let top = map + r0 * W, bottom = map + r1 * W
            columns.lower.withUnsafeBufferPointer { c0 in
            columns.upper.withUnsafeBufferPointer { c1 in
            columns.weight.withUnsafeBufferPointer { cw in
                for x in lo...hi {
                    let a = clampedLerp(top[c0[x]], top[c1[x]], cw[x])
                    let b = clampedLerp(bottom[c0[x]], bottom[c1[x]], cw[x])
                    if clampedLerp(a, b, w) > threshold { Bitset.set(mask, base + x); rowArea += 1 }
                }
            }}}
            if rowArea > 0 {
                area += rowArea
                firstWord = Swift.min(firstWord, (base + lo) >> 6)
                lastWord = Swift.max(lastWord, (base + hi) >> 6)
            }
        }
        return (area, area > 0 ? firstWord..<(lastWord + 1) : 0..<0)
    }
}

// Bilinear upsampling with half-pixel alignment and border clamping (docs/method.md#unit-masks).
//
// Target pixel x reads source coordinate s = (x + 0.5) * W / sw - 0.5, clamped to [0, W - 1]
// (computed in Double); x0 = floor(s), x1 = min(x0 + 1, W - 1), weight w = s - x0 (Float). Rows
// are interpolated first, then columns, each step with `lerp`. A convex combination of two floats
// can round one ulp outside them; `lerp` clamps the result to its inputs so that an upsampled
// value never exceeds the map's maximum. That is what lets the tally skip every map whose raw
// maximum is <= T_u: its mask is empty, exactly.

/// Linear interpolation `a * (1 - w) + b * w`, clamped to the closed range of `a` and `b`.
@inlinable public func lerp(_ a: Float, _ b: Float, _ w: Float) -> Float {
    let v = a * (1 - w) + b * w
    let lo = min(a, b), hi = max(a, b)
    return v < lo ? lo : (v > hi ? hi : v)
}

/// Source indices and weights along one axis: target t reads `i0[t]`, `i1[t]` with weight `w[t]`.
public struct BilinearAxis: Sendable, Equatable {
    /// Lower source index per target position.
    public let i0: [Int]
    /// Upper source index per target position (clamped to the last source index).
    public let i1: [Int]
    /// Weight of `i1` per target position, in [0, 1).
    public let w: [Float]
    /// Per source index s: the first and last target positions that read s (as i0 or i1).
    public let readers: [(first: Int, last: Int)]

    /// The plan for resizing `source` positions to `target` positions.
    public init(source: Int, target: Int) {
        precondition(source >= 1 && target >= 1, "BilinearAxis: \(source) -> \(target)")
        var i0 = [Int](repeating: 0, count: target)
        var i1 = [Int](repeating: 0, count: target)
        var w = [Float](repeating: 0, count: target)
        let scale = Double(source) / Double(target)
        for t in 0..<target {
            let s = min(max((Double(t) + 0.5) * scale - 0.5, 0), Double(source - 1))
            let lower = Int(s.rounded(.down))
            i0[t] = lower
            i1[t] = min(lower + 1, source - 1)
            w[t] = Float(s - Double(lower))
        }
        self.i0 = i0
        self.i1 = i1
        self.w = w
        var readers = [(first: Int, last: Int)](repeating: (target, -1), count: source)
        for t in 0..<target {
            for s in [i0[t], i1[t]] {
                readers[s].first = min(readers[s].first, t)
                readers[s].last = max(readers[s].last, t)
            }
        }
        self.readers = readers
    }

    public static func == (a: BilinearAxis, b: BilinearAxis) -> Bool {
        a.i0 == b.i0 && a.i1 == b.i1 && a.w == b.w
    }
}

/// A resize plan from `H x W` maps to `sh x sw` grids, computed once per shape pair.
public struct BilinearPlan: Sendable, Equatable {
    /// Source height and width.
    public let sourceHeight: Int, sourceWidth: Int
    /// Target height and width.
    public let targetHeight: Int, targetWidth: Int
    /// Row and column plans.
    public let rows: BilinearAxis, columns: BilinearAxis

    /// The plan for `H x W -> sh x sw`.
    public init(sourceHeight: Int, sourceWidth: Int, targetHeight: Int, targetWidth: Int) {
        self.sourceHeight = sourceHeight
        self.sourceWidth = sourceWidth
        self.targetHeight = targetHeight
        self.targetWidth = targetWidth
        rows = BilinearAxis(source: sourceHeight, target: targetHeight)
        columns = BilinearAxis(source: sourceWidth, target: targetWidth)
    }

    /// The upsampled map, `sh * sw` values row-major.
    // map (H, W) -> (sh, sw)
    public func upsample(_ map: [Float]) -> [Float] {
        precondition(map.count == sourceHeight * sourceWidth, "BilinearPlan.upsample: map size")
        let H = sourceHeight, sw = targetWidth
        var horizontal = [Float](repeating: 0, count: H * sw)
        for r in 0..<H {
            for x in 0..<sw {
                horizontal[r * sw + x] = lerp(map[r * sourceWidth + columns.i0[x]],
                                              map[r * sourceWidth + columns.i1[x]], columns.w[x])
            }
        }
        var out = [Float](repeating: 0, count: targetHeight * sw)
        for y in 0..<targetHeight {
            let a = rows.i0[y] * sw, b = rows.i1[y] * sw, w = rows.w[y]
            for x in 0..<sw { out[y * sw + x] = lerp(horizontal[a + x], horizontal[b + x], w) }
        }
        return out
    }

    /// Scratch floats `thresholdMask` needs: `3 * H`.
    public var scratchCount: Int { 3 * sourceHeight }

    /// Writes the mask `upsample(map) > threshold` into `mask` (zeroed here, `sh * sw` bits).
    ///
    /// Only the bounding box of the pixels that can pass is computed: a target pixel interpolates
    /// two horizontally interpolated values, so it can exceed the threshold only where one of
    /// them does (`lerp` never leaves the range of its inputs). Rows and columns outside that box
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
        columns.i0.withUnsafeBufferPointer { c0 in
        columns.i1.withUnsafeBufferPointer { c1 in
        columns.w.withUnsafeBufferPointer { cw in
            for r in 0..<H {
                let src = map + r * W
                // Source columns above the threshold bound the target columns that can pass:
                // a horizontal value interpolates two source values and never exceeds both.
                var from = sw, to = -1
                for x in 0..<W where src[x] > threshold {
                    from = Swift.min(from, columns.readers[x].first)
                    to = Swift.max(to, columns.readers[x].last)
                }
                guard from <= to else { hot[r] = 0; continue }
                var lo = sw, hi = -1
                for x in from...to where lerp(src[c0[x]], src[c1[x]], cw[x]) > threshold {
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
            let r0 = rows.i0[y], r1 = rows.i1[y]
            let hot0 = hot[r0] != 0, hot1 = hot[r1] != 0
            guard hot0 || hot1 else { continue }
            let lo = Int(Swift.min(hot0 ? first[r0] : Float(sw), hot1 ? first[r1] : Float(sw)))
            let hi = Int(Swift.max(hot0 ? last[r0] : -1, hot1 ? last[r1] : -1))
            let w = rows.w[y]
            let base = y * sw
            var rowArea = 0
            // Horizontal values are not kept: both rows are interpolated here over the box only,
            // in the same order as `upsample`.
            let top = map + r0 * W, bottom = map + r1 * W
            columns.i0.withUnsafeBufferPointer { c0 in
            columns.i1.withUnsafeBufferPointer { c1 in
            columns.w.withUnsafeBufferPointer { cw in
                for x in lo...hi {
                    let a = lerp(top[c0[x]], top[c1[x]], cw[x])
                    let b = lerp(bottom[c0[x]], bottom[c1[x]], cw[x])
                    if lerp(a, b, w) > threshold { Bitset.set(mask, base + x); rowArea += 1 }
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

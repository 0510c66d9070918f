// Bilinear resampling with the engine's convention (docs/method.md#unit-masks): half-pixel
// alignment and border clamping, as PIL's bilinear upsampling and
// `torch.nn.functional.interpolate(mode="bilinear", align_corners=False)` do it. The source
// coordinate of target column `x` is `(x + 0.5) * W / outW - 0.5`, clamped to `[0, W - 1]`.
//
// This is the one place the convention is computed: `bilinearTap` gives the indices and weight of
// one target position, `BilinearTaps` those of a whole axis, and the engine's masks (Dissection's
// BilinearPlan and UnitMasker, which the tally counts) use the same taps and `clampedLerp`, so the
// masks shown over top images are the masks the tally counted. The arithmetic: the coordinate in
// Double, the weight `Float(s - floor(s))`, each source row interpolated horizontally first, then
// vertically, with a `lerp` clamped to its two inputs so an upsampled value never exceeds the
// map's maximum. The plain per-pixel versions (`referenceBilinear`) are the specification; the
// fast versions precompute the taps of each axis once and are tested against them.

/// The two source indices and the weight of the second, for every target position on one axis.
public struct BilinearTaps: Sendable, Equatable {
    /// First source index per target position.
    public let lower: [Int]
    /// Second source index (`lower + 1`, clamped to the last index).
    public let upper: [Int]
    /// Weight of `upper`; `lower` gets `1 - weight`.
    public let weight: [Float]
    /// Per source index: the first target position that reads it (as `lower` or `upper`);
    /// `target` when none does.
    public let firstReader: [Int]
    /// Per source index: the last target position that reads it; -1 when none does.
    public let lastReader: [Int]

    /// Taps from a source axis of `source` samples to a target axis of `target` samples.
    public init(source: Int, target: Int) {
        precondition(source > 0 && target >= 0, "BilinearTaps: source \(source), target \(target)")
        var lower = [Int](repeating: 0, count: target)
        var upper = [Int](repeating: 0, count: target)
        var weight = [Float](repeating: 0, count: target)
        var first = [Int](repeating: target, count: source)
        var last = [Int](repeating: -1, count: source)
        for x in 0..<target {
            let (i0, i1, w) = bilinearTap(x, source: source, target: target)
            lower[x] = i0; upper[x] = i1; weight[x] = w
            for i in [i0, i1] {
                first[i] = min(first[i], x)
                last[i] = max(last[i], x)
            }
        }
        self.lower = lower; self.upper = upper; self.weight = weight
        firstReader = first; lastReader = last
    }
}

/// The source coordinate of docs/method.md#unit-masks for target position `x`: two indices and the upper weight.
@inlinable
public func bilinearTap(_ x: Int, source: Int, target: Int) -> (Int, Int, Float) {
    let scale = Double(source) / Double(target)
    let s = min(max((Double(x) + 0.5) * scale - 0.5, 0), Double(source - 1))
    let i0 = Int(s)                          // s >= 0, so truncation is floor
    let i1 = min(i0 + 1, source - 1)
    return (i0, i1, Float(s - Double(i0)))
}

/// `a * (1 - w) + b * w`, clamped to the closed range of `a` and `b` (the engine's `lerp`).
@inlinable
public func clampedLerp(_ a: Float, _ b: Float, _ w: Float) -> Float {
    let v = a * (1 - w) + b * w
    let lo = min(a, b), hi = max(a, b)
    return v < lo ? lo : (v > hi ? hi : v)
}

extension FloatMap {
    /// This map resampled to `width x height` by bilinear interpolation (docs/method.md#unit-masks).
    ///
    /// Complexity: O(width * height) after O(width + height) set-up.
    public func resizedBilinear(width outW: Int, height outH: Int) -> FloatMap {
        precondition(width > 0 && height > 0, "FloatMap.resizedBilinear: empty source")
        if outW == width && outH == height { return self }
        return resizedBilinear(columns: BilinearTaps(source: width, target: outW),
                               rows: BilinearTaps(source: height, target: outH))
    }

    /// This map resampled through `columns` (taps from `width`) and `rows` (taps from `height`),
    /// every value interpolated (no same-size shortcut): the engine's upsampling, as the tally
    /// thresholds it.
    public func resizedBilinear(columns tx: BilinearTaps, rows ty: BilinearTaps) -> FloatMap {
        precondition(tx.firstReader.count == width && ty.firstReader.count == height,
                     "FloatMap.resizedBilinear: taps for \(tx.firstReader.count)x\(ty.firstReader.count), map \(width)x\(height)")
        let outW = tx.lower.count, outH = ty.lower.count
        // values (H, W) -> out (outH, outW)
        // Horizontal pass over every source row, then the vertical pass.
        var horizontal = [Float](repeating: 0, count: height * outW)
        var out = [Float](repeating: 0, count: outW * outH)
        values.withUnsafeBufferPointer { src in
            horizontal.withUnsafeMutableBufferPointer { mid in
                for r in 0..<height {
                    let row = r * width
                    for x in 0..<outW {
                        mid[r * outW + x] = clampedLerp(src[row + tx.lower[x]], src[row + tx.upper[x]], tx.weight[x])
                    }
                }
            }
        }
        horizontal.withUnsafeBufferPointer { mid in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<outH {
                    let a = ty.lower[y] * outW, b = ty.upper[y] * outW, w = ty.weight[y]
                    for x in 0..<outW { dst[y * outW + x] = clampedLerp(mid[a + x], mid[b + x], w) }
                }
            }
        }
        return FloatMap(width: outW, height: outH, values: out)
    }

    /// The plain per-pixel version of `resizedBilinear`, kept as its specification.
    public func referenceBilinear(width outW: Int, height outH: Int) -> FloatMap {
        precondition(width > 0 && height > 0, "FloatMap.referenceBilinear: empty source")
        var out = FloatMap(width: outW, height: outH)
        for y in 0..<outH {
            let (y0, y1, wy) = bilinearTap(y, source: height, target: outH)
            for x in 0..<outW {
                let (x0, x1, wx) = bilinearTap(x, source: width, target: outW)
                let top = clampedLerp(self[x0, y0], self[x1, y0], wx)
                let bottom = clampedLerp(self[x0, y1], self[x1, y1], wx)
                out[x, y] = clampedLerp(top, bottom, wy)
            }
        }
        return out
    }
}

extension RGBImage {
    /// This image resampled to `width x height` by bilinear interpolation (docs/method.md#unit-masks),
    /// each channel rounded to the nearest 8-bit value.
    public func resizedBilinear(width outW: Int, height outH: Int) -> RGBImage {
        precondition(width > 0 && height > 0, "RGBImage.resizedBilinear: empty source")
        if outW == width && outH == height { return self }
        // pixels (H, W, 3) -> out (outH, outW, 3)
        let tx = BilinearTaps(source: width, target: outW)
        let ty = BilinearTaps(source: height, target: outH)
        let stride = width * 3
        var out = [UInt8](repeating: 0, count: outW * outH * 3)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<outH {
                    let r0 = ty.lower[y] * stride, r1 = ty.upper[y] * stride, wy = ty.weight[y]
                    for x in 0..<outW {
                        let c0 = tx.lower[x] * 3, c1 = tx.upper[x] * 3, wx = tx.weight[x]
                        for c in 0..<3 {
                            let a = Float(src[r0 + c0 + c]), b = Float(src[r0 + c1 + c])
                            let d = Float(src[r1 + c0 + c]), e = Float(src[r1 + c1 + c])
                            let top = a + (b - a) * wx
                            let bottom = d + (e - d) * wx
                            dst[(y * outW + x) * 3 + c] = roundToByte(top + (bottom - top) * wy)
                        }
                    }
                }
            }
        }
        return RGBImage(width: outW, height: outH, pixels: out)
    }

    /// The plain per-pixel version of `resizedBilinear`, kept as its specification.
    public func referenceBilinear(width outW: Int, height outH: Int) -> RGBImage {
        precondition(width > 0 && height > 0, "RGBImage.referenceBilinear: empty source")
        var out = RGBImage(width: outW, height: outH)
        for y in 0..<outH {
            let (y0, y1, wy) = bilinearTap(y, source: height, target: outH)
            for x in 0..<outW {
                let (x0, x1, wx) = bilinearTap(x, source: width, target: outW)
                for c in 0..<3 {
                    func at(_ xx: Int, _ yy: Int) -> Float { Float(pixels[(yy * width + xx) * 3 + c]) }
                    let top = at(x0, y0) + (at(x1, y0) - at(x0, y0)) * wx
                    let bottom = at(x0, y1) + (at(x1, y1) - at(x0, y1)) * wx
                    out.pixels[(y * outW + x) * 3 + c] = roundToByte(top + (bottom - top) * wy)
                }
            }
        }
        return out
    }
}

/// `v` rounded to the nearest integer and clamped to 0...255.
@inlinable
public func roundToByte(_ v: Float) -> UInt8 {
    if !(v > 0) { return 0 }                 // also NaN
    if v >= 255 { return 255 }
    return UInt8(v + 0.5)
}

// Scaling for display. Shrinking a 224-pixel probe image to a 64-pixel thumbnail with bilinear
// taps skips most source pixels and shimmers; an area average (each target pixel the mean of the
// source rectangle it covers, fractional edges weighted) keeps fine texture honest. Enlarging
// uses the engine's bilinear convention.

extension RGBImage {
    /// This image scaled to `width x height`: area averaging on an axis that shrinks, bilinear
    /// interpolation (docs/method.md#unit-masks) when both axes grow or stay.
    public func scaled(width outW: Int, height outH: Int) -> RGBImage {
        precondition(outW >= 0 && outH >= 0, "RGBImage.scaled: negative size")
        if outW == width && outH == height { return self }
        if outW == 0 || outH == 0 || width == 0 || height == 0 {
            return RGBImage(width: outW, height: outH)
        }
        if outW >= width && outH >= height { return resizedBilinear(width: outW, height: outH) }
        return resizedArea(width: outW, height: outH)
    }

    /// The largest size with this image's aspect ratio that fits in `maxWidth x maxHeight`
    /// (at least 1 x 1).
    public func fittingSize(maxWidth: Int, maxHeight: Int) -> (width: Int, height: Int) {
        guard width > 0, height > 0 else { return (0, 0) }
        let s = min(Double(maxWidth) / Double(width), Double(maxHeight) / Double(height))
        return (max(1, Int((Double(width) * s).rounded())), max(1, Int((Double(height) * s).rounded())))
    }

    /// This image scaled, aspect ratio kept, to fit inside `maxWidth x maxHeight`.
    public func scaled(toFit maxWidth: Int, _ maxHeight: Int) -> RGBImage {
        let size = fittingSize(maxWidth: maxWidth, maxHeight: maxHeight)
        return scaled(width: size.width, height: size.height)
    }

    /// Area-average resampling: each target pixel is the coverage-weighted mean of the source
    /// pixels under it. Meant for shrinking (on a growing axis it degenerates to nearest).
    public func resizedArea(width outW: Int, height outH: Int) -> RGBImage {
        precondition(width > 0 && height > 0 && outW > 0 && outH > 0, "RGBImage.resizedArea: empty")
        // pixels (H, W, 3) -> rows (H, outW, 3) -> out (outH, outW, 3)
        let ax = AreaWeights(source: width, target: outW)
        let ay = AreaWeights(source: height, target: outH)
        var rows = [Float](repeating: 0, count: height * outW * 3)
        var out = [UInt8](repeating: 0, count: outW * outH * 3)
        let W = width
        let xs = ax.start, xSource = ax.source, xWeight = ax.weight
        let ys = ay.start, ySource = ay.source, yWeight = ay.weight
        pixels.withUnsafeBufferPointer { p in
        rows.withUnsafeMutableBufferPointer { rows in
        xs.withUnsafeBufferPointer { xs in xSource.withUnsafeBufferPointer { xSource in xWeight.withUnsafeBufferPointer { xWeight in
            for y in 0..<height {
                for x in 0..<outW {
                    var acc: (Float, Float, Float) = (0, 0, 0)
                    for t in xs[x]..<xs[x + 1] {
                        let i = (y * W + xSource[t]) * 3, w = xWeight[t]
                        acc.0 += Float(p[i]) * w
                        acc.1 += Float(p[i + 1]) * w
                        acc.2 += Float(p[i + 2]) * w
                    }
                    let o = (y * outW + x) * 3
                    rows[o] = acc.0; rows[o + 1] = acc.1; rows[o + 2] = acc.2
                }
            }
        }}}}}
        rows.withUnsafeBufferPointer { rows in
        out.withUnsafeMutableBufferPointer { out in
        ys.withUnsafeBufferPointer { ys in ySource.withUnsafeBufferPointer { ySource in yWeight.withUnsafeBufferPointer { yWeight in
            for y in 0..<outH {
                for x in 0..<outW {
                    var acc: (Float, Float, Float) = (0, 0, 0)
                    for t in ys[y]..<ys[y + 1] {
                        let i = (ySource[t] * outW + x) * 3, w = yWeight[t]
                        acc.0 += rows[i] * w; acc.1 += rows[i + 1] * w; acc.2 += rows[i + 2] * w
                    }
                    let o = (y * outW + x) * 3
                    out[o] = roundToByte(acc.0); out[o + 1] = roundToByte(acc.1); out[o + 2] = roundToByte(acc.2)
                }
            }
        }}}}}
        return RGBImage(width: outW, height: outH, pixels: out)
    }
}

/// Per target position, the source positions it covers and their normalised weights.
struct AreaWeights {
    /// Source position and weight of every tap, target by target.
    let source: [Int], weight: [Float]
    /// Target t's taps are `start[t] ..< start[t + 1]`.
    let start: [Int]

    init(source sourceCount: Int, target: Int) {
        let scale = Double(sourceCount) / Double(target)
        var source: [Int] = [], weight: [Float] = [], start = [0]
        for t in 0..<target {
            let lo = Double(t) * scale, hi = Double(t + 1) * scale
            var s = Int(lo)
            let first = source.count
            while Double(s) < hi && s < sourceCount {
                let cover = min(hi, Double(s + 1)) - max(lo, Double(s))
                if cover > 1e-9 { source.append(s); weight.append(Float(cover / scale)) }
                s += 1
            }
            if source.count == first { source.append(min(Int(lo), sourceCount - 1)); weight.append(1) }
            start.append(source.count)
        }
        self.source = source
        self.weight = weight
        self.start = start
    }
}

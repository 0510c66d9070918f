// torchvision's ImageNet evaluation transform on 8-bit RGB: resize so the shorter side is 256
// (bilinear, antialiased when shrinking, as PIL does), then crop the centre 224 x 224. Classify,
// the ablation's labelled images and a model's activations of probe images not at its input size
// all go through it.
//
// The resize is separable: each output pixel is a weighted sum of the input pixels under a
// triangle filter centred on it, widened by the shrink factor so every input pixel contributes
// (no aliasing when shrinking); rows first, then columns, in float, rounded once at the end.
// This is a different filter from `resizedBilinear` (Resize.swift), whose two taps per pixel
// are the dissection's mask convention: it normalises the weights it keeps at the borders
// instead of clamping the coordinate, and sums in another order, so the two are kept apart.

extension RGBImage {
    /// torchvision's evaluation transform: shorter side to `resize`, then the centre `crop` square.
    public func classifierInput(resize: Int = 256, crop: Int = 224) -> RGBImage {
        let shorter = min(width, height)
        precondition(shorter > 0, "RGBImage.classifierInput: empty image")
        let scale = Double(resize) / Double(shorter)
        let w = max(crop, Int((Double(width) * scale).rounded()))
        let h = max(crop, Int((Double(height) * scale).rounded()))
        return resizedAntialiased(width: w, height: h).centerCropped(width: crop, height: crop)
    }

    /// The centre `width` x `height` of an image at least that large.
    public func centerCropped(width outW: Int, height outH: Int) -> RGBImage {
        precondition(width >= outW && height >= outH, "RGBImage.centerCropped: crop larger than the image")
        let left = (width - outW) / 2, top = (height - outH) / 2
        var out = [UInt8](repeating: 0, count: outW * outH * 3)
        for y in 0..<outH {
            let src = ((top + y) * width + left) * 3
            out[(y * outW * 3)..<((y + 1) * outW * 3)] = pixels[src..<(src + outW * 3)]
        }
        return RGBImage(width: outW, height: outH, pixels: out)
    }

    /// Bilinear resize, antialiased when shrinking (PIL's and torchvision's).
    ///
    ///     (H, W, 3) UInt8 -> (height, width, 3) UInt8
    public func resizedAntialiased(width outW: Int, height outH: Int) -> RGBImage {
        precondition(outW > 0 && outH > 0 && width > 0 && height > 0, "RGBImage.resizedAntialiased: empty size")
        let horizontal = Self.antialiasedTaps(from: width, to: outW)
        let vertical = Self.antialiasedTaps(from: height, to: outH)
        // Rows: (H, W, 3) -> (H, outW, 3) in float.
        var rows = [Float](repeating: 0, count: height * outW * 3)
        for y in 0..<height {
            for (x, taps) in horizontal.enumerated() {
                var r: Float = 0, g: Float = 0, b: Float = 0
                for (i, w) in taps {
                    let p = (y * width + i) * 3
                    r += w * Float(pixels[p]); g += w * Float(pixels[p + 1]); b += w * Float(pixels[p + 2])
                }
                let o = (y * outW + x) * 3
                rows[o] = r; rows[o + 1] = g; rows[o + 2] = b
            }
        }
        // Columns: (H, outW, 3) -> (outH, outW, 3), rounded to bytes.
        var out = [UInt8](repeating: 0, count: outH * outW * 3)
        for (y, taps) in vertical.enumerated() {
            for x in 0..<(outW * 3) {
                var v: Float = 0
                for (i, w) in taps { v += w * rows[i * outW * 3 + x] }
                out[y * outW * 3 + x] = UInt8(max(0, min(255, v.rounded())))
            }
        }
        return RGBImage(width: outW, height: outH, pixels: out)
    }

    /// For each output index, the input indices and normalised triangle-filter weights.
    static func antialiasedTaps(from input: Int, to output: Int) -> [[(Int, Float)]] {
        let scale = Double(input) / Double(output)
        let support = max(scale, 1)  // the triangle's half-width in input pixels
        return (0..<output).map { o in
            let center = (Double(o) + 0.5) * scale
            let lo = max(0, Int((center - support).rounded(.down)))
            let hi = min(input - 1, Int((center + support).rounded(.up)))
            var taps: [(Int, Float)] = []
            var total = 0.0
            for i in lo...max(lo, hi) {
                let w = max(0, 1 - abs((Double(i) + 0.5 - center) / support))
                if w > 0 { taps.append((i, Float(w))); total += w }
            }
            if taps.isEmpty { return [(min(input - 1, Int(center)), 1)] }
            return taps.map { ($0.0, Float(Double($0.1) / total)) }
        }
    }
}

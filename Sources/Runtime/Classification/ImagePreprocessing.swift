// torchvision's ImageNet evaluation transform on 8-bit RGB: resize so the shorter side is 256
// (bilinear, antialiased when shrinking, as PIL does), then crop the centre 224 x 224.
//
// The resize is separable: each output pixel is a weighted sum of the input pixels under a
// triangle filter centred on it, widened by the shrink factor so every input pixel contributes
// (no aliasing when shrinking); rows first, then columns, in float, rounded once at the end.

/// Resizing and cropping for classifier inputs.
public enum ImagePreprocessing {
    /// An interleaved RGB8 image.
    public typealias Image = (pixels: [UInt8], width: Int, height: Int)

    /// torchvision's evaluation transform: shorter side to `resize`, then the centre `crop` square.
    public static func classifierInput(_ image: Image, resize: Int = 256, crop: Int = 224) -> Image {
        let shorter = min(image.width, image.height)
        precondition(shorter > 0, "ImagePreprocessing: empty image")
        let scale = Double(resize) / Double(shorter)
        let w = max(crop, Int((Double(image.width) * scale).rounded()))
        let h = max(crop, Int((Double(image.height) * scale).rounded()))
        let resized = self.resize(image, width: w, height: h)
        return centerCrop(resized, width: crop, height: crop)
    }

    /// The centre `width` x `height` of an image at least that large.
    public static func centerCrop(_ image: Image, width: Int, height: Int) -> Image {
        precondition(image.width >= width && image.height >= height, "ImagePreprocessing: crop larger than the image")
        let left = (image.width - width) / 2, top = (image.height - height) / 2
        var out = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let src = ((top + y) * image.width + left) * 3
            out[(y * width * 3)..<((y + 1) * width * 3)] = image.pixels[src..<(src + width * 3)]
        }
        return (out, width, height)
    }

    /// Bilinear resize, antialiased when shrinking.
    ///
    ///     (H, W, 3) UInt8 -> (height, width, 3) UInt8
    public static func resize(_ image: Image, width: Int, height: Int) -> Image {
        precondition(width > 0 && height > 0 && image.width > 0 && image.height > 0, "ImagePreprocessing: empty size")
        let horizontal = filter(from: image.width, to: width)
        let vertical = filter(from: image.height, to: height)
        // Rows: (H, W, 3) -> (H, width, 3) in float.
        var rows = [Float](repeating: 0, count: image.height * width * 3)
        for y in 0..<image.height {
            for (x, taps) in horizontal.enumerated() {
                var r: Float = 0, g: Float = 0, b: Float = 0
                for (i, w) in taps {
                    let p = (y * image.width + i) * 3
                    r += w * Float(image.pixels[p]); g += w * Float(image.pixels[p + 1]); b += w * Float(image.pixels[p + 2])
                }
                let o = (y * width + x) * 3
                rows[o] = r; rows[o + 1] = g; rows[o + 2] = b
            }
        }
        // Columns: (H, width, 3) -> (height, width, 3), rounded to bytes.
        var out = [UInt8](repeating: 0, count: height * width * 3)
        for (y, taps) in vertical.enumerated() {
            for x in 0..<(width * 3) {
                var v: Float = 0
                for (i, w) in taps { v += w * rows[i * width * 3 + x] }
                out[y * width * 3 + x] = UInt8(max(0, min(255, v.rounded())))
            }
        }
        return (out, width, height)
    }

    /// For each output index, the input indices and normalised triangle-filter weights.
    static func filter(from input: Int, to output: Int) -> [[(Int, Float)]] {
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

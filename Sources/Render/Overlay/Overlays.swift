// The two ways a unit is drawn over an image.
//
// The mask overlay is the papers' picture: the image stays as it is inside the unit's mask and
// is dimmed to 20 % outside it, and the mask's edge is outlined in a theme colour so that thin
// regions stay visible in small thumbnails. The heatmap overlay shows the upsampled activation
// itself through a colormap, blended over the image.

/// How the mask overlay is drawn.
public struct MaskOverlayStyle: Sendable, Equatable {
    /// Brightness kept outside the mask, 0...1 (the papers use 0.2).
    public var dim: Float
    /// Colour of the outline; nil draws none.
    public var outline: RGBColor?
    /// Outline thickness in pixels; nil picks one from the image size (1 px per 112 px side).
    public var outlineThickness: Int?

    /// A style; the defaults are the papers' 20 % and a yellow outline.
    public init(dim: Float = 0.2, outline: RGBColor? = .outlineYellow, outlineThickness: Int? = nil) {
        self.dim = dim; self.outline = outline; self.outlineThickness = outlineThickness
    }
}

/// How the heatmap overlay is drawn.
public struct HeatmapStyle: Sendable, Equatable {
    /// Colormap for the activation.
    public var colormap: Colormap
    /// Opacity of the heatmap over the image, 0...1.
    public var alpha: Float
    /// Activation mapped to the colormap's ends; nil uses the map's own 0...max (negative
    /// activations, after a ReLU rare, show as the low end).
    public var range: ClosedRange<Float>?

    /// A style: inferno at 50 % by default.
    public init(colormap: Colormap = .inferno, alpha: Float = 0.5, range: ClosedRange<Float>? = nil) {
        self.colormap = colormap; self.alpha = alpha; self.range = range
    }
}

extension RGBImage {
    /// This image with `mask` (same size) laid over it: full brightness inside, `style.dim`
    /// outside, the mask's inner edge in `style.outline`.
    public func maskOverlay(_ mask: Mask, style: MaskOverlayStyle = MaskOverlayStyle()) -> RGBImage {
        precondition(mask.width == width && mask.height == height,
                     "maskOverlay: mask \(mask.width)x\(mask.height) over image \(width)x\(height)")
        var out = self
        let keep = max(0, min(1, style.dim))
        // Every byte value dimmed once: the same roundToByte(v * keep) per channel, looked up.
        let dimmed = (0..<256).map { roundToByte(Float($0) * keep) }
        let edge = style.outline.map { _ in mask.outline(thickness: style.outlineThickness ?? max(1, min(width, height) / 112)) }
        let color = style.outline ?? RGBColor(0, 0, 0)
        let n = width * height
        // pixels (H*W, 3): dim outside the mask, then paint the edge
        out.pixels.withUnsafeMutableBufferPointer { o in
            mask.bits.withUnsafeBufferPointer { inside in
                dimmed.withUnsafeBufferPointer { d in
                    for i in 0..<n where !inside[i] {
                        o[i * 3] = d[Int(o[i * 3])]; o[i * 3 + 1] = d[Int(o[i * 3 + 1])]; o[i * 3 + 2] = d[Int(o[i * 3 + 2])]
                    }
                }
            }
            guard let edge else { return }
            edge.bits.withUnsafeBufferPointer { e in
                for i in 0..<n where e[i] {
                    o[i * 3] = color.r; o[i * 3 + 1] = color.g; o[i * 3 + 2] = color.b
                }
            }
        }
        return out
    }

    /// This image with a unit's mask laid over it, computed from its raw activation map and
    /// threshold (upsampled to this image's size with the engine's convention).
    public func maskOverlay(activation: FloatMap, threshold: Float,
                            style: MaskOverlayStyle = MaskOverlayStyle()) -> RGBImage {
        maskOverlay(Mask(activation: activation, threshold: threshold, width: width, height: height),
                    style: style)
    }

    /// This image with `activation` (any size; upsampled to this image's) drawn over it through
    /// a colormap at `style.alpha`.
    public func heatmapOverlay(activation: FloatMap, style: HeatmapStyle = HeatmapStyle()) -> RGBImage {
        let up = activation.resizedBilinear(width: width, height: height)
        let range = style.range ?? 0...max(up.finiteRange?.max ?? 0, 0)
        let heat = style.colormap.apply(up, low: range.lowerBound, high: range.upperBound)
        let a = max(0, min(1, style.alpha))
        var out = self
        for i in 0..<pixels.count {
            out.pixels[i] = roundToByte(Float(pixels[i]) * (1 - a) + Float(heat.pixels[i]) * a)
        }
        return out
    }
}

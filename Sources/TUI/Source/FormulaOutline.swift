// The larger view's second outline: where a unit's stored formula holds on one of its top
// images, its edge drawn in its own colour over the picture that already shows the unit's mask
// (outside dimmed, edge yellow), so the two masks can be compared by eye.
//
// The formula's mask is computed from the image's segmentation as `explain` counts it (a pixel
// label's mask as in the tally, an image-level label covering the whole image), at the
// segmentation's size, then taken to the picture's size by nearest neighbour.
import Dissection
import Render

/// A formula's mask on one image, and its outline on a picture.
public enum FormulaOutline {
    /// The formula's outline colour: a cyan that stands apart from the unit's yellow.
    public static let color = RGBColor(0, 200, 255)

    /// `formula`'s mask on the image whose labels are `masks`.
    // masks (labels, sh * sw bits) -> Mask (sh, sw)
    public static func mask(_ formula: Formula, masks: LabelMasks) -> Mask {
        let n = masks.pixelCount
        func label(_ id: Int32) -> [Bool] {
            if masks.imageLabels.contains(id) { return [Bool](repeating: true, count: n) }
            guard let k = masks.pixelLabels.firstIndex(of: id) else { return [Bool](repeating: false, count: n) }
            let words = masks.mask(k), base = words.startIndex
            return (0..<n).map { p in words[base + (p >> 6)] >> UInt64(p & 63) & 1 == 1 }
        }
        var bits = label(formula.first)
        for step in formula.steps {
            let l = label(step.label)
            for p in 0..<n {
                switch step.op {
                case .or: bits[p] = bits[p] || l[p]
                case .and: bits[p] = bits[p] && l[p]
                case .andNot: bits[p] = bits[p] && !l[p]
                }
            }
        }
        return Mask(width: masks.width, height: masks.height, bits: bits)
    }

    /// `mask` at `width` x `height`, each pixel taken from the source pixel under its centre.
    // Mask (sh, sw) -> Mask (height, width)
    static func resized(_ mask: Mask, width: Int, height: Int) -> Mask {
        var bits = [Bool](repeating: false, count: width * height)
        if mask.width > 0 && mask.height > 0 {
            for y in 0..<height {
                let sy = min(mask.height - 1, (2 * y + 1) * mask.height / (2 * height))
                for x in 0..<width {
                    bits[y * width + x] = mask[min(mask.width - 1, (2 * x + 1) * mask.width / (2 * width)), sy]
                }
            }
        }
        return Mask(width: width, height: height, bits: bits)
    }

    /// `picture` with the edge of `mask` (any size; resized to the picture) painted in `color`,
    /// every other pixel unchanged.
    public static func draw(_ mask: Mask, on picture: RGBImage) -> RGBImage {
        picture.maskOverlay(resized(mask, width: picture.width, height: picture.height),
                            style: MaskOverlayStyle(dim: 1, outline: color))
    }
}

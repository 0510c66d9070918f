// Naming pixel colours with Broden's 11 basic colour terms.
//
// Broden labelled the colour of every pixel with the colour name that van de Weijer et al.'s
// "Learning Color Names for Real-World Applications" (2009) gives it, through their 32x32x32
// RGB lookup table (w2c). That table cannot be fetched here, so this is a rule-based stand-in
// that follows the same partition of colour space: achromatic colours by lightness (black,
// grey, white), chromatic ones by hue, with brown for dark oranges and yellows and pink for
// light, weakly saturated reds and magentas. The synthetic dataset names its colours with it,
// so its colour labels are exact for the pixels it rendered.
import Dissection

/// Broden's 11 colour terms, in the order their labels are numbered.
enum ColorName: Int, CaseIterable {
    case black, blue, brown, grey, green, orange, pink, purple, red, white, yellow

    /// The label name, with Broden's `-c` suffix.
    var labelName: String { "\(self)-c" }

    /// The colour term of an sRGB colour (components in [0, 1]).
    static func of(_ r: Float, _ g: Float, _ b: Float) -> ColorName {
        let maxC = max(r, max(g, b)), minC = min(r, min(g, b))
        let chroma = maxC - minC
        let value = maxC
        let saturation = maxC > 0 ? chroma / maxC : 0
        if value < 0.18 { return .black }
        if saturation < 0.18 || chroma < 0.08 {
            if value > 0.82 { return .white }
            return value < 0.3 ? .black : .grey
        }
        var hue: Float
        if maxC == r { hue = (g - b) / chroma } else if maxC == g { hue = 2 + (b - r) / chroma } else { hue = 4 + (r - g) / chroma }
        hue *= 60
        if hue < 0 { hue += 360 }
        let light = value > 0.7 && saturation < 0.55
        switch hue {
        case 345..., ..<12:
            if light { return .pink }
            return value < 0.45 ? .brown : .red
        case 12..<42:
            if value < 0.62 { return .brown }
            return light && hue < 25 ? .pink : .orange
        case 42..<70:
            return value < 0.5 ? .brown : (hue < 48 && value < 0.7 ? .orange : .yellow)
        case 70..<165:
            return .green
        case 165..<255:
            return .blue
        case 255..<290:
            return .purple
        default:  // 290..<345
            return light || value > 0.8 ? .pink : .purple
        }
    }
}

// Unicode half-block pictures: each terminal cell shows two pixels stacked, the upper one as the
// foreground colour of `▀` and the lower one as the background, in truecolor (`38;2;r;g;b`) or
// the xterm 256-colour palette (`38;5;n`). An image of `w x h` pixels takes `w` columns and
// `ceil(h / 2)` rows; an odd last row leaves the lower half in the terminal's own background.
// Colours are only re-sent when they change along a row, and every row ends with a reset, so a
// picture never leaks its colours into the text after it.

/// How many colours a terminal can show in text.
public enum ColorDepth: String, Sendable, Hashable {
    /// 24-bit colour escapes.
    case truecolor
    /// The xterm 256-colour palette.
    case palette256
}

/// Encodes images as lines of half-block characters with colour escapes.
public enum HalfBlockPicture {
    /// One string per terminal row (no newlines), each ending in `ESC[0m`.
    ///
    /// Complexity: O(width * height).
    public static func lines(_ image: RGBImage, depth: ColorDepth) -> [String] {
        var rows: [String] = []
        rows.reserveCapacity((image.height + 1) / 2)
        for top in stride(from: 0, to: image.height, by: 2) {
            var line = ""
            var lastFG: RGBColor?, lastBG: RGBColor?
            var bgIsDefault = false
            for x in 0..<image.width {
                let (r, g, b) = image[x, top]
                let fg = quantised(RGBColor(r, g, b), depth)
                if fg != lastFG { line += sgr(foreground: true, fg, depth); lastFG = fg }
                if top + 1 < image.height {
                    let (r2, g2, b2) = image[x, top + 1]
                    let bg = quantised(RGBColor(r2, g2, b2), depth)
                    if bg != lastBG || bgIsDefault {
                        line += sgr(foreground: false, bg, depth); lastBG = bg; bgIsDefault = false
                    }
                } else if !bgIsDefault {
                    line += "\u{1B}[49m"; bgIsDefault = true; lastBG = nil
                }
                line += "▀"
            }
            line += "\u{1B}[0m"
            rows.append(line)
        }
        return rows
    }

    /// The colour as the terminal will show it (snapped to the palette at 256 colours), so that
    /// runs of cells mapping to one palette entry share one escape.
    private static func quantised(_ c: RGBColor, _ depth: ColorDepth) -> RGBColor {
        depth == .truecolor ? c : XTerm256.color(XTerm256.index(of: c))
    }

    private static func sgr(foreground: Bool, _ c: RGBColor, _ depth: ColorDepth) -> String {
        switch depth {
        case .truecolor:
            return "\u{1B}[\(foreground ? 38 : 48);2;\(c.r);\(c.g);\(c.b)m"
        case .palette256:
            return "\u{1B}[\(foreground ? 38 : 48);5;\(XTerm256.index(of: c))m"
        }
    }
}

/// Pictures in plain text, for terminals (or pipes) that get no escape sequences at all: one
/// character per cell from a ten-step luminance ramp.
public enum TextPicture {
    /// Characters from dark to bright.
    public static let ramp: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    /// One string per row; `image` is drawn one pixel per character, so scale it to
    /// `columns x rows` first (a cell is about twice as tall as it is wide).
    public static func lines(_ image: RGBImage) -> [String] {
        (0..<image.height).map { y in
            String((0..<image.width).map { x -> Character in
                let (r, g, b) = image[x, y]
                let l = RGBColor(r, g, b).luma
                return ramp[min(ramp.count - 1, Int(l * Float(ramp.count)))]
            })
        }
    }
}

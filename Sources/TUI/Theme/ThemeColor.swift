// Colours as themes name them, and their nearest equivalents on terminals with fewer colours.
//
// A theme value is either a 24-bit colour or "the terminal's own default" (an empty value in
// the file), which is what a transparent background or a monochrome theme wants. Terminals with
// 256 or 8 colours get the nearest palette entry; the mapping lives here so that it can be
// tested without a terminal. The colours themselves and the xterm palette are Render's
// (`RGBColor`, `XTerm256`); what is the explorer's own is the distance it judges them by.
import Render

/// A theme's value for one key: a colour, or the terminal's default.
public enum ThemeColor: Hashable, Sendable, CustomStringConvertible {
    /// The terminal's own foreground or background (an empty value in a theme file).
    case terminalDefault
    /// A 24-bit colour, mapped to the nearest palette entry on smaller terminals.
    case rgb(RGBColor)

    /// The colour, or nil for the terminal default.
    public var rgb: RGBColor? {
        if case .rgb(let c) = self { return c }
        return nil
    }

    /// `"#rrggbb"` or `""`, as written in a theme file.
    public var description: String { rgb.map { $0.description } ?? "" }
}

/// How many colours the terminal shows.
public enum ColorSupport: Int, Sendable, Comparable, CaseIterable {
    /// No colour at all (`NO_COLOR`, or a terminal without colour): attributes only.
    case monochrome = 0
    /// The eight ANSI colours.
    case ansi8 = 8
    /// The xterm 256-colour palette.
    case palette256 = 256
    /// 24-bit colour.
    case truecolor = 16_777_216

    public static func < (a: ColorSupport, b: ColorSupport) -> Bool { a.rawValue < b.rawValue }
}

/// Maps 24-bit colours to palette indices, by a distance weighted towards green as the eye is.
public enum ColorPalette {
    /// The index (16-255) of the closest colour in the 6x6x6 cube or the grey ramp.
    ///
    /// The first 16 entries are skipped because terminals redefine them freely.
    public static func nearest256(_ c: RGBColor) -> Int { XTerm256.index(of: c, distance: distance) }

    /// The index (0-7) of the closest of the eight ANSI colours.
    public static func nearest8(_ c: RGBColor) -> Int {
        var best = 0
        var bestDistance = Int.max
        for i in 0..<8 {
            let d = distance(c, XTerm256.color(i))
            if d < bestDistance { best = i; bestDistance = d }
        }
        return best
    }

    /// Squared distance, weighted towards green as the eye is.
    static func distance(_ a: RGBColor, _ b: RGBColor) -> Int {
        let dr = Int(a.r) - Int(b.r), dg = Int(a.g) - Int(b.g), db = Int(a.b) - Int(b.b)
        return 3 * dr * dr + 4 * dg * dg + 2 * db * db
    }
}

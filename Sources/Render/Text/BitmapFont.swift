// A small bitmap font for captions drawn into pictures (strips, grids, report images), so that
// an image file or a sixel picture carries its own labels without a font library. Glyphs are
// 5 x 8 pixels on a 6-pixel advance, scaled by whole multiples.

/// The built-in 5 x 8 caption font.
public struct BitmapFont: Sendable {
    /// Glyph width in pixels at scale 1.
    public static let glyphWidth = 5
    /// Glyph height in pixels at scale 1 (including the descender row).
    public static let glyphHeight = 8
    /// Horizontal advance per character at scale 1.
    public static let advance = 6

    /// Pixel multiple (1 = 5 x 8 glyphs, 2 = 10 x 16, ...).
    public let scale: Int

    /// The font at a whole-number `scale` (at least 1).
    public init(scale: Int = 1) {
        precondition(scale >= 1, "BitmapFont: scale \(scale)")
        self.scale = scale
    }

    /// Line height in pixels: glyph height plus one row of leading, times the scale.
    public var lineHeight: Int { (BitmapFont.glyphHeight + 1) * scale }

    /// Width in pixels of `text` drawn in one line (no trailing gap).
    public func width(of text: String) -> Int {
        let n = text.unicodeScalars.count
        return n == 0 ? 0 : (n * BitmapFont.advance - 1) * scale
    }

    /// `text` shortened with a trailing `..` so that it is at most `maxWidth` pixels wide.
    public func truncated(_ text: String, toWidth maxWidth: Int) -> String {
        if width(of: text) <= maxWidth { return text }
        let perChar = BitmapFont.advance * scale
        let fits = max(0, (maxWidth + scale) / perChar)
        if fits <= 2 { return String(String.UnicodeScalarView(text.unicodeScalars.prefix(fits))) }
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(fits - 2))) + ".."
    }

    /// Draws `text` into `image` with its top-left corner at `(x, y)`, clipped to the image.
    /// Characters outside printable ASCII are drawn as an empty box.
    public func draw(_ text: String, into image: inout RGBImage, x: Int, y: Int, color: RGBColor) {
        var penX = x
        for scalar in text.unicodeScalars {
            let rows = BitmapFont.bits(for: scalar)
            for (row, bits) in rows.enumerated() where bits != 0 {
                for col in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(col)) != 0 {
                    image.fill(x: penX + col * scale, y: y + row * scale,
                               width: scale, height: scale, color: color)
                }
            }
            penX += BitmapFont.advance * scale
        }
    }

    /// The eight row bitmaps of `scalar`'s glyph, bit 4 the leftmost column.
    static func bits(for scalar: Unicode.Scalar) -> [UInt8] {
        if scalar.value >= 32 && scalar.value < 127 {
            return table[Int(scalar.value) - 32]
        }
        return missing
    }

    /// Glyph bitmaps indexed by code point - 32.
    private static let table: [[UInt8]] = (32..<127).map { code in
        let ch = Character(Unicode.Scalar(UInt8(code)))
        guard let rows = glyphRows[ch] else { preconditionFailure("BitmapFont: no glyph for \(ch)") }
        return parse(rows)
    }

    private static let missing: [UInt8] = parse(missingGlyphRows)

    /// "#...# ....." rows into bitmaps.
    private static func parse(_ rows: String) -> [UInt8] {
        let parsed: [UInt8] = rows.split(separator: " ").map { row in
            precondition(row.count == glyphWidth, "BitmapFont: row '\(row)' is not \(glyphWidth) wide")
            return row.reduce(UInt8(0)) { ($0 << 1) | ($1 == "#" ? 1 : 0) }
        }
        precondition(parsed.count == glyphHeight, "BitmapFont: glyph with \(parsed.count) rows")
        return parsed
    }
}

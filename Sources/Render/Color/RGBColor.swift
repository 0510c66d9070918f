// One 8-bit RGB colour, the currency of themes, overlays and terminal escapes.

/// An 8-bit RGB colour.
public struct RGBColor: Sendable, Hashable, CustomStringConvertible {
    /// Red, 0...255.
    public var r: UInt8
    /// Green, 0...255.
    public var g: UInt8
    /// Blue, 0...255.
    public var b: UInt8

    /// A colour from its three channels.
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r; self.g = g; self.b = b
    }

    /// A colour from `0xRRGGBB` (bits above the 24th are ignored).
    public init(packed: UInt32) {
        self.init(UInt8((packed >> 16) & 0xFF), UInt8((packed >> 8) & 0xFF), UInt8(packed & 0xFF))
    }

    /// `0xRRGGBB`, the form ncurses takes for direct colours.
    public var packed: Int { Int(r) << 16 | Int(g) << 8 | Int(b) }

    /// The colour `t` of the way from `self` to `other` (t clamped to 0...1), each channel
    /// rounded to the nearest value.
    public func mixed(with other: RGBColor, _ t: Double) -> RGBColor {
        func lerp(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * min(max(t, 0), 1)).rounded())
        }
        return RGBColor(lerp(r, other.r), lerp(g, other.g), lerp(b, other.b))
    }

    /// Parses `#rrggbb` or `rrggbb` (case-insensitive); nil for anything else.
    public init?(hex: String) {
        var digits = Substring(hex)
        if digits.hasPrefix("#") { digits = digits.dropFirst() }
        guard digits.count == 6, let v = UInt32(digits, radix: 16) else { return nil }
        self.init(UInt8(v >> 16), UInt8((v >> 8) & 0xff), UInt8(v & 0xff))
    }

    /// `#rrggbb`, lower case.
    public var hex: String {
        func two(_ v: UInt8) -> String { v < 16 ? "0" + String(v, radix: 16) : String(v, radix: 16) }
        return "#" + two(r) + two(g) + two(b)
    }

    public var description: String { hex }

    /// Relative luminance in 0...1 (Rec. 709 weights on the 8-bit values, no gamma): enough to
    /// choose dark or light text over a colour and to order colours for a text ramp.
    public var luma: Float {
        (0.2126 * Float(r) + 0.7152 * Float(g) + 0.0722 * Float(b)) / 255
    }

    /// Black.
    public static let black = RGBColor(0, 0, 0)
    /// White.
    public static let white = RGBColor(255, 255, 255)
    /// The default mask outline: a saturated yellow that stands out on dimmed photographs.
    public static let outlineYellow = RGBColor(255, 214, 0)
}

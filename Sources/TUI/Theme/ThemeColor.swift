// Colours as themes name them, and their nearest equivalents on terminals with fewer colours.
//
// A theme value is either a 24-bit colour or "the terminal's own default" (an empty value in
// the file), which is what a transparent background or a monochrome theme wants. Terminals with
// 256 or 8 colours get the nearest palette entry; the mapping lives here so that it can be
// tested without a terminal.

/// A 24-bit colour.
public struct RGB: Hashable, Sendable, CustomStringConvertible {
    /// Red, 0-255.
    public var r: UInt8
    /// Green, 0-255.
    public var g: UInt8
    /// Blue, 0-255.
    public var b: UInt8

    /// A colour from its three channels.
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r; self.g = g; self.b = b
    }

    /// A colour from `0xRRGGBB`.
    public init(hex: UInt32) {
        self.init(UInt8((hex >> 16) & 0xFF), UInt8((hex >> 8) & 0xFF), UInt8(hex & 0xFF))
    }

    /// `#rrggbb`.
    public var description: String {
        "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// `0xRRGGBB`, the form ncurses takes for direct colours.
    public var packed: Int { Int(r) << 16 | Int(g) << 8 | Int(b) }

    /// Relative luminance in 0...1 (Rec. 709 weights on the gamma-encoded channels).
    public var luminance: Double {
        (0.2126 * Double(r) + 0.7152 * Double(g) + 0.0722 * Double(b)) / 255
    }

    /// The colour `t` of the way from `self` to `other` (t in 0...1).
    public func mixed(with other: RGB, _ t: Double) -> RGB {
        func lerp(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * min(max(t, 0), 1)).rounded())
        }
        return RGB(lerp(r, other.r), lerp(g, other.g), lerp(b, other.b))
    }
}

/// A theme's value for one key: a colour, or the terminal's default.
public enum ThemeColor: Hashable, Sendable, CustomStringConvertible {
    /// The terminal's own foreground or background (an empty value in a theme file).
    case terminalDefault
    /// A 24-bit colour, mapped to the nearest palette entry on smaller terminals.
    case rgb(RGB)

    /// The colour, or nil for the terminal default.
    public var rgb: RGB? {
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

/// Maps 24-bit colours to palette indices.
public enum ColorPalette {
    /// The RGB values of the xterm palette entries 0-15 (the ANSI colours as xterm draws them).
    public static let ansi16: [RGB] = [
        RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
        RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
        RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
        RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
    ]

    /// The RGB value of xterm palette entry `index` (0-255).
    public static func xterm(_ index: Int) -> RGB {
        precondition((0..<256).contains(index), "xterm palette index \(index) out of 0..<256")
        if index < 16 { return ansi16[index] }
        if index >= 232 {
            let v = UInt8(8 + 10 * (index - 232))
            return RGB(v, v, v)
        }
        let i = index - 16
        let steps: [UInt8] = [0, 95, 135, 175, 215, 255]
        return RGB(steps[i / 36], steps[(i / 6) % 6], steps[i % 6])
    }

    /// The index (16-255) of the closest colour in the 6x6x6 cube or the grey ramp.
    ///
    /// The first 16 entries are skipped because terminals redefine them freely.
    public static func nearest256(_ c: RGB) -> Int {
        func cubeStep(_ v: UInt8) -> Int { v < 48 ? 0 : v < 115 ? 1 : (Int(v) - 35) / 40 }
        let ri = cubeStep(c.r), gi = cubeStep(c.g), bi = cubeStep(c.b)
        let cube = 16 + 36 * ri + 6 * gi + bi
        let mean = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
        let greyIndex = mean > 238 ? 23 : max(0, (mean - 3) / 10)
        let grey = 232 + min(greyIndex, 23)
        return distance(c, xterm(cube)) <= distance(c, xterm(grey)) ? cube : grey
    }

    /// The index (0-7) of the closest of the eight ANSI colours.
    public static func nearest8(_ c: RGB) -> Int {
        var best = 0
        var bestDistance = Int.max
        for i in 0..<8 {
            let d = distance(c, ansi16[i])
            if d < bestDistance { best = i; bestDistance = d }
        }
        return best
    }

    /// Squared distance, weighted towards green as the eye is.
    static func distance(_ a: RGB, _ b: RGB) -> Int {
        let dr = Int(a.r) - Int(b.r), dg = Int(a.g) - Int(b.g), db = Int(a.b) - Int(b.b)
        return 3 * dr * dr + 4 * dg * dg + 2 * db * db
    }
}

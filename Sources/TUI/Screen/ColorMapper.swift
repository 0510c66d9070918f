// From a `Style` (theme colours and attributes) to what ncurses wants: an attribute mask and a
// colour-pair number, at the terminal's colour depth. Pairs are allocated on first use with
// ncurses' `alloc_pair` and remembered, so a frame costs no allocation once its styles are known.

import CNcursesw

/// Maps styles to ncurses attributes and pairs for one colour depth.
struct ColorMapper {
    /// The terminal's colour depth.
    let depth: ColorSupport
    /// The theme's background, used to show a differently-coloured background in reverse video
    /// on terminals without colour.
    let mainBackground: ThemeColor
    private var pairs: [Style: Int32] = [:]

    init(depth: ColorSupport, mainBackground: ThemeColor) {
        self.depth = depth
        self.mainBackground = mainBackground
    }

    /// The ncurses colour number for `color` at this depth (-1 = the terminal's default).
    func colorNumber(_ color: ThemeColor) -> Int32 {
        guard let rgb = color.rgb else { return -1 }
        switch depth {
        case .monochrome: return -1
        case .ansi8: return Int32(ColorPalette.nearest8(rgb))
        case .palette256: return Int32(ColorPalette.nearest256(rgb))
        case .truecolor: return Int32(rgb.packed)
        }
    }

    /// Whether `style`'s background, which the theme sets apart from the main one (the selected
    /// row, a dialog), cannot be told from it at this depth: without colour, or when both map to
    /// the same one of eight colours (the default selection, dark blue-grey on near-black, is
    /// black on black at `TERM=xterm`). Such a style is shown in reverse video instead.
    func showsInReverse(_ style: Style) -> Bool {
        guard style.bg != mainBackground, style.bg != .terminalDefault, !style.attributes.contains(.reverse) else { return false }
        switch depth {
        case .monochrome: return true
        case .ansi8: return colorNumber(style.bg) == colorNumber(mainBackground)
        case .palette256, .truecolor: return false
        }
    }

    /// Attributes and pair for `style`.
    mutating func resolve(_ style: Style) -> (attributes: attr_t, pair: Int32) {
        var attrs = nd_a_normal()
        var a = style.attributes
        if showsInReverse(style) { a.insert(.reverse) }
        if a.contains(.bold) { attrs |= nd_a_bold() }
        if a.contains(.dim) { attrs |= nd_a_dim() }
        if a.contains(.underline) { attrs |= nd_a_underline() }
        if a.contains(.reverse) { attrs |= nd_a_reverse() }
        guard depth != .monochrome else { return (attrs, 0) }
        if let pair = pairs[style] { return (attrs, pair) }
        var fg = colorNumber(style.fg)
        let bg = colorNumber(style.bg)
        // On eight colours, a foreground equal to its background would vanish: take the
        // contrasting one of black and white instead.
        if depth == .ansi8, fg == bg, fg >= 0 { fg = bg == 0 || bg == 4 || bg == 1 ? 7 : 0 }
        if depth == .ansi8, fg < 0, bg >= 0, style.fg != .terminalDefault { fg = 7 }
        let pair = alloc_pair(fg, bg)
        let resolved = pair < 0 ? 0 : pair
        pairs[style] = resolved
        return (attrs, resolved)
    }

    /// Forgets every pair (after the palette changed).
    mutating func reset() { pairs.removeAll() }
}

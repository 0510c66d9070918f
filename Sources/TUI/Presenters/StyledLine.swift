// What presenters produce: lines of styled text, exactly as wide as they were asked for.
//
// A `Style` holds resolved theme colours and attributes, so the screen only maps colours to the
// terminal's depth; a presenter's output can be compared in a test as plain text (`text`) or
// with its styles.

/// Text attributes ncurses can show on any terminal.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Bold (often also brighter).
    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    /// Underlined.
    public static let underline = TextAttributes(rawValue: 1 << 2)
    /// Foreground and background swapped.
    public static let reverse = TextAttributes(rawValue: 1 << 3)
}

/// How a run of text looks: colours from the theme plus attributes.
public struct Style: Hashable, Sendable {
    /// Foreground.
    public var fg: ThemeColor
    /// Background.
    public var bg: ThemeColor
    public var attributes: TextAttributes

    /// A style from its parts.
    public init(fg: ThemeColor, bg: ThemeColor, attributes: TextAttributes = []) {
        self.fg = fg; self.bg = bg; self.attributes = attributes
    }

    /// The same style with extra attributes.
    public func with(_ extra: TextAttributes) -> Style {
        Style(fg: fg, bg: bg, attributes: attributes.union(extra))
    }

    /// The same style with another foreground.
    public func fg(_ color: ThemeColor) -> Style { Style(fg: color, bg: bg, attributes: attributes) }

    /// The same style with another background.
    public func bg(_ color: ThemeColor) -> Style { Style(fg: fg, bg: color, attributes: attributes) }
}

/// A run of text in one style. The text is already sanitised (no control characters).
public struct Span: Hashable, Sendable {
    public var text: String
    public var style: Style

    /// A span; `text` must contain no control characters (see `CellText.sanitized`).
    public init(_ text: String, _ style: Style) {
        self.text = text; self.style = style
    }

    /// Display width in terminal cells.
    public var width: Int { CellText.width(text) }
}

/// One screen row of a presenter's output.
public struct StyledLine: Hashable, Sendable {
    /// The spans, left to right.
    public var spans: [Span]

    public init(_ spans: [Span] = []) { self.spans = spans }

    /// The plain text, for tests and snapshots.
    public var text: String { spans.map(\.text).joined() }

    /// Display width in cells.
    public var width: Int { spans.reduce(0) { $0 + $1.width } }

    /// A line of `width` blanks in `style`.
    public static func blank(_ width: Int, _ style: Style) -> StyledLine {
        StyledLine([Span(String(repeating: " ", count: max(0, width)), style)])
    }
}

/// Builds a line span by span, then fits it to an exact width.
public struct LineBuilder {
    private var spans: [Span] = []
    private var used = 0

    public init() {}

    /// Cells used so far.
    public var width: Int { used }

    /// Appends `text` (sanitised here) in `style`.
    public mutating func add(_ text: String, _ style: Style) {
        let clean = CellText.sanitized(text)
        guard !clean.isEmpty else { return }
        spans.append(Span(clean, style))
        used += CellText.width(clean)
    }

    /// Appends `text` fitted to exactly `width` cells (truncated with an ellipsis, or padded).
    public mutating func add(_ text: String, _ style: Style, width: Int, alignRight: Bool = false,
                             glyphs: Glyphs) {
        add(CellText.fit(text, width: width, alignRight: alignRight, ellipsis: glyphs.ellipsis), style)
    }

    /// Appends `count` blanks.
    public mutating func pad(_ count: Int, _ style: Style) {
        if count > 0 { add(String(repeating: " ", count: count), style) }
    }

    /// The line fitted to exactly `width` cells: cut at the last span that fits, or padded in `fill`.
    public func build(width: Int, fill: Style) -> StyledLine {
        var out: [Span] = []
        var remaining = width
        for span in spans where remaining > 0 {
            let w = span.width
            if w <= remaining {
                out.append(span); remaining -= w
            } else {
                out.append(Span(CellText.prefix(span.text, width: remaining), span.style))
                remaining -= CellText.width(out.last!.text)
                if remaining > 0 { out.append(Span(String(repeating: " ", count: remaining), span.style)); remaining = 0 }
            }
        }
        if remaining > 0 { out.append(Span(String(repeating: " ", count: remaining), fill)) }
        return StyledLine(out)
    }
}

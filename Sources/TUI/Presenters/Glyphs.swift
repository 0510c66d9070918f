// The characters the explorer draws with: UTF-8 boxes and blocks, or plain ASCII when the
// locale cannot show them (a `C` locale over SSH, an old terminal).

/// Box, bar and mark characters for one character set.
public struct Glyphs: Sendable, Equatable {
    /// Whether these are the UTF-8 glyphs.
    public let unicode: Bool
    /// Horizontal and vertical box lines.
    public let horizontal: String, vertical: String
    /// Box corners: top-left, top-right, bottom-left, bottom-right.
    public let topLeft: String, topRight: String, bottomLeft: String, bottomRight: String
    /// A full bar cell.
    public let barFull: String
    /// Partial bar cells, 1/8 to 7/8 (empty in ASCII, where bars round to whole cells).
    public let barEighths: [String]
    /// The empty part of a progress bar.
    public let barEmpty: String
    /// The detector mark.
    public let mark: String
    /// Sort direction arrows.
    public let arrowDown: String, arrowUp: String
    /// The truncation mark.
    public let ellipsis: String
    /// Separator between items in a title or status line.
    public let dot: String
    /// Scroll indicator thumb.
    public let thumb: String

    /// Box drawing and block elements.
    public static let utf8 = Glyphs(
        unicode: true, horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐",
        bottomLeft: "└", bottomRight: "┘", barFull: "█",
        barEighths: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"], barEmpty: "░", mark: "●",
        arrowDown: "↓", arrowUp: "↑", ellipsis: "…", dot: "·", thumb: "┃")

    /// Seven-bit ASCII only.
    public static let ascii = Glyphs(
        unicode: false, horizontal: "-", vertical: "|", topLeft: "+", topRight: "+",
        bottomLeft: "+", bottomRight: "+", barFull: "#", barEighths: [], barEmpty: ".",
        mark: "*", arrowDown: "v", arrowUp: "^", ellipsis: "~", dot: "|", thumb: "#")

    /// A horizontal bar `fraction` (0...1) of `width` cells long, padded to `width` with blanks.
    public func bar(fraction: Double, width: Int) -> (filled: String, rest: String) {
        guard width > 0 else { return ("", "") }
        let f = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        if barEighths.isEmpty {
            let cells = Int((f * Double(width)).rounded())
            return (String(repeating: barFull, count: cells), String(repeating: " ", count: width - cells))
        }
        let eighths = Int((f * Double(width) * 8).rounded())
        let full = eighths / 8, part = eighths % 8
        var filled = String(repeating: barFull, count: full)
        var used = full
        if part > 0 && used < width { filled += barEighths[part - 1]; used += 1 }
        return (filled, String(repeating: " ", count: width - used))
    }
}

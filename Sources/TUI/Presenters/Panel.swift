// A bordered pane: a title in the top border, content inside, a scroll position on the right.

/// Draws a pane's border around its content.
public enum Panel {
    /// `content` inside a border of `size`, titled `title` (spans, fitted to the border).
    ///
    /// - Parameters:
    ///   - scroll: (first visible row, rows in all, rows visible) to draw a position thumb on
    ///     the right border when the content scrolls.
    public static func framed(title: [Span], content: [StyledLine], height: Int, width: Int,
                              focused: Bool, theme: Theme, glyphs: Glyphs,
                              scroll: (offset: Int, total: Int, visible: Int)? = nil) -> [StyledLine] {
        guard height >= 2, width >= 2 else { return [] }
        let border = theme.border(focused: focused)
        let innerWidth = width - 2
        var top = LineBuilder()
        top.add(glyphs.topLeft, border)
        var titleWidth = 0
        if innerWidth >= 4 {
            top.add(glyphs.horizontal, border)
            var t = LineBuilder()
            t.add(" ", border)
            for span in title { t.add(span.text, span.style) }
            t.add(" ", border)
            let fitted = t.build(width: min(t.width, innerWidth - 2), fill: border)
            for span in fitted.spans { top.add(span.text, span.style) }
            titleWidth = fitted.width + 1
        }
        top.add(String(repeating: glyphs.horizontal, count: max(0, innerWidth - titleWidth)), border)
        top.add(glyphs.topRight, border)
        var lines = [top.build(width: width, fill: border)]

        let innerHeight = height - 2
        var thumb: ClosedRange<Int>? = nil
        if let s = scroll, s.total > s.visible, innerHeight > 0 {
            let size = max(1, innerHeight * s.visible / s.total)
            let maxStart = innerHeight - size
            let start = s.total - s.visible > 0 ? maxStart * s.offset / (s.total - s.visible) : 0
            thumb = start...(start + size - 1)
        }
        for i in 0..<innerHeight {
            var b = LineBuilder()
            b.add(glyphs.vertical, border)
            let row = i < content.count ? content[i] : StyledLine.blank(innerWidth, theme.normal)
            let fitted = LineBuilder.fitted(row, width: innerWidth, fill: theme.normal)
            for span in fitted.spans { b.add(span.text, span.style) }
            b.add(thumb?.contains(i) == true ? glyphs.thumb : glyphs.vertical, border)
            lines.append(b.build(width: width, fill: border))
        }
        var bottom = LineBuilder()
        bottom.add(glyphs.bottomLeft + String(repeating: glyphs.horizontal, count: innerWidth) + glyphs.bottomRight, border)
        lines.append(bottom.build(width: width, fill: border))
        return lines
    }
}

extension LineBuilder {
    /// `line` cut or padded to exactly `width` cells.
    public static func fitted(_ line: StyledLine, width: Int, fill: Style) -> StyledLine {
        var b = LineBuilder()
        for span in line.spans { b.add(span.text, span.style) }
        return b.build(width: width, fill: fill)
    }
}

// The help overlay, generated from the key-binding table so it cannot drift from what the keys do.

/// Presents the help overlay.
public enum HelpPresenter {
    /// Every help line, before scrolling.
    public static func lines(theme: Theme, glyphs: Glyphs, width: Int) -> [StyledLine] {
        let style = theme.overlay
        var out: [StyledLine] = []
        let keyWidth = min(26, max(12, width / 3))
        for (scope, bindings) in KeyBindings.sections {
            if !out.isEmpty { out.append(.blank(width, style)) }
            var h = LineBuilder()
            h.add(scope.title, theme.title.bg(style.bg))
            out.append(h.build(width: width, fill: style))
            for b in bindings {
                var l = LineBuilder()
                let keys = b.keys.map { $0.label(unicode: glyphs.unicode) }.joined(separator: " ")
                l.add("  " + keys, theme.key.bg(style.bg), width: keyWidth, glyphs: glyphs)
                l.add(b.help, style)
                out.append(l.build(width: width, fill: style))
            }
        }
        out.append(.blank(width, style))
        // Wrapped to the box, so that a narrow one does not cut the sentence.
        for text in AboutPresenter.wrap("Mouse: click selects, double-click opens, the wheel scrolls, a click on a heading sorts.",
                                        width: max(1, width)) {
            var m = LineBuilder()
            m.add(text, theme.dim.bg(style.bg))
            out.append(m.build(width: width, fill: style))
        }
        return out
    }

    /// The overlay box at `height` x `width`, scrolled to `offset` (clamped).
    public static func present(offset: Int, theme: Theme, glyphs: Glyphs, height: Int, width: Int) -> [StyledLine] {
        let inner = max(0, width - 2)
        let all = lines(theme: theme, glyphs: glyphs, width: inner)
        let visible = max(0, height - 2)
        let start = min(max(0, offset), max(0, all.count - visible))
        let shown = Array(all.dropFirst(start).prefix(visible))
        var overlayTheme = theme
        overlayTheme[.mainBG] = theme[.overlayBG]
        return Panel.framed(title: [Span("Keys", theme.title.bg(theme[.overlayBG])),
                                    Span(" \(glyphs.dot) Esc closes", theme.dim.bg(theme[.overlayBG]))],
                            content: shown, height: height, width: width, focused: true,
                            theme: overlayTheme, glyphs: glyphs, scroll: (start, all.count, visible))
    }
}

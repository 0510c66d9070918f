// Small boxes: the quit confirmation, the tab row of narrow screens, and the too-small message.

/// Presents dialogs and the narrow-screen tabs.
public enum DialogPresenter {
    /// "Stop the run and quit?", as a box of `width` cells (height 6), saying what the run
    /// started here is doing now (`phase`: the dialog stays open while the run goes on).
    public static func confirmQuit(phase: ProgressInfo.Phase?, theme: Theme, glyphs: Glyphs, width: Int) -> [StyledLine] {
        let bg = theme[.overlayBG]
        let normal = theme.normal.bg(bg)
        let inner = max(0, width - 2)
        var lines: [StyledLine] = []
        let state: String, live: Bool
        switch phase {
        case .paused?: (state, live) = ("A dissection started here is paused.", true)
        case .finished?: (state, live) = ("The dissection started here has finished.", false)
        case .cancelled?, .failed?, .writerGone?: (state, live) = ("The dissection started here has stopped.", false)
        case .running?, nil: (state, live) = ("A dissection started here is still running.", true)
        }
        let consequence = live ? "Quitting stops it; what it has written is kept." : "Nothing is lost by quitting."
        for (text, style) in [(state, normal), (consequence, theme.dim.bg(bg))] {
            var l = LineBuilder(); l.pad(1, normal); l.add(text, style)
            lines.append(l.build(width: inner, fill: normal))
        }
        lines.append(.blank(inner, normal))
        var choice = LineBuilder()
        choice.pad(1, normal)
        choice.add("y", theme.key.bg(bg)); choice.add(live ? " stop and quit    " : " quit    ", normal)
        choice.add("n", theme.key.bg(bg)); choice.add(live ? " keep running" : " stay", normal)
        lines.append(choice.build(width: inner, fill: normal))
        var overlayTheme = theme
        overlayTheme[.mainBG] = bg
        return Panel.framed(title: [Span("Quit?", theme.warning.bg(bg))], content: lines, height: 6, width: width,
                            focused: true, theme: overlayTheme, glyphs: glyphs)
    }

    /// The tab row of the narrow layout: each pane's title, the focused one highlighted.
    public static func tabs(focus: PaneID, theme: Theme, glyphs: Glyphs, width: Int) -> StyledLine {
        let all = PaneID.allCases
        let cell = width / all.count
        var b = LineBuilder()
        for (i, pane) in all.enumerated() {
            let w = i == all.count - 1 ? width - b.width : cell
            let style = pane == focus ? theme.selected : theme.dim
            b.add(CellText.fit(" " + pane.title, width: w, ellipsis: glyphs.ellipsis), style)
        }
        return b.build(width: width, fill: theme.normal)
    }

    /// The pane whose tab is at column `x` of a tab row `width` wide.
    public static func tab(atColumn x: Int, width: Int) -> PaneID? {
        let all = PaneID.allCases
        let cell = max(1, width / all.count)
        return all.indices.contains(x / cell) ? all[x / cell] : all.last
    }

    /// The message shown when the terminal is smaller than 40x12.
    public static func tooSmall(size: TerminalSize, theme: Theme) -> [StyledLine] {
        let text = ["netdissect needs at least", "\(Layout.minimum.columns)x\(Layout.minimum.rows);",
                    "this is \(size.columns)x\(size.rows). q quits."]
        var lines = Array(repeating: StyledLine.blank(size.columns, theme.normal), count: max(0, size.rows))
        for (i, t) in text.enumerated() where i + size.rows / 2 - 1 < size.rows && i + size.rows / 2 - 1 >= 0 {
            var l = LineBuilder()
            l.pad(max(0, (size.columns - CellText.width(t)) / 2), theme.normal)
            l.add(t, i == 0 ? theme.normal : theme.warning)
            lines[i + size.rows / 2 - 1] = l.build(width: size.columns, fill: theme.normal)
        }
        return lines
    }
}

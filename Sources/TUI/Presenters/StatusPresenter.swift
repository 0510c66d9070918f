// The bottom line: the search prompt while typing, a transient note, or key hints for the
// focused pane taken from the binding table.

/// Presents the status line.
public enum StatusPresenter {
    /// The hints for a pane: (action, what to say), keys looked up in the binding table.
    static func hints(for focus: PaneID, overlay: Overlay?, drivesRun: Bool) -> [(Action, BindingScope, String)] {
        switch overlay {
        case .help?: return [(.back, .help, "close"), (.down, .global, "scroll")]
        case .viewer?: return [(.nextImage, .viewer, "next"), (.previousImage, .viewer, "previous"), (.back, .viewer, "close")]
        case .about?: return [(.help, .global, "keys"), (.quit, .global, "quit")]
        case .confirmQuit?: return []
        case .compare?: return [(.down, .global, "next unit"), (.up, .global, "previous unit"), (.back, .global, "close")]
        case .rotation?: return [(.back, .global, "close")]
        case nil: break
        }
        var list: [(Action, BindingScope, String)] = []
        switch focus {
        case .layers: list = [(.open, .global, "units"), (.down, .global, "move")]
        case .units: list = [(.open, .global, "images"), (.sortNext, .units, "sort"), (.filterCategory, .units, "category"),
                             (.detectorsOnly, .units, "detectors"), (.search, .units, "search")]
        case .breakdown: list = [(.open, .global, "filter units"), (.down, .global, "move")]
        case .detail: list = [(.nextImage, .detail, "image"), (.open, .global, "larger")]
        }
        list += [(.nextPane, .global, "pane")]
        if drivesRun { list.append((.pauseResume, .global, "pause")) }
        list += [(.help, .global, "help"), (.quit, .global, "quit")]
        return list
    }

    /// The status line, exactly `width` cells, and the cursor column when the prompt is open.
    public static func present(prompt: SearchPrompt?, matches: Int, note: StatusNote?, focus: PaneID, overlay: Overlay?,
                               drivesRun: Bool, theme: Theme, glyphs: Glyphs, width: Int) -> (StyledLine, cursor: Int?) {
        var b = LineBuilder()
        if let prompt {
            b.add("/", theme.key)
            b.add(prompt.text, theme.normal)
            let cursor = b.width
            b.add(" ", theme.normal)
            b.add(prompt.text.isEmpty ? " type a label" : " \(matches) match\(matches == 1 ? "" : "es")", theme.dim)
            b.add("  Enter keep  Esc cancel", theme.dim)
            return (b.build(width: width, fill: theme.normal), min(cursor, max(0, width - 1)))
        }
        if let note {
            let style = note.level == .error ? theme.error : note.level == .warning ? theme.warning : theme.normal
            b.add(" " + note.text, style)
            return (b.build(width: width, fill: theme.normal), nil)
        }
        // Drop pane hints from the end until the rest fits; help and quit stay last.
        var items = hints(for: focus, overlay: overlay, drivesRun: drivesRun).compactMap { (action, scope, text) -> (String, String)? in
            guard let key = KeyBindings.keys(for: action, in: scope).first else { return nil }
            return (" " + key.label(unicode: glyphs.unicode), " " + text + " ")
        }
        func total() -> Int { items.reduce(0) { $0 + CellText.width($1.0) + CellText.width($1.1) } }
        let kept = overlay == nil || overlay == .about ? 2 : 0
        while total() > width, items.count > kept + 1 { items.remove(at: items.count - kept - 1) }
        for (key, text) in items {
            b.add(key, theme.key)
            b.add(text, theme.dim)
        }
        return (b.build(width: width, fill: theme.normal), nil)
    }
}

// The key-binding table: the one place that says which key does what. The update function looks
// actions up here, the help overlay and the README's key table are generated from it, so help
// can never drift from behaviour.

/// What a key asks for.
public enum Action: String, Hashable, Sendable, CaseIterable {
    case up, down, pageUp, pageDown, top, bottom
    case nextPane, previousPane, paneLeft, paneRight
    case open, back
    case sortNext, sortReverse, filterCategory, filterCategoryBack, detectorsOnly, clearFilters
    case search, nextMatch, previousMatch
    case previousImage, nextImage, formulaOutline
    case help, about, pauseResume, quit
    case compare, rotation
}

/// Where a binding applies. Bindings of a narrower scope win over global ones.
public enum BindingScope: String, Sendable, CaseIterable {
    /// Everywhere (unless a narrower scope binds the same key).
    case global
    /// The units table.
    case units
    /// The unit detail pane.
    case detail
    /// The larger image view.
    case viewer
    /// The help overlay.
    case help

    /// The heading of this scope's section in help.
    public var title: String {
        switch self {
        case .global: "Anywhere"
        case .units: "Units table"
        case .detail: "Unit detail"
        case .viewer: "Larger image view"
        case .help: "Help"
        }
    }
}

/// One row of the binding table.
public struct KeyBinding: Sendable {
    /// The keys, the first being the one shown first.
    public var keys: [Key]
    /// What they do.
    public var action: Action
    /// Where.
    public var scope: BindingScope
    /// What help says.
    public var help: String

    /// A binding from its parts.
    public init(_ keys: [Key], _ action: Action, _ scope: BindingScope, _ help: String) {
        self.keys = keys; self.action = action; self.scope = scope; self.help = help
    }
}

/// The explorer's key bindings.
public enum KeyBindings {
    /// Every binding, in the order help lists them.
    public static let table: [KeyBinding] = [
        KeyBinding([.up, .char("k")], .up, .global, "move up"),
        KeyBinding([.down, .char("j")], .down, .global, "move down"),
        KeyBinding([.pageUp, .ctrl("b")], .pageUp, .global, "page up"),
        KeyBinding([.pageDown, .ctrl("f")], .pageDown, .global, "page down"),
        KeyBinding([.char("g"), .home], .top, .global, "first row"),
        KeyBinding([.char("G"), .end], .bottom, .global, "last row"),
        KeyBinding([.tab], .nextPane, .global, "next pane"),
        KeyBinding([.backTab], .previousPane, .global, "previous pane"),
        KeyBinding([.left, .char("h")], .paneLeft, .global, "pane to the left"),
        KeyBinding([.right, .char("l")], .paneRight, .global, "pane to the right"),
        KeyBinding([.enter], .open, .global, "open: layer's units, unit's images, larger view"),
        KeyBinding([.escape], .back, .global, "close, clear the search, or go back a pane"),
        KeyBinding([.char("?")], .help, .global, "this help"),
        KeyBinding([.char("i")], .about, .global, "about this run: what the numbers mean"),
        KeyBinding([.char("p")], .pauseResume, .global, "pause or resume a run started here"),
        KeyBinding([.char("q"), .ctrl("c")], .quit, .global, "quit (asks first if that stops a run)"),
        KeyBinding([.char("v")], .compare, .global, "the selected unit in the --compare runs"),
        KeyBinding([.char("a")], .rotation, .global, "unique detectors against alpha (rotation runs)"),
        KeyBinding([.char("s")], .sortNext, .units, "sort by IoU, unit, label, category"),
        KeyBinding([.char("r")], .sortReverse, .units, "reverse the sort"),
        KeyBinding([.char("c")], .filterCategory, .units, "show one category (cycles)"),
        KeyBinding([.char("C")], .filterCategoryBack, .units, "category filter backwards"),
        KeyBinding([.char("d")], .detectorsOnly, .units, "detectors only, on or off"),
        KeyBinding([.char("x")], .clearFilters, .units, "clear filters and search"),
        KeyBinding([.char("/")], .search, .units, "search labels"),
        KeyBinding([.char("n")], .nextMatch, .units, "next match"),
        KeyBinding([.char("N")], .previousMatch, .units, "previous match"),
        KeyBinding([.left, .char("h")], .previousImage, .detail, "previous image"),
        KeyBinding([.right, .char("l")], .nextImage, .detail, "next image"),
        KeyBinding([.left, .char("h"), .up, .char("k")], .previousImage, .viewer, "previous image"),
        KeyBinding([.right, .char("l"), .down, .char("j")], .nextImage, .viewer, "next image"),
        KeyBinding([.char("f")], .formulaOutline, .viewer, "outline the unit's formula beside its mask"),
        KeyBinding([.escape, .enter, .char("q")], .back, .viewer, "close the larger view"),
        KeyBinding([.escape, .char("?"), .char("q")], .back, .help, "close help"),
    ]

    /// The action `key` triggers in `scopes` (narrowest first), or nil.
    public static func action(for key: Key, in scopes: [BindingScope]) -> Action? {
        for scope in scopes {
            if let b = table.first(where: { $0.scope == scope && $0.keys.contains(key) }) { return b.action }
        }
        return nil
    }

    /// The keys bound to `action` in `scope`, for hints.
    public static func keys(for action: Action, in scope: BindingScope = .global) -> [Key] {
        table.first(where: { $0.action == action && $0.scope == scope })?.keys ?? []
    }

    /// The bindings grouped by scope, in table order: what help shows.
    public static var sections: [(scope: BindingScope, bindings: [KeyBinding])] {
        BindingScope.allCases.compactMap { scope in
            let rows = table.filter { $0.scope == scope }
            return rows.isEmpty ? nil : (scope, rows)
        }
    }

    /// The table as Markdown, as the README's "Keys" section carries it (a test compares them).
    public static func markdown() -> String {
        var out = ""
        for (scope, rows) in sections {
            out += "\n**\(scope.title)**\n\n| keys | action |\n|---|---|\n"
            for b in rows {
                let keys = b.keys.map { "`\($0.label(unicode: false))`" }.joined(separator: " ")
                out += "| \(keys) | \(b.help) |\n"
            }
        }
        return out
    }
}

// Keys and mouse events as the explorer sees them, decoded from ncurses by the screen.

public enum Key: Hashable, Sendable {
    /// A printable character.
    case char(Character)
    /// Control plus a letter (`ctrl("c")`).
    case ctrl(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    /// A function key, 1-based.
    case function(Int)

    /// How the key is written in help and the README (`j`, `↓`, `PgDn`, `Ctrl-c`).
    public func label(unicode: Bool = true) -> String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "Ctrl-\(c)"
        case .up: unicode ? "↑" : "Up"
        case .down: unicode ? "↓" : "Down"
        case .left: unicode ? "←" : "Left"
        case .right: unicode ? "→" : "Right"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .backspace: "Backspace"
        case .delete: "Del"
        case .function(let n): "F\(n)"
        }
    }
}

/// A mouse event at a screen cell (0-based row and column).
public struct MouseEvent: Hashable, Sendable {
    /// What happened.
    public enum Kind: Hashable, Sendable {
        /// A left click.
        case click
        /// A left double click.
        case doubleClick
        /// The wheel turned up (scroll towards the top).
        case wheelUp
        /// The wheel turned down.
        case wheelDown
    }

    /// What happened.
    public var kind: Kind
    /// Row, from 0 at the top.
    public var row: Int
    /// Column, from 0 at the left.
    public var column: Int

    /// An event from its parts.
    public init(_ kind: Kind, row: Int, column: Int) {
        self.kind = kind; self.row = row; self.column = column
    }
}

// Where each pane goes for a terminal size: a pure function, used both to draw and to map mouse
// clicks and page sizes back to panes.
//
// Wide (at least 70x18): the run line on top, the status line at the bottom; on the left the
// layers above the concept breakdown, on the right the units table above the unit detail.
// Narrow (down to 40x12): one pane at a time under a row of tabs. Smaller: a message.

/// A rectangle of cells.
public struct Rect: Hashable, Sendable {
    /// Top row.
    public var row: Int
    /// Left column.
    public var column: Int
    /// Rows.
    public var height: Int
    /// Columns.
    public var width: Int

    /// A rectangle from its parts.
    public init(row: Int, column: Int, height: Int, width: Int) {
        self.row = row; self.column = column; self.height = max(0, height); self.width = max(0, width)
    }

    /// Whether the cell at (`row`, `column`) is inside.
    public func contains(row r: Int, column c: Int) -> Bool {
        r >= row && r < row + height && c >= column && c < column + width
    }

    /// The rectangle shrunk by `n` cells on every side (the inside of a border).
    public func inset(_ n: Int) -> Rect {
        Rect(row: row + n, column: column + n, height: height - 2 * n, width: width - 2 * n)
    }

    /// Whether the two rectangles share a cell.
    public func intersects(_ o: Rect) -> Bool {
        row < o.row + o.height && o.row < row + height && column < o.column + o.width && o.column < column + width
    }
}

/// A terminal size in cells.
public struct TerminalSize: Hashable, Sendable {
    public var rows: Int
    public var columns: Int

    /// A size from its parts.
    public init(rows: Int, columns: Int) { self.rows = rows; self.columns = columns }
}

/// The placement of every part of the screen.
public struct Layout: Hashable, Sendable {
    /// How the screen is arranged.
    public enum Mode: Hashable, Sendable {
        /// All four panes at once.
        case wide
        /// One pane at a time, with tabs.
        case narrow
        /// Smaller than 40x12: only a message.
        case tooSmall
    }

    /// The smallest usable size.
    public static let minimum = TerminalSize(rows: 12, columns: 40)
    /// The smallest size that shows all panes.
    public static let wideMinimum = TerminalSize(rows: 18, columns: 70)

    public var mode: Mode
    /// The whole screen.
    public var size: TerminalSize
    /// The run line (top row).
    public var header: Rect
    /// The status line (bottom row).
    public var status: Rect
    /// The tab row in narrow mode.
    public var tabs: Rect?
    /// The panes on screen and where (only the focused one in narrow mode).
    public var panes: [PaneID: Rect]

    /// The layout for `size`, with `focus` shown in narrow mode, the layers pane sized for
    /// `layerCount` rows, and the units table for `unitRows` (nil: as many as fit).
    public init(size: TerminalSize, focus: PaneID, layerCount: Int, unitRows: Int? = nil) {
        self.size = size
        header = Rect(row: 0, column: 0, height: 1, width: size.columns)
        status = Rect(row: size.rows - 1, column: 0, height: 1, width: size.columns)
        panes = [:]
        tabs = nil
        if size.rows < Self.minimum.rows || size.columns < Self.minimum.columns {
            mode = .tooSmall
            return
        }
        let bodyTop = 1
        let bodyHeight = size.rows - 2
        if size.rows < Self.wideMinimum.rows || size.columns < Self.wideMinimum.columns {
            mode = .narrow
            tabs = Rect(row: bodyTop, column: 0, height: 1, width: size.columns)
            panes[focus] = Rect(row: bodyTop + 1, column: 0, height: bodyHeight - 1, width: size.columns)
            return
        }
        mode = .wide
        let left = min(max(size.columns * 36 / 100, 28), 44)
        let right = size.columns - left
        let layersHeight = min(max(layerCount + 3, 5), bodyHeight / 2)
        panes[.layers] = Rect(row: bodyTop, column: 0, height: layersHeight, width: left)
        panes[.breakdown] = Rect(row: bodyTop + layersHeight, column: 0, height: bodyHeight - layersHeight, width: left)
        // The unit's pictures get about half the height (at least 16 rows when there is room, two
        // fifths on a tall terminal), and every row the units table would leave empty.
        let shared = max(min(bodyHeight / 2 + 1, 16), bodyHeight * 2 / 5)
        let unitsNeed = unitRows.map { $0 + 3 } ?? bodyHeight
        let detailHeight = min(max(shared, bodyHeight - unitsNeed), bodyHeight - 6)
        panes[.units] = Rect(row: bodyTop, column: left, height: bodyHeight - detailHeight, width: right)
        panes[.detail] = Rect(row: bodyTop + bodyHeight - detailHeight, column: left, height: detailHeight, width: right)
    }

    /// Rows a list pane shows at once (inside the border, below any column heading).
    public func visibleRows(_ pane: PaneID) -> Int {
        guard let rect = panes[pane] else {
            // Not on screen (narrow mode, another pane focused): use the size it would have.
            return max(1, size.rows - 6)
        }
        let inner = rect.inset(1).height
        return max(1, pane == .units || pane == .layers ? inner - 1 : inner)
    }

    /// The pane under the cell (`row`, `column`), if any.
    public func pane(atRow row: Int, column: Int) -> PaneID? {
        panes.first(where: { $0.value.contains(row: row, column: column) })?.key
    }
}

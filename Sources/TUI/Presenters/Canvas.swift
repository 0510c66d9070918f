// A grid of styled cells that pane outputs are copied onto, then read back as lines.
//
// Panes and overlays are presented separately, each into its own rectangle; the canvas puts them
// together. A wide character takes two cells: the second holds an empty continuation, and
// anything written over half of a wide character blanks the other half, as terminals do.

/// A screen-sized grid of styled cells.
public struct Canvas: Sendable {
    /// One cell: its text ("" for the right half of a wide character) and style.
    struct Cell: Hashable, Sendable {
        var text: String
        var style: Style
    }

    public let rows: Int
    public let columns: Int
    private var cells: [Cell]

    /// A canvas of blanks in `style`.
    public init(rows: Int, columns: Int, fill style: Style) {
        self.rows = max(0, rows); self.columns = max(0, columns)
        cells = Array(repeating: Cell(text: " ", style: style), count: self.rows * self.columns)
    }

    /// Copies `lines` onto the canvas with their top-left corner at `rect`'s, clipped to `rect`.
    public mutating func draw(_ lines: [StyledLine], in rect: Rect) {
        for (i, line) in lines.prefix(rect.height).enumerated() {
            draw(line, row: rect.row + i, column: rect.column, width: rect.width)
        }
    }

    /// Copies one line at (`row`, `column`), at most `width` cells.
    public mutating func draw(_ line: StyledLine, row: Int, column: Int, width: Int) {
        guard row >= 0, row < rows else { return }
        var c = column
        let end = min(columns, column + width)
        for span in line.spans {
            for scalar in span.text.unicodeScalars {
                let w = CellText.width(of: scalar)
                if w == 0 {
                    // A combining mark joins the previous cell's text.
                    if c > column, c - 1 < end, c - 1 >= 0 { cells[row * columns + c - 1].text.unicodeScalars.append(scalar) }
                    continue
                }
                guard c + w <= end else { return }
                if c >= 0 { put(row: row, column: c, text: String(scalar), style: span.style, wide: w == 2) }
                c += w
            }
        }
    }

    private mutating func put(row: Int, column: Int, text: String, style: Style, wide: Bool) {
        let i = row * columns + column
        // Writing over the right half of a wide character blanks its left half.
        if cells[i].text.isEmpty, column > 0 { cells[i - 1] = Cell(text: " ", style: cells[i - 1].style) }
        // Writing over the left half of a wide character blanks its right half.
        if !wide, column + 1 < columns, cells[i + 1].text.isEmpty { cells[i + 1] = Cell(text: " ", style: cells[i + 1].style) }
        cells[i] = Cell(text: text, style: style)
        if wide {
            if column + 2 < columns, cells[i + 2].text.isEmpty { cells[i + 2] = Cell(text: " ", style: cells[i + 2].style) }
            cells[i + 1] = Cell(text: "", style: style)
        }
    }

    /// Fills `rect` with blanks in `style`.
    public mutating func fill(_ rect: Rect, style: Style) {
        for r in max(rect.row, 0)..<min(rect.row + rect.height, rows) {
            draw(StyledLine.blank(rect.width, style), row: r, column: rect.column, width: rect.width)
        }
    }

    /// Row `row` as a line, adjacent cells of one style merged into one span.
    public func line(_ row: Int) -> StyledLine {
        var spans: [Span] = []
        for c in 0..<columns {
            let cell = cells[row * columns + c]
            if cell.text.isEmpty { continue }
            if let last = spans.last, last.style == cell.style {
                spans[spans.count - 1].text += cell.text
            } else {
                spans.append(Span(cell.text, cell.style))
            }
        }
        return StyledLine(spans)
    }

    /// Every row as a line.
    public var lines: [StyledLine] { (0..<rows).map(line) }
}

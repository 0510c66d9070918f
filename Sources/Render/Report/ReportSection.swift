// A section of a report's index page, above the layer table, for what a run holds beyond its
// layers (an experiment's curve and numbers): a heading, a note, a line chart, a table and a
// footnote, as plain values. `HTMLReport` renders it with the rest of the page, so report HTML
// and its class names are written in Render alone.

/// One column of a section's table.
public struct ReportColumn: Sendable, Equatable {
    public var title: String
    /// Whether the cells are figures (right-aligned, tabular digits).
    public var numeric: Bool

    /// A column headed `title`.
    public init(_ title: String, numeric: Bool = false) {
        self.title = title; self.numeric = numeric
    }
}

/// A table of text cells.
public struct ReportTable: Sendable, Equatable {
    public var columns: [ReportColumn]
    /// The rows, one cell per column (plain text; escaped when written).
    public var rows: [[String]]

    /// A table; every row has one cell per column.
    public init(columns: [ReportColumn], rows: [[String]]) {
        precondition(rows.allSatisfy { $0.count == columns.count }, "ReportTable: a row does not have \(columns.count) cells")
        self.columns = columns; self.rows = rows
    }
}

/// A section of the index page.
public struct ReportSection: Sendable, Equatable {
    public var title: String
    /// A paragraph under the heading (plain text), or nil.
    public var note: String?
    /// A chart, or nil.
    public var chart: LineChart?
    /// A table under the chart, or nil.
    public var table: ReportTable?
    /// A paragraph at the end (plain text), or nil.
    public var footnote: String?

    /// A section; the parts left nil are not written.
    public init(title: String, note: String? = nil, chart: LineChart? = nil, table: ReportTable? = nil,
                footnote: String? = nil) {
        self.title = title; self.note = note; self.chart = chart; self.table = table; self.footnote = footnote
    }
}

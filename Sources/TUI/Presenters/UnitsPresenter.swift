// The units table: unit, label, category, IoU and a detector mark, sorted and filtered, with
// search matches highlighted. `UnitsColumns` is shared with the mouse handling so a click on a
// heading sorts by the column under it.
import Render

/// Where the columns of the units table are, for a given inner width.
public struct UnitsColumns: Sendable {
    /// Column ranges (start, width) inside the pane's border; `bar` is 0-wide when there is no room.
    public var mark: (Int, Int) { (0, 2) }
    /// The unit number.
    public var unit: (Int, Int) { (2, 6) }
    /// The label (flexible).
    public let label: (Int, Int)
    /// The category (0-wide when narrow).
    public let category: (Int, Int)
    /// The IoU.
    public let iou: (Int, Int)
    /// A small IoU bar.
    public let bar: (Int, Int)

    /// The columns for `width` cells.
    public init(width: Int) {
        let categoryWidth = width >= 36 ? 10 : 0
        let barWidth = width >= 60 ? min(12, width / 8) : 0
        let iouWidth = 6
        let labelWidth = max(4, width - 9 - categoryWidth - iouWidth - barWidth - (barWidth > 0 ? 1 : 0))
        label = (9, labelWidth)
        category = (9 + labelWidth, categoryWidth)
        iou = (9 + labelWidth + categoryWidth, iouWidth)
        bar = (9 + labelWidth + categoryWidth + iouWidth + 1, barWidth)
    }

    /// The sort column under inner column `x`, if any.
    public func sort(at x: Int) -> UnitSort? {
        func within(_ c: (Int, Int)) -> Bool { c.1 > 0 && x >= c.0 && x < c.0 + c.1 }
        if within(unit) || x < 2 { return .unit }
        if within(label) { return .label }
        if within(category) { return .category }
        if within(iou) || within(bar) { return .iou }
        return nil
    }
}

/// Presents the units table.
public enum UnitsPresenter {
    /// The pane, border included.
    ///
    /// - Parameters:
    ///   - layer: the selected layer's name and whether its results are provisional.
    ///   - live: whether the run is still computing (changes what an empty table says).
    public static func present(_ pane: UnitsPane, layer: (name: String, unitCount: Int, provisional: Bool)?,
                               threshold: Double, live: Bool, theme: Theme, glyphs: Glyphs,
                               height: Int, width: Int, focused: Bool) -> [StyledLine] {
        let inner = max(0, width - 2)
        let visible = max(0, height - 3)
        let columns = UnitsColumns(width: inner)
        var content: [StyledLine] = [heading(pane, columns: columns, theme: theme, glyphs: glyphs, width: inner)]
        if pane.rows.isEmpty {
            var b = LineBuilder()
            let filtered = pane.category != nil || pane.detectorsOnly
            let text = layer == nil ? "no layer selected"
                : filtered ? "no units match the filters (x clears them)"
                : live ? "no units scored yet: results appear at the first checkpoint"
                : "this layer has no results"
            b.add(" " + text, theme.dim)
            content.append(b.build(width: inner, fill: theme.normal))
        }
        let matchSet = Set(pane.matches)
        for row in pane.cursor.offset..<min(pane.rows.count, pane.cursor.offset + visible) {
            let unit = pane.rows[row]
            let isSelected = row == pane.cursor.selected
            let base = isSelected ? (focused ? theme.selected : theme.selectedInactive) : theme.normal
            let isDetector = unit.iou >= threshold
            var b = LineBuilder()
            b.add(isDetector ? glyphs.mark : " ", isSelected ? base : theme.detector, width: columns.mark.1, glyphs: glyphs)
            b.add("\(unit.unit)", isSelected ? base : theme.dim, width: columns.unit.1 - 1, alignRight: true, glyphs: glyphs)
            b.pad(1, base)
            let labelStyle = matchSet.contains(row) ? theme.match.bg(base.bg) : base
            // A label cut to its column keeps one blank before the category (it used to run into it).
            b.add(unit.label.isEmpty ? "-" : unit.label, labelStyle, width: columns.label.1 - 1, glyphs: glyphs)
            b.pad(1, base)
            if columns.category.1 > 0 {
                b.add(unit.category, isSelected ? base : theme.category(unit.category), width: columns.category.1, glyphs: glyphs)
            }
            b.add(formatIoU(unit.iou), isSelected ? base : theme.iou(unit.iou, threshold: threshold),
                  width: columns.iou.1 - 1, alignRight: true, glyphs: glyphs)
            b.pad(1, base)
            if columns.bar.1 > 0 {
                b.pad(1, base)
                let (filled, rest) = glyphs.bar(fraction: unit.iou / 0.3, width: columns.bar.1)
                b.add(filled, isSelected ? base : theme.iou(unit.iou, threshold: threshold))
                b.add(rest, base)
            }
            content.append(b.build(width: inner, fill: base))
        }
        // Most telling first: the title is cut at the pane's width.
        var title: [Span] = [Span(layer?.name ?? "Units", theme.title)]
        if let layer, layer.provisional { title.append(Span(" provisional", theme.warning)) }
        let arrow = (pane.sort.descendingByDefault != pane.reversed) ? glyphs.arrowDown : glyphs.arrowUp
        title.append(Span(" \(glyphs.dot) \(pane.rows.count) units", theme.dim))
        title.append(Span(" \(glyphs.dot) \(pane.sort.title)\(arrow)", theme.dim))
        if !pane.query.isEmpty {
            title.append(Span(" \(glyphs.dot) /\(CellText.sanitized(pane.query)) \(pane.matches.count)", theme.match))
        }
        if let category = pane.category { title.append(Span(" \(glyphs.dot) \(category)", theme.category(category))) }
        if pane.detectorsOnly { title.append(Span(" \(glyphs.dot) detectors", theme.detector)) }
        return Panel.framed(title: title, content: content, height: height, width: width, focused: focused,
                            theme: theme, glyphs: glyphs, scroll: (pane.cursor.offset, pane.rows.count, visible))
    }

    /// The column heading, marking the sort column.
    static func heading(_ pane: UnitsPane, columns: UnitsColumns, theme: Theme, glyphs: Glyphs, width: Int) -> StyledLine {
        let arrow = (pane.sort.descendingByDefault != pane.reversed) ? glyphs.arrowDown : glyphs.arrowUp
        func name(_ text: String, _ sort: UnitSort) -> String { pane.sort == sort ? text + arrow : text }
        func style(_ sort: UnitSort) -> Style { pane.sort == sort ? theme.title : theme.dim }
        var b = LineBuilder()
        b.pad(columns.mark.1, theme.dim)
        b.add(name("unit", .unit), style(.unit), width: columns.unit.1 - 1, alignRight: true, glyphs: glyphs)
        b.pad(1, theme.dim)
        b.add(name("label", .label), style(.label), width: columns.label.1 - 1, glyphs: glyphs)
        b.pad(1, theme.dim)
        if columns.category.1 > 0 { b.add(name("category", .category), style(.category), width: columns.category.1, glyphs: glyphs) }
        b.add(name("IoU", .iou), style(.iou), width: columns.iou.1 - 1, alignRight: true, glyphs: glyphs)
        return b.build(width: width, fill: theme.normal)
    }
}

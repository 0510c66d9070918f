// The concepts pane: unique detectors per category as bars (the paper's figure), then the
// labels with the most detector units.
import Render

/// Presents the concepts pane.
public enum BreakdownPresenter {
    /// The pane, border included.
    public static func present(_ pane: BreakdownPane, layerName: String?, threshold: Double,
                               theme: Theme, glyphs: Glyphs, height: Int, width: Int, focused: Bool) -> [StyledLine] {
        let inner = max(0, width - 2)
        let visible = max(0, height - 2)
        let b = pane.breakdown
        var lines: [StyledLine] = []
        let nameWidth = inner >= 24 ? 9 : max(4, inner / 3)
        let countWidth = 4
        let barWidth = max(1, inner - nameWidth - countWidth - 1)
        let maxUnique = max(1, b.bars.map(\.uniqueDetectors).max() ?? 1)
        for (i, bar) in b.bars.enumerated() {
            let isSelected = focused && i == pane.cursor.selected
            let base = isSelected ? theme.selected : theme.normal
            var l = LineBuilder()
            l.add(bar.category, isSelected ? base : theme.category(bar.category), width: nameWidth, glyphs: glyphs)
            let (filled, rest) = glyphs.bar(fraction: Double(bar.uniqueDetectors) / Double(maxUnique), width: barWidth)
            l.add(filled, isSelected ? base : theme.category(bar.category))
            l.add(rest, base)
            l.add("\(bar.uniqueDetectors)", isSelected ? base : theme.normal.with(.bold), width: countWidth + 1, alignRight: true, glyphs: glyphs)
            lines.append(l.build(width: inner, fill: base))
        }
        if !b.topLabels.isEmpty {
            var h = LineBuilder()
            h.add(inner >= 30 ? "labels with most detector units" : "top labels", theme.dim)
            lines.append(h.build(width: inner, fill: theme.normal))
            let countColumn = 4
            let categoryWidth = inner >= 30 ? 9 : 0
            for (j, label) in b.topLabels.enumerated() {
                let i = b.bars.count + 1 + j
                let isSelected = focused && i == pane.cursor.selected
                let base = isSelected ? theme.selected : theme.normal
                var l = LineBuilder()
                l.add(label.label, base, width: max(1, inner - countColumn - categoryWidth), glyphs: glyphs)
                if categoryWidth > 0 {
                    l.add(label.category, isSelected ? base : theme.category(label.category), width: categoryWidth, glyphs: glyphs)
                }
                l.add("\(label.units)", isSelected ? base : theme.detector, width: countColumn, alignRight: true, glyphs: glyphs)
                lines.append(l.build(width: inner, fill: base))
            }
        }
        if b.bars.isEmpty {
            var l = LineBuilder()
            l.add("no results yet", theme.dim)
            lines.append(l.build(width: inner, fill: theme.normal))
        } else if b.topLabels.isEmpty {
            var l = LineBuilder()
            l.add("no detectors (IoU ≥ \(formatIoU(threshold))) yet", theme.dim)
            lines.append(l.build(width: inner, fill: theme.normal))
        }
        let offset = min(pane.cursor.offset, max(0, lines.count - visible))
        let shown = Array(lines.dropFirst(offset).prefix(visible))
        let unique = b.bars.reduce(0) { $0 + $1.uniqueDetectors }
        var title: [Span] = [Span("Concepts", theme.title)]
        if layerName != nil { title.append(Span(" \(glyphs.dot) \(unique) unique", theme.dim)) }
        return Panel.framed(title: title, content: shown, height: height, width: width, focused: focused,
                            theme: theme, glyphs: glyphs, scroll: (offset, lines.count, visible))
    }
}

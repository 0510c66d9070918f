// Text presenters of a rotation result: the table the rotate command prints, and the chart of
// unique detectors against α (one stacked bar per α, a segment per category) that `summary` and
// the explorer show. Pure: result in, lines out; names from the run are sanitised.
import Dissection
import Render

/// Lines of text for a rotation result.
public enum RotationChart {
    /// Fill characters per category when there is no colour (in category order).
    static let glyphs: [Character] = ["█", "▓", "▒", "░", "#", "=", "+", ":"]

    /// The heading: what was rotated, and the detector rule.
    public static func heading(_ result: RotationResult) -> String {
        "rotation of \(TerminalText.sanitize(result.manifest.layer)) (\(result.manifest.units) units), seed \(result.manifest.seed); detector: IoU ≥ \(formatIoU(result.iouThreshold))"
    }

    /// The table: per α, detectors, unique detectors, and per category `unique (detectors)`.
    public static func table(_ result: RotationResult) -> [String] {
        let categories = result.activeCategories
        var rows: [[String]] = [["α", "detectors", "unique"] + categories.map(TerminalText.sanitize)]
        for p in result.points {
            rows.append([RotationManifest.formatAlpha(p.alpha) + (p.counts.isFinal ? "" : "*"),
                         "\(p.counts.detectors)", "\(p.counts.unique)"]
                        + categories.map { let c = p.counts.category($0); return "\(c.unique) (\(c.detectors))" })
        }
        var lines = [heading(result)]
        lines += alignedColumns(rows)
        lines.append("per category: unique detectors (detector units)")
        if result.points.contains(where: { !$0.counts.isFinal }) { lines.append("* provisional: the run has not finished this layer") }
        return lines
    }

    /// The chart: a bar per α of `width` columns at most, stacked by category, with a legend.
    /// `colored` paints the segments in the categories' colours; without it each category has a glyph.
    public static func chart(_ result: RotationResult, colored: ColorDepth?, width: Int) -> [String] {
        let categories = result.activeCategories
        let labels = result.points.map { "α " + RotationManifest.formatAlpha($0.alpha) + ($0.counts.isFinal ? "" : "*") }
        let labelWidth = labels.map(TerminalText.displayWidth).max() ?? 3
        let maxTotal = max(1, result.points.map(\.counts.unique).max() ?? 1)
        let room = max(4, min(60, width - labelWidth - 8))
        var lines = [TerminalText.truncate("unique detectors against α: " + heading(result), toWidth: width)]
        for (p, label) in zip(result.points, labels) {
            var bar = "", cumulative = 0, drawn = 0
            for (k, name) in categories.enumerated() {
                cumulative += p.counts.category(name).unique
                let end = Int((Double(cumulative) / Double(maxTotal) * Double(room)).rounded())
                let cells = max(0, end - drawn)
                drawn += cells
                bar += segment(cells, category: name, index: k, colored: colored)
            }
            lines.append(TerminalText.pad(label, toWidth: labelWidth) + " " + String(p.counts.unique).leftPadded(4) + " " + bar)
        }
        if categories.isEmpty {
            lines.append("no detectors at any α")
        } else {
            let legend = categories.enumerated().map { k, name in
                segment(1, category: name, index: k, colored: colored) + " " + TerminalText.sanitize(name)
            }
            lines.append("  " + legend.joined(separator: "  "))
        }
        return lines
    }

    /// `cells` cells of category `index`'s fill.
    static func segment(_ cells: Int, category: String, index: Int, colored: ColorDepth?) -> String {
        guard cells > 0 else { return "" }
        if let colored { return Bars.paint(String(repeating: "█", count: cells), CategoryColors.color(for: category), depth: colored) }
        return String(repeating: glyphs[index % glyphs.count], count: cells)
    }

    /// Rows of cells as lines, every column right-aligned to its widest cell.
    static func alignedColumns(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? TerminalText.displayWidth($0[c]) : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                String(repeating: " ", count: max(0, widths[c] - TerminalText.displayWidth(cell))) + cell
            }.joined(separator: "  ")
        }
    }
}

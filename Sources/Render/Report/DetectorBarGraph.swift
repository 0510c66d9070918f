// The bar graph of the published reports as inline SVG: one bar per label, its height the number
// of detectors with that label, bars grouped by category and coloured by it, label names written
// vertically under the bars, category names under their groups.

/// Draws the detectors-per-label bar graph.
public enum DetectorBarGraph {
    /// The `<svg>` element for `layer` (self-contained, no scripts, every name escaped).
    public static func svg(_ layer: ReportLayer) -> String {
        let bars = layer.detectorCounts
        guard !bars.isEmpty else {
            return #"<p class="empty">No unit reaches IoU \#(formatIoU(layer.iouThreshold)) in this layer.</p>"#
        }
        let barWidth = 14, barGap = 3, groupGap = 14, plotHeight = 160
        // Room under the bars for the longest (vertical) label name, about 6.5 px a character.
        let longest = bars.map { min(40, $0.label.count) }.max() ?? 4
        let left = 34, top = 12, labelSpace = 16 + longest * 13 / 2, categorySpace = 22
        let maxCount = bars.map(\.count).max() ?? 1
        let tick = niceTick(maxCount)
        let scale = Double(plotHeight) / Double(((maxCount + tick - 1) / tick) * tick)

        var x = left + 6
        var previous: String?
        var groups: [(name: String, from: Int, to: Int)] = []
        var body = ""
        for bar in bars {
            if let p = previous, p != bar.category {
                // Leave room for the category's name under a group of few bars.
                let need = p.count * 7 + 4, have = x - barGap - groups[groups.count - 1].from
                if have < need { x += need - have }
                x += groupGap
            }
            if previous != bar.category { groups.append((bar.category, x, x)) }
            previous = bar.category
            let h = max(1, Int((Double(bar.count) * scale).rounded()))
            let color = CategoryColors.color(for: bar.category).hex
            let label = HTMLText.escape(bar.label)
            body += #"<g class="bar"><title>\#(label) (\#(HTMLText.escape(bar.category))): \#(bar.count) unit\#(bar.count == 1 ? "" : "s")</title>"#
            body += #"<rect x="\#(x)" y="\#(top + plotHeight - h)" width="\#(barWidth)" height="\#(h)" fill="\#(color)"/>"#
            let tx = x + barWidth / 2 + 4, ty = top + plotHeight + 6
            body += #"<text class="label" x="\#(tx)" y="\#(ty)" transform="rotate(-90 \#(tx) \#(ty))" text-anchor="end">\#(label)</text></g>"#
            groups[groups.count - 1].to = x + barWidth
            x += barWidth + barGap
        }
        if let last = groups.last {
            let need = last.name.count * 7 + 4, have = x - barGap - last.from
            if have < need { x += need - have }
        }
        let width = x + 10
        let height = top + plotHeight + labelSpace + categorySpace
        var axis = ""
        var value = 0
        while Double(value) * scale <= Double(plotHeight) + 0.5 {
            let y = top + plotHeight - Int((Double(value) * scale).rounded())
            axis += #"<line class="grid" x1="\#(left)" y1="\#(y)" x2="\#(width - 6)" y2="\#(y)"/>"#
            axis += #"<text class="tick" x="\#(left - 4)" y="\#(y + 4)" text-anchor="end">\#(value)</text>"#
            value += tick
        }
        var legend = ""
        for g in groups {
            let cx = (g.from + g.to) / 2, y = top + plotHeight + labelSpace + 14
            legend += #"<line class="group" x1="\#(g.from)" y1="\#(y - 12)" x2="\#(g.to)" y2="\#(y - 12)" stroke="\#(CategoryColors.color(for: g.name).hex)"/>"#
            legend += #"<text class="category" x="\#(cx)" y="\#(y)" text-anchor="middle">\#(HTMLText.escape(g.name))</text>"#
        }
        return #"<svg xmlns="http://www.w3.org/2000/svg" class="bars" width="\#(width)" height="\#(height)" viewBox="0 0 \#(width) \#(height)" role="img" aria-label="detectors per label">"#
            + axis + body + legend + "</svg>"
    }

    /// A tick step giving at most about five grid lines.
    static func niceTick(_ maxCount: Int) -> Int {
        for step in [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000] where maxCount / step <= 5 { return step }
        return max(1, maxCount / 5)
    }
}

// The report pages: one static, self-contained page per layer in the manner of the published
// NetDissect reports (headline, bar graph of detectors per label, one card per unit with its top
// images), and an index listing the layers. Pages are generated as strings from plain values;
// every piece of text that came from a file is escaped with HTMLText, and the markup is kept
// well-formed (every element closed, every attribute quoted) so that a strict parser accepts it.

/// Generates report pages.
public enum HTMLReport {
    /// The page for one layer. `indexHref` links back to the index page (nil for none).
    public static func layerPage(_ layer: ReportLayer, title: String, indexHref: String? = "index.html") -> String {
        let name = HTMLText.escape(layer.name)
        var html = head(title: "\(name) · \(HTMLText.escape(title))")
        html += "<body>\n"
        if let indexHref {
            html += #"<nav class="crumbs"><a href="\#(HTMLText.urlPath(indexHref))">\#(HTMLText.escape(title))</a> / \#(name)</nav>"# + "\n"
        }
        html += "<header><h1>\(name)</h1>\n"
        if let sub = layer.subtitle { html += #"<p class="sub">\#(HTMLText.escape(sub))</p>"# + "\n" }
        html += #"<p class="headline">\#(HTMLText.escape(layer.headline))</p></header>"# + "\n"
        html += #"<section class="graph">"# + DetectorBarGraph.svg(layer) + "</section>\n"
        html += #"<div class="controls"><span>Sort by</span>"#
        for (key, text) in [("score", "score"), ("label", "label"), ("unit", "unit")] {
            html += #"<button type="button" data-sort="\#(key)" aria-pressed="\#(key == "score")">\#(text)</button>"#
        }
        html += #"<label><input type="checkbox" id="detectors-only"/> detectors only</label></div>"# + "\n"
        html += #"<main id="units">"# + "\n"
        for unit in layer.units.sorted(by: { $0.iou != $1.iou ? $0.iou > $1.iou : $0.unit < $1.unit }) {
            html += card(unit, threshold: layer.iouThreshold) + "\n"
        }
        html += "</main>\n"
        html += "<footer>Written by netdissect. Sorting works offline; images are files beside this page.</footer>\n"
        html += "<script>\n" + ReportAssets.script + "\n</script>\n</body>\n</html>\n"
        return html
    }

    static func card(_ u: ReportUnit, threshold: Double) -> String {
        let label = HTMLText.escape(u.label), category = HTMLText.escape(u.category)
        let detector = u.iou >= threshold
        let iou = u.iou.isFinite ? u.iou : 0
        var s = #"<div class="card\#(detector ? "" : " weak")" data-unit="\#(u.unit)" data-label="\#(label)" data-iou="\#(iou)" data-detector="\#(detector ? 1 : 0)">"#
        s += #"<div class="head"><span class="unit">unit \#(u.unit)</span>"#
        s += #"<span class="label">\#(label)</span>"#
        s += #"<span class="cat" style="background: \#(CategoryColors.color(for: u.category).hex)">\#(category)</span>"#
        s += #"<span class="iou">IoU \#(formatIoU(u.iou))</span></div>"#
        if let formula = u.formula {
            let fiou = u.formulaIoU.map { $0.isFinite ? $0 : 0 } ?? 0
            s += #"<p class="formula">formula <b>\#(HTMLText.escape(formula))</b> <span class="iou">IoU \#(formatIoU(fiou))</span></p>"#
        }
        if let image = u.image {
            s += #"<img src="\#(HTMLText.urlPath(image))" alt="top images of unit \#(u.unit) with its mask" loading="lazy"/>"#
        } else {
            s += #"<p class="noimage">no top images recorded</p>"#
        }
        return s + "</div>"
    }

    /// The index page: one row per layer with its headline and a breakdown of unique detectors
    /// by category. `pages` gives each layer's page file, in the same order as `layers`.
    /// `sections` (an experiment's chart and table, say) come after the header.
    public static func indexPage(_ layers: [ReportLayer], pages: [String], title: String, subtitle: String? = nil,
                                 sections: [ReportSection] = []) -> String {
        precondition(layers.count == pages.count, "HTMLReport.indexPage: \(layers.count) layers, \(pages.count) pages")
        var html = head(title: HTMLText.escape(title)) + "<body>\n<header><h1>\(HTMLText.escape(title))</h1>\n"
        if let subtitle { html += #"<p class="sub">\#(HTMLText.escape(subtitle))</p>"# + "\n" }
        html += "</header>\n"
        for section in sections { html += self.section(section) + "\n" }
        if layers.isEmpty {
            html += #"<p class="empty">This run has no finished layers yet.</p>"# + "\n"
        } else {
            html += #"<table class="layers"><thead><tr><th>layer</th><th>units</th><th>detectors</th><th>unique</th><th>unique detectors by category</th></tr></thead><tbody>"# + "\n"
            for (layer, page) in zip(layers, pages) {
                html += "<tr><td><a href=\"\(HTMLText.urlPath(page))\">\(HTMLText.escape(layer.name))</a></td>"
                html += #"<td class="num">\#(layer.units.count)</td><td class="num">\#(layer.detectors.count)</td><td class="num">\#(layer.uniqueLabels)</td>"#
                html += "<td>" + breakdown(layer) + "</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        html += "<footer>Written by netdissect.</footer>\n</body>\n</html>\n"
        return html
    }

    /// An index-page section: heading, note, chart, table and footnote, every text escaped.
    static func section(_ s: ReportSection) -> String {
        var html = #"<section class="extra"><h2>\#(HTMLText.escape(s.title))</h2>"#
        if let note = s.note { html += #"<p class="sub">\#(HTMLText.escape(note))</p>"# }
        if let chart = s.chart { html += #"<div class="graph">\#(chart.svg)</div>"# }
        if let table = s.table {
            html += #"<table class="layers"><thead><tr>"#
            for column in table.columns { html += "<th>\(HTMLText.escape(column.title))</th>" }
            html += "</tr></thead><tbody>"
            for row in table.rows {
                html += "<tr>"
                for (column, cell) in zip(table.columns, row) {
                    html += (column.numeric ? #"<td class="num">"# : "<td>") + HTMLText.escape(cell) + "</td>"
                }
                html += "</tr>"
            }
            html += "</tbody></table>"
        }
        if let footnote = s.footnote { html += #"<p class="sub">\#(HTMLText.escape(footnote))</p>"# }
        return html + "</section>"
    }

    /// A small stacked bar of unique detectors per category.
    static func breakdown(_ layer: ReportLayer) -> String {
        var perCategory: [String: Set<String>] = [:]
        for d in layer.detectors { perCategory[d.category, default: []].insert(d.label) }
        let total = max(1, perCategory.values.reduce(0) { $0 + $1.count })
        var s = #"<span class="mini">"#
        var parts: [String] = []
        for c in layer.orderedCategories {
            guard let n = perCategory[c]?.count, n > 0 else { continue }
            let pct = Double(n) * 100 / Double(total)
            s += #"<span style="width: \#(format2(pct))%; background: \#(CategoryColors.color(for: c).hex)" title="\#(HTMLText.escape(c)): \#(n)"></span>"#
            parts.append("\(HTMLText.escape(c)) \(n)")
        }
        return s + "</span> " + parts.joined(separator: ", ")
    }

    /// The shared `<head>`.
    static func head(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>\(title)</title>
        <style>
        \(ReportAssets.style)
        </style>
        </head>

        """
    }

    /// `v` with two decimals, for CSS.
    static func format2(_ v: Double) -> String {
        let h = Int((v * 100).rounded())
        return "\(h / 100).\(h % 100 < 10 ? "0" : "")\(h % 100)"
    }
}

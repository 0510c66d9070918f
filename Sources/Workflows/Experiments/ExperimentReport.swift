// What `netdissect report` adds for a run made by an experiment: a rotation run's index page
// opens with unique detectors against α, as a line chart (one line per category and the total)
// and a table.
import Dissection
import Render

/// Extra report sections for experiment runs.
public enum ExperimentReport {
    /// HTML sections for the index page of `view`'s report (none for a plain dissection).
    public static func sections(view: RunView) throws(ViewFailure) -> [String] {
        let result: RotationResult?
        do { result = try RotationResult.read(view.reader) } catch {
            throw ViewFailure(TerminalText.sanitize("\(error)"))
        }
        guard let result else { return [] }
        return [rotation(result)]
    }

    /// The rotation section: heading, chart, table.
    public static func rotation(_ r: RotationResult) -> String {
        let categories = r.activeCategories
        let alphas = r.points.map { RotationManifest.formatAlpha($0.alpha) }
        var series = [ChartSeries(name: "all categories", values: r.points.map { Double($0.counts.unique) },
                                  color: RGBColor(0x44, 0x44, 0x48), emphasised: true)]
        for c in categories {
            series.append(ChartSeries(name: c, values: r.points.map { Double($0.counts.category(c).unique) },
                                      color: CategoryColors.color(for: c)))
        }
        let chart = LineChart(x: r.points.map(\.alpha), xLabels: alphas, xTitle: "α (R^α: 0 = the units, 1 = a random rotation)",
                              yTitle: "unique detectors", series: series)
        let m = r.manifest
        var html = #"<section class="rotation"><h2>Rotation: unique detectors against α</h2>"#
        html += #"<p class="sub">\#(HTMLText.escape(m.layer)) (\#(m.units) units) seen through fractional powers R^α of a random rotation R (seed \#(m.seed)); detector: IoU ≥ \#(formatIoU(r.iouThreshold)). The rotation keeps what the layer represents; interpretability is measured along the units' axes.</p>"#
        html += #"<div class="graph">\#(chart.svg)</div>"#
        html += #"<table class="layers"><thead><tr><th>α</th><th>layer</th><th>detectors</th><th>unique</th>"#
        for c in categories { html += "<th>\(HTMLText.escape(c))</th>" }
        html += "</tr></thead><tbody>"
        for (p, alpha) in zip(r.points, alphas) {
            html += #"<tr><td class="num">\#(alpha)\#(p.counts.isFinal ? "" : "*")</td><td>\#(HTMLText.escape(p.layer))</td>"#
            html += #"<td class="num">\#(p.counts.detectors)</td><td class="num">\#(p.counts.unique)</td>"#
            for c in categories { html += #"<td class="num">\#(p.counts.category(c).unique)</td>"# }
            html += "</tr>"
        }
        html += "</tbody></table>"
        if r.points.contains(where: { !$0.counts.isFinal }) { html += #"<p class="sub">* provisional: the run has not finished that layer.</p>"# }
        return html + "</section>"
    }
}

// What `netdissect report` adds for a run made by an experiment: a rotation run's index page
// opens with unique detectors against α, as a line chart (one line per category and the total)
// and a table. The section is plain values; Render's report writer turns it into HTML.
import Render

/// Extra report sections for experiment runs.
public enum ExperimentReport {
    /// Sections for the index page of `view`'s report (none for a plain dissection).
    public static func sections(view: RunView) throws(ViewFailure) -> [ReportSection] {
        let result: RotationResult?
        do { result = try RotationResult.read(view.reader) } catch {
            throw ViewFailure(TerminalText.sanitize("\(error)"))
        }
        guard let result else { return [] }
        return [rotation(result)]
    }

    /// The rotation section: heading, chart, table.
    public static func rotation(_ r: RotationResult) -> ReportSection {
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
        let columns = [ReportColumn("α", numeric: true), ReportColumn("layer"), ReportColumn("detectors", numeric: true),
                       ReportColumn("unique", numeric: true)] + categories.map { ReportColumn($0, numeric: true) }
        let rows = zip(r.points, alphas).map { p, alpha in
            ["\(alpha)\(p.counts.isFinal ? "" : "*")", p.layer, "\(p.counts.detectors)", "\(p.counts.unique)"]
                + categories.map { "\(p.counts.category($0).unique)" }
        }
        return ReportSection(
            title: "Rotation: unique detectors against α",
            note: "\(m.layer) (\(m.units) units) seen through fractional powers R^α of a random rotation R (seed \(m.seed)); detector: IoU ≥ \(formatIoU(r.iouThreshold)). The rotation keeps what the layer represents; interpretability is measured along the units' axes.",
            chart: chart,
            table: ReportTable(columns: columns, rows: rows),
            footnote: r.points.contains(where: { !$0.counts.isFinal }) ? "* provisional: the run has not finished that layer." : nil)
    }
}

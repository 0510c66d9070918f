// Text presenters of a run comparison: detector counts side by side, units followed across runs,
// one unit in detail, and a CSV of the per-unit table. Pure: comparison in, lines out; every
// name read from a run is sanitised before it reaches a terminal.
import Dissection
import Render

/// Which units the per-unit table lists.
public enum UnitFilter: String, Sendable, CaseIterable {
    /// Units that are a detector in some run.
    case detectors
    /// Units whose fate is neither `kept` nor `none`.
    case changed
    /// Every unit.
    case all

    /// Whether `track` is listed.
    public func admits(_ track: UnitTrack) -> Bool {
        switch self {
        case .detectors: track.isDetectorSomewhere
        case .changed: track.change != .kept && track.change != .none
        case .all: true
        }
    }
}

/// Lines of text for a run comparison.
public enum ComparisonTable {
    /// Widest a per-unit cell grows before it is truncated.
    static let maxCell = 28

    /// The whole comparison: runs, then per layer the counts and the units `filter` admits.
    public static func lines(_ c: RunComparison, units filter: UnitFilter = .detectors) -> [String] {
        var lines = ["runs: " + c.runs.map { "\(TerminalText.sanitize($0.name)) (\($0.progress.status.rawValue))" }.joined(separator: ", ")]
        for layer in c.layers {
            lines.append("")
            lines += counts(layer, runs: c.runs)
            lines.append("")
            lines += units(layer, runs: c.runs, filter: filter)
        }
        return lines
    }

    /// Detector counts of one layer, one column per run.
    public static func counts(_ layer: LayerComparison, runs: [ComparedRun]) -> [String] {
        let names = Set(layer.layers).count == 1 ? TerminalText.sanitize(layer.layers[0])
            : layer.layers.map(TerminalText.sanitize).joined(separator: " | ")
        var rows: [[String]] = [["layer " + names] + runs.map { TerminalText.truncate(TerminalText.sanitize($0.name), toWidth: maxCell) }]
        rows.append(["units"] + layer.counts.map { "\($0.units)" })
        rows.append(["detectors"] + layer.counts.map { "\($0.detectors)" + ($0.isFinal ? "" : "*") })
        rows.append(["unique detectors"] + layer.counts.map { "\($0.unique)" })
        for category in layer.categories where layer.counts.contains(where: { $0.category(category).detectors > 0 }) {
            rows.append(["  " + TerminalText.sanitize(category)] + layer.counts.map { "\($0.category(category).unique)" })
        }
        var lines = aligned(rows, leftColumns: 1)
        if layer.counts.contains(where: { !$0.isFinal }) { lines.append("* provisional: that run has not finished this layer") }
        return lines
    }

    /// The units `filter` admits, one row each: label and IoU per run, and their fate.
    public static func units(_ layer: LayerComparison, runs: [ComparedRun], filter: UnitFilter) -> [String] {
        guard layer.sameUnits else {
            let sizes = zip(runs, layer.counts).map { "\($0.1.units) in \(TerminalText.sanitize($0.0.name))" }.joined(separator: ", ")
            return ["units cannot be followed across these runs: the layer has \(sizes)"]
        }
        let tally = layer.changeTally.map { "\($0.1) \($0.0.phrase)" }.joined(separator: ", ")
        var lines = ["units by index across runs: " + (tally.isEmpty ? "none" : tally)]
        let listed = layer.units.filter(filter.admits)
        guard !listed.isEmpty else {
            lines.append("no unit to list (\(filter.rawValue)); --units all lists every unit")
            return lines
        }
        var rows: [[String]] = [["unit"] + runs.map { TerminalText.truncate(TerminalText.sanitize($0.name), toWidth: maxCell) } + ["change"]]
        for track in listed {
            rows.append(["\(track.unit + 1)"] + track.results.map(cell) + [changeCell(track)])
        }
        lines += aligned(rows, leftColumns: rows[0].count).map { " " + $0 }
        lines.append("label IoU: a detector; (label IoU): best label below the detector threshold")
        return lines
    }

    /// One unit of one layer across the runs, with its best label in every category.
    public static func unit(_ track: UnitTrack, layer: LayerComparison, runs: [ComparedRun]) -> [String] {
        var lines = ["unit \(track.unit + 1) of \(TerminalText.sanitize(layer.layers[0])): \(changeCell(track))"]
        var rows: [[String]] = [[""] + runs.map { TerminalText.truncate(TerminalText.sanitize($0.name), toWidth: maxCell) }]
        rows.append(["best"] + track.results.map(cell))
        for category in layer.categories {
            rows.append(["  " + TerminalText.sanitize(category)] + track.results.map { r in
                guard let c = r?.perCategory.first(where: { $0.categoryName == category }), c.label > 0 else { return "–" }
                return TerminalText.truncate(TerminalText.sanitize(c.labelName), toWidth: maxCell - 6) + " " + formatIoU(c.iou)
            })
        }
        rows.append(["threshold"] + track.results.map { r in r?.threshold.map { shortNumber($0) } ?? "–" })
        lines += aligned(rows, leftColumns: rows[0].count)
        return lines
    }

    /// `label IoU` for a detector, `(label IoU)` otherwise, `–` without a result. IoUs have three
    /// decimals, a non-detector's rounded down, so one just below the threshold (0.0399) never
    /// reads as the threshold itself beside a detector.
    public static func cell(_ r: UnitResult?) -> String {
        guard let r else { return "–" }
        let label = TerminalText.truncate(TerminalText.sanitize(r.labelName), toWidth: maxCell - 8)
        let text = "\(label) \(formatIoU(r.iou))"
        return r.isDetector ? text : "(\(text))"
    }

    /// The fate, with the IoU change for a kept unit.
    static func changeCell(_ track: UnitTrack) -> String {
        guard track.change == .kept, let d = track.iouChange else { return track.change.phrase }
        if formatIoU(abs(d)) == formatIoU(0) { return "kept ±" + formatIoU(0) }
        return "kept " + (d > 0 ? "+" : "−") + formatIoU(abs(d))
    }

    /// Per layer and unit: the fate and, per run, label, category, IoU and whether a detector.
    public static func csv(_ c: RunComparison) -> String {
        var header = ["layer", "unit", "change"]
        for run in c.runs { header += ["\(run.name) label", "\(run.name) category", "\(run.name) iou", "\(run.name) detector"] }
        var lines = [header.map(TallyCSV.field).joined(separator: ",")]
        for layer in c.layers {
            for track in layer.units {
                var row = [layer.layers[0], "\(track.unit + 1)", track.change.rawValue]
                for r in track.results {
                    row += r.map { [$0.labelName, $0.categoryName, "\($0.iou)", $0.isDetector ? "1" : "0"] } ?? ["", "", "", ""]
                }
                lines.append(row.map(TallyCSV.field).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Rows as lines: the first `leftColumns` columns left-aligned, the rest right-aligned.
    static func aligned(_ rows: [[String]], leftColumns: Int) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? TerminalText.displayWidth($0[c]) : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: max(0, widths[c] - TerminalText.displayWidth(cell)))
                return c < leftColumns ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }
}

extension String {
    /// The string without trailing spaces.
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

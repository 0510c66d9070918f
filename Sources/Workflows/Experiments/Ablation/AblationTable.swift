// Text presenter of an ablation report: what was removed and why, the overall change, the
// ranking when there was one, and per class the recall and balanced accuracy before and after,
// most harmed class first. Pure: report in, lines out; names are sanitised.
import Dissection
import Foundation
import Render

/// Lines of text for an ablation report.
public enum AblationTable {
    /// The report; `show` limits the per-class rows (nil: every class with images).
    public static func lines(_ r: AblationReport, show: Int? = nil) -> [String] {
        var lines: [String] = []
        let classCount = r.baseline.classes.count
        let what = r.keep ? "kept \(r.chosen.count) of \(r.units) units" : "removed \(r.ablated.count) of \(r.units) units"
        lines.append("\(what) of \(TerminalText.sanitize(r.layer)) in \(TerminalText.sanitize((r.model as NSString).lastPathComponent)), measured on \(r.images) images of \(classCount) class\(classCount == 1 ? "" : "es")")
        lines.append("  chosen: " + units(r.chosen) + (r.keep ? " (the other \(r.ablated.count) zeroed)" : ""))
        if let concept = r.concept {
            let detail = concept.units.map { "\($0.unit + 1) (IoU \(formatIoU($0.iou)), best \(TerminalText.sanitize($0.bestLabel)))" }
            lines.append("  the \(concept.units.count) units with the highest IoU for '\(TerminalText.sanitize(concept.label))' in \(TerminalText.sanitize(concept.run)): " + detail.joined(separator: ", "))
        }
        if let ranking = r.ranking {
            lines.append("  units ranked by the balanced accuracy of \(className(ranking.label, r)) with that unit alone removed (baseline \(ba(r.baseline.score(ranking.label)?.balancedAccuracy ?? 0))):")
            for (k, e) in ranking.effects.prefix(max(10, r.chosen.count)).enumerated() {
                lines.append("    \(String(k + 1).leftPadded(3)). unit \(String(e.unit + 1).leftPadded(4))  \(ba(e.balancedAccuracy))  \(signed(e.change))")
            }
        }
        lines.append("overall: top-1 accuracy \(ba(r.baseline.accuracy)) → \(ba(r.ablatedAccuracy.accuracy)) (\(signed(r.ablatedAccuracy.accuracy - r.baseline.accuracy))); mean balanced accuracy \(ba(r.baseline.meanBalancedAccuracy)) → \(ba(r.ablatedAccuracy.meanBalancedAccuracy)) (\(signed(r.ablatedAccuracy.meanBalancedAccuracy - r.baseline.meanBalancedAccuracy)))")
        var rows: [[String]] = [["class", "images", "recall", "", "balanced acc.", "", "change"]]
        let target = r.ranking?.label
        let ordered = r.baseline.classes.sorted { a, b in
            if a.label == target { return b.label != target }
            if b.label == target { return false }
            let da = change(a.label, r), db = change(b.label, r)
            return da != db ? da < db : a.label < b.label
        }
        for before in ordered.prefix(show ?? ordered.count) {
            let after = r.ablatedAccuracy.score(before.label) ?? before
            rows.append([className(before.label, r), "\(before.positives)",
                         "\(ba(before.recall)) →", ba(after.recall),
                         "\(ba(before.balancedAccuracy)) →", ba(after.balancedAccuracy), signed(change(before.label, r))])
        }
        lines += ComparisonTable.aligned(rows, leftColumns: 1).map { "  " + $0 }
        if let show, show < ordered.count { lines.append("  … \(ordered.count - show) more classes (--show)") }
        lines.append("balanced accuracy of a class c: mean of its recall and of the fraction of other images not predicted as c")
        return lines
    }

    /// Balanced accuracy change of `label`.
    static func change(_ label: Int, _ r: AblationReport) -> Double {
        (r.ablatedAccuracy.score(label)?.balancedAccuracy ?? 0) - (r.baseline.score(label)?.balancedAccuracy ?? 0)
    }

    /// `tabby (281)`.
    static func className(_ label: Int, _ r: AblationReport) -> String {
        let name = r.classNames.indices.contains(label) ? TerminalText.sanitize(r.classNames[label]) : "class"
        return "\(TerminalText.truncate(name, toWidth: 28)) (\(label))"
    }

    /// A fraction with three decimals.
    static func ba(_ v: Double) -> String {
        guard v.isFinite else { return "–" }
        let thousandths = Int((v * 1000).rounded())
        let s = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - s.count) + s
    }

    /// `+0.125`, `−0.200`, `±0.000`.
    static func signed(_ v: Double) -> String {
        let rounded = (v * 1000).rounded()
        if rounded == 0 { return "±0.000" }
        return (rounded > 0 ? "+" : "−") + ba(abs(v))
    }

    /// `5, 17, 42` (1-based), shortened past 24 units.
    static func units(_ list: [Int]) -> String {
        let shown = list.prefix(24).map { String($0 + 1) }.joined(separator: ", ")
        return list.count > 24 ? "units \(shown), … (\(list.count) in all)" : (list.isEmpty ? "no units" : "units \(shown)")
    }
}

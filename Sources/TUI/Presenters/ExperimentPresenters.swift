// The experiment overlays: one unit followed across runs (`v`, with `explore --compare`), and a
// rotation run's unique detectors against α (`a`). Pure: view model, theme and size in, lines out.

import Dissection
import Foundation
import Render
import Workflows

/// Presents the compare overlay.
public enum ComparePresenter {
    /// What a fate means, in a sentence.
    static func meaning(_ change: UnitChange) -> String {
        switch change {
        case .kept: "a detector of the same concept in every run"
        case .relabelled: "a detector in every run, of another concept in a later one"
        case .emerged: "not a detector in the first run, a detector in the last"
        case .vanished: "a detector in the first run, not in the last"
        case .transient: "a detector only in runs between the first and the last"
        case .none: "a detector in no run"
        }
    }

    /// The content lines (before framing), `width` cells each.
    public static func lines(_ view: CompareView?, theme: Theme, glyphs: Glyphs, width: Int) -> [StyledLine] {
        let bg = theme[.overlayBG]
        let normal = theme.normal.bg(bg), dim = theme.dim.bg(bg), title = theme.title.bg(bg)
        func line(_ spans: [(String, Style, Int?)]) -> StyledLine {
            var l = LineBuilder()
            l.pad(1, normal)
            for (text, style, w) in spans {
                if let w { l.add(text, style, width: w, glyphs: glyphs) } else { l.add(text, style) }
            }
            return l.build(width: width, fill: normal)
        }
        guard let view else {
            return [line([("Select a unit in the units table first.", dim, nil)])]
        }
        let runWidth = min(24, max(8, view.entries.map { CellText.width($0.run) }.max() ?? 8) + 1)
        let labelWidth = max(8, min(28, width - runWidth - 24))
        var out: [StyledLine] = [
            line([("run", dim, runWidth), ("  label", dim, labelWidth + 2), ("category", dim, 11), ("IoU", dim, nil)]),
        ]
        for e in view.entries {
            guard let row = e.row else {
                out.append(line([(e.run, normal, runWidth), ("  " + (e.missing ?? "–"), dim, nil)]))
                continue
            }
            let mark = e.isDetector ? glyphs.mark + " " : "  "
            out.append(line([(e.run, normal, runWidth), (mark, theme.detector.bg(bg), 2), (row.label, e.isDetector ? normal.with(.bold) : normal, labelWidth),
                             (row.category, theme.category(row.category).bg(bg), 11), (formatIoU(row.iou), e.isDetector ? theme.detector.bg(bg) : normal, nil)]))
        }
        out.append(.blank(width, normal))
        out.append(line([(view.change.phrase, title, nil), (": " + meaning(view.change), normal, nil)]))
        out.append(.blank(width, normal))
        out.append(line([("layer \(view.layer)", dim, runWidth + labelWidth + 2), ("detectors", dim, 11), ("unique", dim, nil)]))
        for e in view.entries {
            out.append(line([(e.run, normal, runWidth + labelWidth + 2), ("\(e.detectors)", normal, 11), ("\(e.unique)", normal, nil)]))
        }
        return out
    }

    /// The overlay box at `height` x `width`.
    public static func present(_ view: CompareView?, theme: Theme, glyphs: Glyphs, height: Int, width: Int) -> [StyledLine] {
        let bg = theme[.overlayBG]
        var overlayTheme = theme
        overlayTheme[.mainBG] = bg
        let name = view.map { "Unit \($0.unit) of \($0.layer) across runs" } ?? "Units across runs"
        return Panel.framed(title: [Span(name, theme.title.bg(bg)), Span(" \(glyphs.dot) \(glyphs.arrowUp)\(glyphs.arrowDown) another unit \(glyphs.dot) Esc closes", theme.dim.bg(bg))],
                            content: lines(view, theme: theme, glyphs: glyphs, width: max(0, width - 2)),
                            height: height, width: width, focused: true, theme: overlayTheme, glyphs: glyphs)
    }
}

/// Presents the rotation overlay.
public enum RotationPresenter {
    /// The content lines (before framing), `width` cells each: a stacked bar per α, a legend, and
    /// the counts per category with one column per α.
    public static func lines(_ result: RotationResult?, theme: Theme, glyphs: Glyphs, width: Int) -> [StyledLine] {
        let bg = theme[.overlayBG]
        let normal = theme.normal.bg(bg), dim = theme.dim.bg(bg), bold = normal.with(.bold)
        func blank() -> StyledLine { .blank(width, normal) }
        guard let result else {
            var l = LineBuilder()
            l.pad(1, normal)
            l.add("This run was not made by netdissect rotate.", dim)
            return [l.build(width: width, fill: normal)]
        }
        let categories = result.activeCategories
        let alpha = glyphs.unicode ? "α" : "alpha"
        let labels = result.points.map { alpha + " " + RotationManifest.formatAlpha($0.alpha) + ($0.counts.isFinal ? "" : "*") }
        let labelWidth = (labels.map(CellText.width).max() ?? 3) + 1
        let room = max(4, width - labelWidth - 7)
        let maxTotal = max(1, result.points.map(\.counts.unique).max() ?? 1)
        var out: [StyledLine] = []
        for (p, label) in zip(result.points, labels) {
            var l = LineBuilder()
            l.pad(1, normal)
            l.add(label, normal, width: labelWidth, glyphs: glyphs)
            l.add("\(p.counts.unique)", bold, width: 4, alignRight: true, glyphs: glyphs)
            l.pad(1, normal)
            var cumulative = 0, drawn = 0
            for name in categories {
                cumulative += p.counts.category(name).unique
                let end = Int((Double(cumulative) / Double(maxTotal) * Double(room)).rounded())
                if end > drawn { l.add(String(repeating: glyphs.barFull, count: end - drawn), theme.category(name).bg(bg)) }
                drawn = max(drawn, end)
            }
            out.append(l.build(width: width, fill: normal))
        }
        var legend = LineBuilder()
        legend.pad(1, normal)
        for name in categories {
            legend.add(glyphs.barFull, theme.category(name).bg(bg))
            legend.add(" \(name)  ", normal)
        }
        if categories.isEmpty { legend.add("no detectors at any \(alpha)", dim) }
        out.append(legend.build(width: width, fill: normal))
        out.append(blank())
        // Counts: one row per measure, one column per α.
        let column = max(6, result.points.map { CellText.width(RotationManifest.formatAlpha($0.alpha)) + 2 }.max() ?? 6)
        let nameWidth = 12
        func row(_ name: String, _ style: Style, _ values: [String]) -> StyledLine {
            var l = LineBuilder()
            l.pad(1, normal)
            l.add(name, style, width: nameWidth, glyphs: glyphs)
            for v in values { l.add(v, style == dim ? dim : normal, width: column, alignRight: true, glyphs: glyphs) }
            return l.build(width: width, fill: normal)
        }
        out.append(row(alpha, dim, result.points.map { RotationManifest.formatAlpha($0.alpha) }))
        out.append(row("detectors", normal, result.points.map { "\($0.counts.detectors)" }))
        out.append(row("unique", bold, result.points.map { "\($0.counts.unique)" }))
        for name in categories {
            out.append(row("  " + name, theme.category(name).bg(bg), result.points.map { "\($0.counts.category(name).unique)" }))
        }
        out.append(blank())
        let note = "R^\(alpha) turns the layer's basis from its own units (\(alpha) 0) to a random rotation (\(alpha) 1): what the layer represents stays the same, its unique detectors do not."
        for piece in AboutPresenter.wrap(note, width: max(1, width - 2)) {
            var l = LineBuilder()
            l.pad(1, normal)
            l.add(piece, dim)
            out.append(l.build(width: width, fill: normal))
        }
        if result.points.contains(where: { !$0.counts.isFinal }) {
            var p = LineBuilder()
            p.pad(1, normal)
            p.add("* provisional: the run has not finished that layer", dim)
            out.append(p.build(width: width, fill: normal))
        }
        return out
    }

    /// The overlay box at `height` x `width`.
    public static func present(_ result: RotationResult?, theme: Theme, glyphs: Glyphs, height: Int, width: Int) -> [StyledLine] {
        let bg = theme[.overlayBG]
        var overlayTheme = theme
        overlayTheme[.mainBG] = bg
        let alpha = glyphs.unicode ? "α" : "alpha"
        let name = result.map { "Unique detectors against \(alpha) \(glyphs.dot) \($0.manifest.layer) (\($0.manifest.units) units), seed \($0.manifest.seed)" }
            ?? "Rotation"
        return Panel.framed(title: [Span(name, theme.title.bg(bg)), Span(" \(glyphs.dot) Esc closes", theme.dim.bg(bg))],
                            content: lines(result, theme: theme, glyphs: glyphs, width: max(0, width - 2)),
                            height: height, width: width, focused: true, theme: overlayTheme, glyphs: glyphs)
    }
}

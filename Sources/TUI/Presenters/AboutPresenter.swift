// The first screen: what was dissected, on what data, and what the numbers mean. It opens when
// the explorer starts and again with `i`.

import Foundation
import Render

/// Presents the "about this run" overlay.
public enum AboutPresenter {
    /// The overlay's lines before fitting: (text, style role).
    static func paragraphs(run: RunSnapshot?, error: String?, glyphs: Glyphs) -> [(String, Role)] {
        var out: [(String, Role)] = [("Network Dissection: what do the units of this network detect?", .title), ("", .normal)]
        guard let run else {
            if let error { out.append(("Cannot read the run: " + error, .error)) } else { out.append(("Reading the run…", .dim)) }
            return out
        }
        let info = run.info
        let file = (info.model as NSString).lastPathComponent
        out.append(((info.fromActivations ? "Activations " : "Model   ") + (file.isEmpty ? info.model : file), .normal))
        out.append(("Probe   \(info.dataset): \(info.imageCount) images, \(info.labelCount) concepts in \(info.categories.count) categories", .normal))
        let layers = run.layers.map { "\($0.name) (\($0.unitCount))" }.joined(separator: ", ")
        out.append(("Layers  " + (layers.isEmpty ? "none yet" : layers + " units"), .normal))
        out.append(("Run     " + info.directory, .normal))
        if info.syntheticProbe {
            out.append(("Synthetic probe (netdissect synth): procedural shapes, surfaces and colours with exact labels, not Broden's photographs; a label says which synthetic concept a unit follows.", .warning))
        }
        out.append(("", .normal))
        let q = info.quantile * 100
        let qText = q == q.rounded() ? String(Int(q)) : String(format: "%g", q)
        out.append(("How to read it", .title))
        out.append(("A unit is one channel; its mask is where it fires in its top \(qText) %.", .normal))
        out.append(("IoU: overlap of its mask with a concept's pixels over the probe (0-1).", .normal))
        out.append(("A unit is named by its best concept; \(glyphs.mark) marks a detector (IoU ≥ \(formatIoU(info.detectorThreshold))).", .normal))
        out.append(("Unique: distinct concepts among a layer's detectors (bars: by category).", .normal))
        if run.progress.isLive {
            out.append(("", .normal))
            out.append(("Still running: numbers are provisional and update as it goes.", .warning))
        }
        out += shardLines(run.progress)
        out.append(("", .normal))
        out.append(("Tab: next pane · Enter: open · /: search labels · ?: every key", .dim))
        return out
    }

    /// A sharded run's shards in the current pass, a line each.
    static func shardLines(_ p: ProgressInfo) -> [(String, Role)] {
        guard !p.shards.isEmpty, p.phase != .finished else { return [] }
        var out: [(String, Role)] = [("", .normal), ("Shards  \(p.shards.count), pass \(p.pass)/\(p.passCount) \(p.passName)", .title)]
        for s in p.shards {
            var text = "  \(s.index)  \(s.state)  \(s.done)/\(s.total)"
            if let node = s.node { text += "  on \(node)" }
            if let t = s.lastCheckpoint, let time = t.split(separator: "T").last { text += "  at \(time.replacingOccurrences(of: "Z", with: ""))" }
            if let failure = s.failure { text += ": " + failure }
            out.append((text, s.failure != nil ? .error : s.state == "waiting" ? .dim : .normal))
        }
        return out
    }

    /// Styles of the about text.
    enum Role { case normal, title, dim, warning, error }

    /// The overlay box, `height` x `width`, text wrapped to fit.
    public static func present(run: RunSnapshot?, error: String?, theme: Theme, glyphs: Glyphs,
                               height: Int, width: Int) -> [StyledLine] {
        let inner = max(0, width - 4)
        let bg = theme[.overlayBG]
        func style(_ role: Role) -> Style {
            switch role {
            case .normal: theme.normal.bg(bg)
            case .title: theme.title.bg(bg)
            case .dim: theme.dim.bg(bg)
            case .warning: theme.warning.bg(bg)
            case .error: theme.error.bg(bg)
            }
        }
        var content: [StyledLine] = []
        for (text, role) in paragraphs(run: run, error: error, glyphs: glyphs) {
            for piece in wrap(CellText.sanitized(text), width: inner) {
                var l = LineBuilder()
                l.pad(1, style(.normal))
                l.add(piece, style(role))
                content.append(l.build(width: width - 2, fill: style(.normal)))
            }
        }
        var overlayTheme = theme
        overlayTheme[.mainBG] = bg
        return Panel.framed(title: [Span("About this run", theme.title.bg(bg)),
                                    Span(" \(glyphs.dot) any key starts", theme.dim.bg(bg))], content: content,
                            height: height, width: width, focused: true, theme: overlayTheme, glyphs: glyphs)
    }

    /// `text` broken at spaces into lines of at most `width` cells (long words are cut).
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        if text.isEmpty { return [""] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if CellText.width(candidate) <= width { current = candidate; continue }
            if !current.isEmpty { lines.append(current) }
            var rest = word
            while CellText.width(rest) > width {
                let head = CellText.prefix(rest, width: width)
                lines.append(head)
                rest = String(rest.unicodeScalars.dropFirst(head.unicodeScalars.count))
            }
            current = rest
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

// The run line at the top: what is dissected on what, and where the run is (pass, progress bar,
// rate, ETA) while it runs. Items are dropped from the least useful end as the width shrinks.

import Foundation

/// Presents the top line.
public enum HeaderPresenter {
    /// The run line, exactly `width` cells.
    public static func present(run: RunSnapshot?, error: String?, theme: Theme, glyphs: Glyphs, width: Int) -> StyledLine {
        var left = LineBuilder()
        left.add(" netdissect ", theme.title)
        guard let run else {
            left.add(error == nil ? " reading the run…" : " cannot read the run", error == nil ? theme.dim : theme.error)
            return left.build(width: width, fill: theme.normal)
        }
        let progress = progressSpans(run.progress, theme: theme, glyphs: glyphs, width: max(0, width - 24))
        let progressWidth = progress.reduce(0) { $0 + $1.width }
        let model = (run.info.model as NSString).lastPathComponent
        let dataset = (run.info.dataset as NSString).lastPathComponent
        let room = width - left.width - progressWidth - 1
        if room > 8 {
            var what = LineBuilder()
            what.add(model, theme.normal)
            what.add(" on ", theme.dim)
            what.add(dataset, theme.normal)
            if what.width <= room {
                left.add(model, theme.normal); left.add(" on ", theme.dim); left.add(dataset, theme.normal)
            } else {
                left.add(CellText.fit(model, width: min(room, CellText.width(model)), ellipsis: glyphs.ellipsis), theme.normal)
            }
        }
        left.pad(width - left.width - progressWidth, theme.normal)
        for span in progress { left.add(span.text, span.style) }
        return left.build(width: width, fill: theme.normal)
    }

    /// The right-hand part: state, pass, bar, counts, rate, ETA, fitted to `width`.
    static func progressSpans(_ p: ProgressInfo, theme: Theme, glyphs: Glyphs, width: Int) -> [Span] {
        switch p.phase {
        case .finished:
            return [Span("finished ", theme.dim)] + skippedSpan(p, theme)
        case .cancelled:
            return [Span("stopped before the end: results provisional ", theme.warning)]
        case .failed(let why):
            return [Span("failed: " + CellText.fit(why, width: min(CellText.width(why), max(8, width - 9)),
                                                          ellipsis: glyphs.ellipsis) + " ", theme.error)]
        case .running, .paused, .stalled:
            break
        }
        let percentText = "\(Int((p.fraction * 100).rounded(.down)))%"
        var state: [Span] = []
        if p.phase == .paused { state = [Span(" PAUSED ", theme.paused), Span(" ", theme.normal)] }
        if p.phase == .stalled { state = [Span("no progress for a while ", theme.warning)] }
        let pass = Span("pass \(p.pass)/\(p.passCount)\(p.passName.isEmpty ? "" : " " + p.passName) ", theme.dim)
        let counts = Span("\(p.done)/\(p.total) ", theme.dim)
        let rate = p.rate.map { Span("\(formatRate($0)) img/s ", theme.dim) }
        let eta = p.eta.map { Span("ETA \(formatDuration($0)) ", theme.normal) }
        // Try the fullest form first, dropping items until it fits.
        let candidates: [[Span?]] = [
            [pass, nil, counts, rate, eta], [pass, nil, rate, eta], [pass, nil, eta], [nil, eta], [nil],
        ]
        for barWidth in [16, 10, 6] {
            for items in candidates {
                let (filled, rest) = glyphs.bar(fraction: p.fraction, width: barWidth)
                var spans = state
                for item in items {
                    if let item { spans.append(item) } else {
                        spans.append(Span(filled, theme.progressFilled))
                        spans.append(Span(rest, theme.progressEmpty))
                        spans.append(Span(" " + percentText + " ", theme.normal.with(.bold)))
                    }
                }
                if p.phase != .paused { spans += skippedSpan(p, theme) }
                if spans.reduce(0, { $0 + $1.width }) <= width { return spans }
            }
        }
        return state.isEmpty ? [Span(percentText + " ", theme.normal)] : state
    }

    static func skippedSpan(_ p: ProgressInfo, _ theme: Theme) -> [Span] {
        p.skipped > 0 ? [Span("\(p.skipped) skipped ", theme.warning)] : []
    }
}

/// Seconds as `42s`, `3m05s` or `2h07m`.
public func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    if s < 60 { return "\(s)s" }
    if s < 3600 { return "\(s / 60)m" + String(format: "%02ds", s % 60) }
    return "\(s / 3600)h" + String(format: "%02dm", (s % 3600) / 60)
}

/// A rate with two significant digits below 10, whole numbers above.
public func formatRate(_ rate: Double) -> String {
    guard rate.isFinite else { return "?" }
    return rate >= 10 ? String(Int(rate.rounded())) : String(format: "%.1f", rate)
}

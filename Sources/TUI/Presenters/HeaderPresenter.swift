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
        case .running, .paused, .writerGone:
            break
        }
        let percentText = "\(Int((p.fraction * 100).rounded(.down)))%"
        var state: [Span] = []
        if p.phase == .paused { state = [Span(" PAUSED ", theme.paused), Span(" ", theme.normal)] }
        if p.phase == .writerGone {
            let full = "stopped (the writer is gone); the same command continues it "
            state = [Span(width >= full.count + 16 ? full : "stopped: writer gone ", theme.warning)]
        }
        let shards = p.shards.isEmpty ? "" : " · \(p.shards.count) shards"
        let pass = Span("pass \(p.pass)/\(p.passCount)\(p.passName.isEmpty ? "" : " " + p.passName)\(shards) ", theme.dim)
        let counts = Span("\(p.done)/\(p.total) ", theme.dim)
        // A rate and an ETA only while images are being processed: not paused, not orphaned.
        let moving = p.phase == .running
        let rate = moving ? p.rate.map { Span("\(formatRate($0)) img/s ", theme.dim) } : nil
        let eta = moving ? p.eta.map { Span("ETA \(formatDuration($0)) ", theme.normal) } : nil
        // Try the fullest form first (the pass and its image count, then the bar of the whole run),
        // dropping items until it fits. Items that are absent (no rate
        // yet, no ETA while paused) are simply not there: a start with neither used to stand them
        // in for the bar and draw it two or three times.
        enum Item { case span(Span), bar }
        func items(_ parts: [Span?], barAfter: Int) -> [Item] {
            var out = parts.prefix(barAfter).compactMap { $0.map(Item.span) }
            out.append(.bar)
            out += parts.dropFirst(barAfter).compactMap { $0.map(Item.span) }
            return out
        }
        let candidates: [[Item]] = [
            items([pass, counts, rate, eta], barAfter: 2), items([pass, rate, eta], barAfter: 1),
            items([pass, eta], barAfter: 1), items([eta], barAfter: 0), [.bar],
        ]
        for barWidth in [16, 10, 6] {
            for candidate in candidates {
                let (filled, rest) = glyphs.bar(fraction: p.fraction, width: barWidth)
                var spans = state
                for item in candidate {
                    switch item {
                    case .span(let span): spans.append(span)
                    case .bar:
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

// The run line's progress part (issue 22, item 7): one bar whatever is known yet, the pass's
// image count beside its pass, no rate or ETA while paused or when the writer is gone.

import Testing
@testable import TUI

@Suite struct HeaderPresenterTests {
    func text(_ p: ProgressInfo, width: Int = 80) -> String {
        HeaderPresenter.progressSpans(p, theme: .default, glyphs: .ascii, width: width).map(\.text).joined()
    }

    func bars(_ s: String) -> Int { s.components(separatedBy: "%").count - 1 }

    @Test func aStartWithNoRateOrETAShowsOneBar() {
        let start = ProgressInfo(phase: .running, pass: 1, passCount: 2, passName: "thresholds", done: 0, total: 200)
        for width in [80, 60, 40, 24, 12] {
            #expect(bars(text(start, width: width)) <= 1, "\(width): \(text(start, width: width))")
        }
        #expect(text(start).hasPrefix("pass 1/2 thresholds 0/200 ") && text(start).hasSuffix(" 0% "), "\(text(start))")
    }

    @Test func thePassCountStandsBesideItsPass() {
        let tally = ProgressInfo(phase: .running, pass: 2, passCount: 2, passName: "tally", done: 64, total: 200, rate: 13, eta: 12)
        let line = text(tally)
        #expect(line.hasPrefix("pass 2/2 tally 64/200 "), "\(line)")
        #expect(line.contains("66%") && line.contains("13 img/s") && line.contains("ETA 12s"), "\(line)")
    }

    @Test func noRateOrETAWhilePausedOrOrphaned() {
        let paused = ProgressInfo(phase: .paused, pass: 2, passCount: 2, passName: "tally", done: 64, total: 200, rate: 13, eta: 12)
        #expect(!text(paused).contains("ETA") && !text(paused).contains("img/s") && bars(text(paused)) == 1, "\(text(paused))")
        let gone = ProgressInfo(phase: .writerGone, pass: 1, passCount: 2, passName: "thresholds", done: 64, total: 200, rate: 13, eta: 12)
        #expect(text(gone).hasPrefix("stopped (the writer is gone); the same command continues it"), "\(text(gone))")
        #expect(!text(gone).contains("ETA"))
        #expect(text(gone, width: 40).hasPrefix("stopped: writer gone"), "\(text(gone, width: 40))")
    }
}

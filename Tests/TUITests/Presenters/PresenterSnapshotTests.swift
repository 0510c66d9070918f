// What the explorer draws, as text, for fixed states at the sizes the issue names.

import Testing
@testable import TUI

@Suite struct PresenterSnapshotTests {
    func render(_ state: AppState, theme: Theme = .default) -> String {
        let frame = FramePresenter.present(state, theme: theme)
        var text = frame.text
        for p in frame.pictures {
            text += "\n[picture \(p.key.unit) rank \(p.key.rank) at \(p.rect.row),\(p.rect.column) \(p.rect.width)x\(p.rect.height)]"
        }
        return text
    }

    func withImages(_ state: AppState, count: Int = 10) -> AppState {
        var s = state
        _ = s.update(.imagesLoaded(s.detail.unit!, .success(SampleRun.captions(count))))
        return s
    }

    @Test func finishedRunAt80x24() {
        assertSnapshot("finished-80x24", render(withImages(SampleRun.state())))
    }

    @Test func finishedRunAt120x40() {
        assertSnapshot("finished-120x40", render(withImages(SampleRun.state(rows: 40, columns: 120))))
    }

    @Test func narrowAt40x12() {
        var s = SampleRun.state(rows: 12, columns: 40)
        assertSnapshot("narrow-40x12-units", render(s))
        _ = s.update(.key(.tab))
        assertSnapshot("narrow-40x12-concepts", render(s))
        _ = s.update(.imagesLoaded(s.detail.unit!, .success(SampleRun.captions(10))))
        _ = s.update(.key(.tab))
        assertSnapshot("narrow-40x12-unit", render(s))
    }

    @Test func tooSmall() {
        assertSnapshot("too-small-30x10", render(SampleRun.state(rows: 10, columns: 30)))
    }

    @Test func asciiFallback() {
        assertSnapshot("ascii-80x24", render(withImages(SampleRun.state(unicode: false))))
    }

    @Test func liveRunWithSearchAndFilter() {
        var s = SampleRun.state(SampleRun.running(done: 420), drivesRun: true)
        _ = s.update(.key(.char("d")))
        _ = s.update(.key(.char("/")))
        for c in "sk" { _ = s.update(.key(.char(c))) }
        assertSnapshot("live-search-80x24", render(s))
    }

    @Test func pausedRun() {
        let s = SampleRun.state(SampleRun.running(done: 420, phase: .paused), drivesRun: true)
        assertSnapshot("paused-80x24", render(s))
    }

    @Test func helpOverlay() {
        var s = SampleRun.state()
        _ = s.update(.key(.char("?")))
        assertSnapshot("help-80x24", render(s))
    }

    @Test func aboutScreen() {
        var s = SampleRun.state()
        _ = s.update(.key(.char("i")))
        assertSnapshot("about-80x24", render(s))
    }

    /// The demo's first screen: a live run on a synthetic probe must say both, and fit 80x24.
    @Test func aboutLiveSyntheticRun() {
        var run = SampleRun.running(done: 10)
        run.info.syntheticProbe = true
        run.info.dataset = "/work/netdissect/cache/probe-synth-2000"
        var s = SampleRun.state(run, drivesRun: true)
        _ = s.update(.key(.char("i")))
        let frame = render(s)
        assertSnapshot("about-live-synthetic-80x24", frame)
        #expect(frame.contains("Synthetic probe"))
        #expect(frame.contains("provisional"))
        #expect(frame.contains("every key"))
    }

    @Test func largerView() {
        var s = withImages(SampleRun.state())
        _ = s.update(.key(.enter))
        _ = s.update(.key(.right))
        assertSnapshot("viewer-80x24", render(s))
    }

    @Test func confirmQuit() {
        var s = SampleRun.state(SampleRun.running(done: 10), drivesRun: true)
        _ = s.update(.key(.char("q")))
        assertSnapshot("confirm-quit-80x24", render(s))
    }

    @Test func beforeTheRunIsRead() {
        let s = AppState(terminal: TerminalInfo(size: TerminalSize(rows: 24, columns: 80)), showAbout: true)
        assertSnapshot("reading-80x24", render(s))
    }

    @Test func everyFrameLineIsExactlyTheScreenWidth() {
        withEvery("size", in: [(12, 40), (17, 69), (18, 70), (24, 80), (40, 120), (60, 200)]) { size in
            var s = withImages(SampleRun.state(rows: size.0, columns: size.1))
            for key: Key in [.char("?"), .escape, .enter, .escape, .tab, .char("/"), .char("x")] {
                _ = s.update(.key(key))
                let frame = FramePresenter.present(s, theme: .default)
                #expect(frame.lines.count == size.0)
                for line in frame.lines { #expect(line.width == size.1, "\(size): \(line.text)") }
                for p in frame.pictures { #expect(p.rect.row + p.rect.height <= size.0 - 1) }
            }
        }
    }

    @Test func selectedRowIsReverseVideoInTheMonoTheme() throws {
        let mono = Theme(name: "mono", overrides: Dictionary(uniqueKeysWithValues: ThemeKey.allCases.map { ($0, .terminalDefault) }))
        let frame = FramePresenter.present(SampleRun.state(), theme: mono)
        let selected = frame.lines.flatMap(\.spans).filter { $0.style.attributes.contains(.reverse) }
        #expect(!selected.isEmpty)
    }
}

import TestSupport

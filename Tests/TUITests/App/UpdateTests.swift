// Behaviour of the explorer as messages applied to a state: navigation, panes, search, filters,
// live updates, pause and quit. No terminal involved.

import Testing
@testable import TUI

@Suite struct UpdateTests {
    @Test func opensOnTheUnitsOfTheFirstLayerSortedByIoU() {
        let s = SampleRun.state()
        #expect(s.focus == .units)
        #expect(s.layers.selectedName == "features.10")
        #expect(s.units.rows.count == 24)
        #expect(s.units.rows.map(\.iou) == s.units.rows.map(\.iou).sorted(by: >))
        #expect(s.detail.unit == UnitKey(layer: "features.10", unit: s.units.rows[0].unit))
    }

    @Test func firstSnapshotAsksForTheSelectedUnitsImages() {
        var s = AppState(terminal: TerminalInfo(size: TerminalSize(rows: 24, columns: 80)), showAbout: false)
        let effects = s.update(.snapshot(SampleRun.finished()))
        #expect(effects == [.loadImages(s.selectedUnit!)])
        #expect(s.detail.images == .loading)
    }

    @Test func movingAndPaging() {
        var s = SampleRun.state()
        let visible = s.layout.visibleRows(.units)
        _ = s.update(.key(.char("j")))
        #expect(s.units.cursor.selected == 1)
        _ = s.update(.key(.down))
        #expect(s.units.cursor.selected == 2)
        _ = s.update(.key(.char("k")))
        #expect(s.units.cursor.selected == 1)
        _ = s.update(.key(.pageDown))
        #expect(s.units.cursor.selected == 1 + visible)
        _ = s.update(.key(.char("G")))
        #expect(s.units.cursor.selected == 23)
        #expect(s.units.cursor.offset == 24 - visible)
        _ = s.update(.key(.char("g")))
        #expect(s.units.cursor.selected == 0 && s.units.cursor.offset == 0)
        _ = s.update(.key(.char("k")))
        #expect(s.units.cursor.selected == 0)
    }

    @Test func selectingAUnitLoadsItsImagesOnce() {
        var s = SampleRun.state()
        let effects = s.update(.key(.char("j")))
        #expect(effects == [.loadImages(s.selectedUnit!)])
        let key = s.selectedUnit!
        _ = s.update(.imagesLoaded(UnitKey(layer: "features.10", unit: 999), .success(SampleRun.captions(3))))
        #expect(s.detail.images == .loading, "images of another unit are ignored")
        _ = s.update(.imagesLoaded(key, .success(SampleRun.captions(3))))
        #expect(s.detail.captions.count == 3)
    }

    @Test func tabCyclesPanesAndLayersChangeTheTable() {
        var s = SampleRun.state()
        _ = s.update(.key(.tab))
        #expect(s.focus == .breakdown)
        _ = s.update(.key(.tab))
        #expect(s.focus == .detail)
        _ = s.update(.key(.tab))
        #expect(s.focus == .layers)
        _ = s.update(.key(.backTab))
        #expect(s.focus == .detail)
        _ = s.update(.key(.tab))
        let effects = s.update(.key(.char("j")))
        #expect(s.layers.selectedName == "features.17")
        #expect(s.units.rows.count == 40)
        #expect(effects == [.loadImages(s.selectedUnit!)])
        _ = s.update(.key(.enter))
        #expect(s.focus == .units)
        _ = s.update(.key(.escape))
        #expect(s.focus == .layers)
    }

    @Test func arrowsMoveBetweenColumnsOfPanes() {
        var s = SampleRun.state()
        _ = s.update(.key(.left))
        #expect(s.focus == .layers)
        _ = s.update(.key(.char("l")))
        #expect(s.focus == .units)
        s.focus = .breakdown
        _ = s.update(.key(.right))
        #expect(s.focus == .detail)
        _ = s.update(.key(.char("l")))
        #expect(s.focus == .detail, "in the detail pane l steps images instead")
    }

    @Test func sortCyclesAndReverses() {
        var s = SampleRun.state()
        _ = s.update(.key(.char("s")))
        #expect(s.units.sort == .unit)
        #expect(s.units.rows.map(\.unit) == Array(1...24))
        _ = s.update(.key(.char("r")))
        #expect(s.units.rows.map(\.unit) == Array((1...24).reversed()))
        _ = s.update(.key(.char("s")))
        #expect(s.units.sort == .label && !s.units.reversed)
        let labels = s.units.rows.map(\.label)
        #expect(labels == labels.sorted { $0.localizedStandardCompare($1) == .orderedAscending })
        _ = s.update(.key(.char("s")))
        #expect(s.units.sort == .category)
        _ = s.update(.key(.char("s")))
        #expect(s.units.sort == .iou)
    }

    @Test func sortKeepsTheSelectedUnit() {
        var s = SampleRun.state()
        _ = s.update(.key(.char("j"))); _ = s.update(.key(.char("j")))
        let unit = s.units.selectedRow!.unit
        _ = s.update(.key(.char("s")))
        #expect(s.units.selectedRow?.unit == unit)
        #expect(s.detail.unit?.unit == unit)
    }

    @Test func categoryFilterAndDetectorsOnly() {
        var s = SampleRun.state()
        _ = s.update(.key(.char("c")))
        #expect(s.units.category == "object")
        #expect(s.units.rows.allSatisfy { $0.category == "object" })
        _ = s.update(.key(.char("C")))
        #expect(s.units.category == nil)
        _ = s.update(.key(.char("d")))
        #expect(s.units.detectorsOnly)
        #expect(s.units.rows.allSatisfy { $0.iou >= 0.04 })
        #expect(s.units.rows.count < 24)
        _ = s.update(.key(.char("x")))
        #expect(!s.units.detectorsOnly && s.units.rows.count == 24)
    }

    @Test func searchIsIncrementalAndNStepsThroughMatches() {
        var s = SampleRun.state()
        let label = s.units.rows[5].label
        _ = s.update(.key(.char("/")))
        #expect(s.prompt != nil)
        for c in label { _ = s.update(.key(.char(c))) }
        let matches = s.units.matches
        #expect(!matches.isEmpty)
        #expect(matches.allSatisfy { s.units.rows[$0].label.localizedCaseInsensitiveContains(label) })
        #expect(s.units.cursor.selected == matches[0])
        _ = s.update(.key(.enter))
        #expect(s.prompt == nil && s.units.query == label)
        _ = s.update(.key(.char("n")))
        #expect(s.units.cursor.selected == (matches.count > 1 ? matches[1] : matches[0]))
        _ = s.update(.key(.char("N")))
        #expect(s.units.cursor.selected == matches[0])
        _ = s.update(.key(.char("N")))
        #expect(s.units.cursor.selected == matches.last!, "N wraps to the last match")
        _ = s.update(.key(.escape))
        #expect(s.units.query.isEmpty && s.focus == .units, "Esc clears the search first")
    }

    @Test func escapeInThePromptRestoresThePreviousSearch() {
        var s = SampleRun.state()
        _ = s.update(.key(.char("/"))); _ = s.update(.key(.char("d"))); _ = s.update(.key(.enter))
        _ = s.update(.key(.char("/"))); _ = s.update(.key(.char("z"))); _ = s.update(.key(.char("z")))
        #expect(s.units.query == "zz")
        _ = s.update(.key(.escape))
        #expect(s.units.query == "d" && s.prompt == nil)
    }

    @Test func searchWithNoMatchSaysSo() {
        var s = SampleRun.state()
        _ = s.update(.key(.char("/"))); _ = s.update(.key(.char("q"))); _ = s.update(.key(.char("q")))
        _ = s.update(.key(.enter))
        #expect(s.note?.text == "no label matches 'qq'")
        _ = s.update(.key(.char("n")))
        #expect(s.note?.level == .warning)
    }

    @Test func escapeClearsANoteAboutTheSearchItClears() {
        var s = SampleRun.state()
        _ = s.update(.key(.char("/"))); _ = s.update(.key(.char("z"))); _ = s.update(.key(.char("z")))
        _ = s.update(.key(.enter))
        #expect(s.note?.text == "no label matches 'zz'")
        _ = s.update(.key(.escape))
        #expect(s.units.query.isEmpty)
        #expect(s.note == nil, "the note spoke of the search just cleared")
        _ = s.update(.key(.char("/"))); _ = s.update(.key(.char("z"))); _ = s.update(.key(.enter))
        _ = s.update(.key(.char("/"))); _ = s.update(.key(.char("q")))
        _ = s.update(.key(.escape))
        #expect(s.note == nil && s.units.query == "z")
    }

    @Test func filterNotesSayWhatTheTableShowsWithBothFilters() {
        var s = SampleRun.state()
        _ = s.update(.key(.char("d")))
        #expect(s.note?.text == "showing detectors only (IoU ≥ 0.040)")
        _ = s.update(.key(.char("c")))
        #expect(s.note?.text == "showing object detectors only (IoU ≥ 0.040)")
        _ = s.update(.key(.char("d")))
        #expect(s.note?.text == "showing object units only")
        for _ in 0..<SampleRun.categories.count { _ = s.update(.key(.char("c"))) }
        #expect(s.note?.text == "showing all units")
    }

    @Test func quittingAfterTheRunFinishedStopsNothing() {
        var s = SampleRun.state(SampleRun.running(done: 500), drivesRun: true)
        _ = s.update(.key(.char("q")))
        #expect(s.overlay == .confirmQuit)
        _ = s.update(.snapshot(SampleRun.finished()))
        #expect(s.update(.key(.char("y"))) == [.quit], "the run finished while the dialog was open: nothing to stop")
        var paused = SampleRun.state(SampleRun.running(done: 500, phase: .paused), drivesRun: true)
        _ = paused.update(.key(.char("q")))
        #expect(paused.update(.key(.char("y"))) == [.cancelRunAndQuit])
    }

    @Test func liveSnapshotsKeepSelectionAndScroll() {
        var s = SampleRun.state(SampleRun.running(done: 100))
        for _ in 0..<12 { _ = s.update(.key(.char("j"))) }
        let unit = s.units.selectedRow!.unit
        let offset = s.units.cursor.offset
        var next = SampleRun.running(done: 200)
        // Same units, IoUs nudged so the order changes a little.
        next.layers[0].units = next.layers[0].units.map { var u = $0; u.iou += Double(u.unit % 3) * 0.001; return u }
        let effects = s.update(.snapshot(next))
        #expect(s.units.selectedRow?.unit == unit)
        #expect(abs(s.units.cursor.offset - offset) <= 2)
        #expect(effects.isEmpty, "the same unit stays selected: no reload")
        #expect(s.run?.progress.done == 200)
    }

    @Test func untilTheUserChoosesTheSelectionFollowsTheBestUnit() {
        var s = SampleRun.state(SampleRun.running(done: 100))
        let first = s.units.rows[0].unit
        var next = SampleRun.running(done: 200)
        // Another unit overtakes the first: the table is sorted by IoU and nobody chose a row.
        next.layers[0].units = next.layers[0].units.map { var u = $0; if u.unit != first { u.iou += 0.5 }; return u }
        let effects = s.update(.snapshot(next))
        #expect(s.units.cursor.selected == 0 && s.units.cursor.offset == 0)
        #expect(s.units.selectedRow?.unit != first)
        #expect(effects == [.loadImages(s.selectedUnit!)], "the detail pane follows the new first row")
        // Once the user moves, the chosen unit stays put.
        _ = s.update(.key(.char("j")))
        let chosen = s.units.selectedRow!.unit
        _ = s.update(.snapshot(SampleRun.running(done: 300)))
        #expect(s.units.selectedRow?.unit == chosen)
    }

    @Test func finishingReloadsTheSelectedUnitsImages() {
        var s = SampleRun.state(SampleRun.running(done: 900))
        _ = s.update(.imagesLoaded(s.selectedUnit!, .success(SampleRun.captions(2))))
        let effects = s.update(.snapshot(SampleRun.finished()))
        #expect(effects == [.loadImages(s.selectedUnit!)])
    }

    @Test func quitAsksOnlyWhenItWouldStopARunStartedHere() {
        var watching = SampleRun.state(SampleRun.running(done: 100), drivesRun: false)
        #expect(watching.update(.key(.char("q"))) == [.quit])
        var finished = SampleRun.state(SampleRun.finished(), drivesRun: true)
        #expect(finished.update(.key(.char("q"))) == [.quit])
        var driving = SampleRun.state(SampleRun.running(done: 100), drivesRun: true)
        _ = driving.update(.key(.char("q")))
        #expect(driving.overlay == .confirmQuit)
        _ = driving.update(.key(.char("n")))
        #expect(driving.overlay == nil && !driving.quitting)
        _ = driving.update(.key(.ctrl("c")))
        #expect(driving.update(.key(.char("y"))) == [.cancelRunAndQuit])
    }

    @Test func terminateQuitsWithoutAsking() {
        var driving = SampleRun.state(SampleRun.running(done: 100), drivesRun: true)
        #expect(driving.update(.terminate) == [.cancelRunAndQuit])
        var watching = SampleRun.state(SampleRun.running(done: 100))
        #expect(watching.update(.terminate) == [.quit])
    }

    @Test func pauseOnlyForARunStartedHere() {
        var driving = SampleRun.state(SampleRun.running(done: 100), drivesRun: true)
        #expect(driving.update(.key(.char("p"))) == [.pauseRun])
        var paused = SampleRun.state(SampleRun.running(done: 100, phase: .paused), drivesRun: true)
        #expect(paused.update(.key(.char("p"))) == [.resumeRun])
        var watching = SampleRun.state(SampleRun.running(done: 100))
        #expect(watching.update(.key(.char("p"))).isEmpty)
        #expect(watching.note?.text.contains("another process") == true)
    }

    @Test func helpOverlayTakesKeysAndCloses() {
        var s = SampleRun.state()
        _ = s.update(.key(.char("?")))
        #expect(s.overlay == .help(offset: 0))
        _ = s.update(.key(.char("j")))
        #expect(s.overlay == .help(offset: 1))
        #expect(s.units.cursor.selected == 0, "keys do not reach the table under the overlay")
        _ = s.update(.key(.escape))
        #expect(s.overlay == nil)
    }

    @Test func aboutScreenClosesOnAnyKey() {
        var s = AppState(terminal: TerminalInfo(size: TerminalSize(rows: 24, columns: 80)))
        #expect(s.overlay == .about)
        _ = s.update(.key(.char("j")))
        #expect(s.overlay == nil)
    }

    @Test func enterOpensTheLargerViewAndArrowsStepImages() {
        var s = SampleRun.state()
        _ = s.update(.imagesLoaded(s.selectedUnit!, .success(SampleRun.captions(4))))
        _ = s.update(.key(.enter))
        #expect(s.overlay == .viewer)
        _ = s.update(.key(.right)); _ = s.update(.key(.char("l")))
        #expect(s.detail.selectedImage == 2)
        _ = s.update(.key(.char("G")))
        #expect(s.detail.selectedImage == 3)
        _ = s.update(.key(.right))
        #expect(s.detail.selectedImage == 3)
        _ = s.update(.key(.escape))
        #expect(s.overlay == nil)
    }

    @Test func resizeReclampsAndRedraws() {
        var s = SampleRun.state()
        _ = s.update(.key(.char("G")))
        let effects = s.update(.resized(TerminalInfo(size: TerminalSize(rows: 12, columns: 40))))
        #expect(effects == [.redrawAll])
        #expect(s.layout.mode == .narrow)
        let visible = s.layout.visibleRows(.units)
        #expect(s.units.cursor.selected >= s.units.cursor.offset && s.units.cursor.selected < s.units.cursor.offset + visible)
    }

    @Test func breakdownEnterFiltersTheTable() {
        var s = SampleRun.state()
        s.focus = .breakdown
        _ = s.update(.key(.enter))
        #expect(s.focus == .units)
        #expect(s.units.category == "object" && s.units.detectorsOnly)
        s.focus = .breakdown
        for _ in 0..<6 { _ = s.update(.key(.char("j"))) }
        #expect(s.breakdown.cursor.selected == 7, "the heading line is skipped")
        let label = s.breakdown.breakdown.topLabels[0].label
        _ = s.update(.key(.enter))
        #expect(s.units.query == label && s.units.category == nil)
    }

    @Test func mouseClickSelectsWheelScrollsHeadingSorts() {
        var s = SampleRun.state()
        let units = s.layout.panes[.units]!
        _ = s.update(.mouse(MouseEvent(.click, row: units.row + 1 + 1 + 3, column: units.column + 10)))
        #expect(s.units.cursor.selected == 3)
        _ = s.update(.mouse(MouseEvent(.click, row: units.row + 1, column: units.column + 1 + 4)))
        #expect(s.units.sort == .unit)
        _ = s.update(.mouse(MouseEvent(.wheelDown, row: units.row + 3, column: units.column + 5)))
        #expect(s.units.cursor.offset == 3)
        let layers = s.layout.panes[.layers]!
        _ = s.update(.mouse(MouseEvent(.click, row: layers.row + 3, column: layers.column + 3)))
        #expect(s.focus == .layers && s.layers.selectedName == "features.17")
    }

    @Test func wheelOnTheHelpScrollsIt() {
        var s = SampleRun.state()
        _ = s.update(.key(.char("?")))
        _ = s.update(.mouse(MouseEvent(.wheelDown, row: 5, column: 20)))
        #expect(s.overlay == .help(offset: 3))
    }

    @Test func unreadableRunShowsTheError() {
        var s = AppState(terminal: TerminalInfo(size: TerminalSize(rows: 24, columns: 80)))
        _ = s.update(.sourceFailed("run.sqlite: no run here"))
        #expect(s.runError == "run.sqlite: no run here")
        let frame = FramePresenter.present(s, theme: .default)
        #expect(frame.text.contains("no run here"))
    }

    @Test func notesExpire() {
        var s = SampleRun.state()
        _ = s.update(.tick(100))
        _ = s.update(.key(.char("s")))
        #expect(s.note != nil)
        _ = s.update(.tick(110))
        #expect(s.note == nil)
    }
}

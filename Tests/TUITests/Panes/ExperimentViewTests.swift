// The experiment overlays: `v` follows the selected unit across compared runs (view model, keys,
// frame), `a` shows a rotation run's unique detectors against α. Frames are golden snapshots
// (Fixtures/snapshots, RECORD_SNAPSHOTS=1 re-records).

import Dissection
import Testing
import Workflows
@testable import TUI

@Suite struct ExperimentViewTests {
    /// The sample run after "fine-tuning": unit 3 of features.10 relabelled, unit 5 gone quiet.
    static func later() -> RunSnapshot {
        var s = SampleRun.finished()
        s.info = SampleRun.info("/runs/epoch9")
        var units = s.layers[0].units
        if let k = units.firstIndex(where: { $0.unit == 3 }) {
            units[k].label = "waterfall"; units[k].category = "scene"; units[k].iou = 0.2
        }
        if let k = units.firstIndex(where: { $0.unit == 5 }) { units[k].iou = 0.001 }
        s.layers[0].units = units
        s.layers.removeLast()
        return s
    }

    static func comparing() -> AppState {
        var s = SampleRun.state(rows: 30, columns: 100)
        s.experiments = ExperimentData(others: [ComparedRunData(name: "epoch9", snapshot: later())])
        return s
    }

    func select(_ unit: Int, in state: inout AppState) {
        let row = state.units.rows.firstIndex { $0.unit == unit }!
        _ = state.selectUnitRow(row)
    }

    @Test func theSelectedUnitAcrossRuns() {
        var s = Self.comparing()
        select(3, in: &s)
        let view = CompareView.of(s)!
        #expect(view.layer == "features.10" && view.unit == 3)
        #expect(view.entries.map(\.run) == ["mobilenet", "epoch9"])
        #expect(view.entries[1].row?.label == "waterfall" && view.entries[1].isDetector)
        #expect(view.change == (view.entries[0].isDetector ? .relabelled : .emerged))
        select(5, in: &s)
        let quiet = CompareView.of(s)!
        #expect(!quiet.entries[1].isDetector)
        #expect(quiet.change == (quiet.entries[0].isDetector ? .vanished : .none))
        // A layer the other run does not have.
        var t = s
        _ = t.selectLayer(1)
        #expect(CompareView.of(t)?.entries[1].missing == "no layer features.17")
        // Without compared runs there is no view.
        #expect(CompareView.of(SampleRun.state()) == nil)
    }

    @Test func keysOpenMoveAndClose() {
        var plain = SampleRun.state()
        _ = plain.update(.key(.char("v")))
        #expect(plain.overlay == nil && plain.note?.text.contains("--compare") == true)
        _ = plain.update(.key(.char("a")))
        #expect(plain.overlay == nil && plain.note?.text.contains("rotate") == true)

        var s = Self.comparing()
        let first = s.selectedUnit
        #expect(s.update(.key(.char("v"))) == [.redrawAll] && s.overlay == .compare)
        _ = s.update(.key(.char("j")))
        #expect(s.overlay == .compare && s.selectedUnit != first && s.units.cursor.selected == 1)
        _ = s.update(.key(.char("k")))
        #expect(s.selectedUnit == first)
        _ = s.update(.key(.escape))
        #expect(s.overlay == nil)
        _ = s.update(.key(.char("v")))
        _ = s.update(.key(.char("v")))
        #expect(s.overlay == nil)
    }

    @Test func compareFrame() {
        var s = Self.comparing()
        select(3, in: &s)
        _ = s.update(.key(.char("v")))
        let frame = FramePresenter.present(s, theme: .default)
        #expect(frame.lines.allSatisfy { $0.width == 100 })
        assertSnapshot("compare-100x30", frame.text)
    }

    static func rotationRun() -> (RunSnapshot, RotationManifest) {
        let manifest = RotationManifest(layer: "conv5", units: 24, seed: 0, alphas: [0, 0.5, 1])
        var s = SampleRun.finished()
        s.layers = manifest.layers.enumerated().map { k, name in
            var units = SampleRun.units(24, seed: 1)
            // Fewer and fewer detectors as the rotation grows.
            for i in units.indices where i % 3 < k { units[i].iou = 0.01 }
            return LayerResult(name: name, unitCount: 24, units: units, provisional: false)
        }
        return (s, manifest)
    }

    @Test func rotationCountsAndFrame() {
        let (run, manifest) = Self.rotationRun()
        var s = SampleRun.state(run, rows: 30, columns: 100)
        s.experiments = ExperimentData(rotation: manifest)
        let result = RotationView.of(s)!
        #expect(result.points.map(\.alpha) == [0, 0.5, 1])
        let detectors = result.points.map(\.counts.detectors)
        #expect(detectors[0] > detectors[1] && detectors[1] > detectors[2])
        #expect(result.points.allSatisfy { $0.counts.isFinal })
        _ = s.update(.key(.char("a")))
        #expect(s.overlay == .rotation)
        let frame = FramePresenter.present(s, theme: .default)
        #expect(frame.lines.allSatisfy { $0.width == 100 })
        assertSnapshot("rotation-100x30", frame.text)
        var ascii = SampleRun.state(run, rows: 30, columns: 100, unicode: false)
        ascii.experiments = s.experiments
        _ = ascii.update(.key(.char("a")))
        assertSnapshot("rotation-100x30-ascii", FramePresenter.present(ascii, theme: .default).text)
        _ = s.update(.key(.char("a")))
        #expect(s.overlay == nil)
    }
}

// The unit pane shows the unit's stored formula beside its best single label, both with IoUs,
// and nothing more when the run has no explanations.

import Testing
@testable import TUI

@Suite struct DetailFormulaTests {
    func text(_ snapshot: RunSnapshot, rows: Int = 40, columns: Int = 120) -> String {
        var s = SampleRun.state(snapshot, rows: rows, columns: columns)
        _ = s.update(.imagesLoaded(s.detail.unit!, .success(SampleRun.captions(4))))
        return FramePresenter.present(s, theme: .default).text
    }

    @Test func theFormulaIsShownBesideTheBestLabel() {
        var snapshot = SampleRun.finished()
        for l in snapshot.layers.indices {
            for u in snapshot.layers[l].units.indices {
                snapshot.layers[l].units[u].formula = FormulaSummary(text: "(water OR river) AND NOT blue-c", iou: 0.1534,
                                                                     search: "optimal", length: 3)
            }
        }
        let shown = text(snapshot)
        let plain = text(SampleRun.finished())
        #expect(shown.contains("formula (water OR river) AND NOT blue-c  IoU 0.153  optimal"), "\(shown)")
        #expect(shown.contains("detector") || shown.contains("below"), "the best single label's line stays")
        #expect(!plain.contains("formula"), "no explanations, no line")
        // Every line keeps the frame's width at small sizes too.
        for (rows, columns) in [(12, 40), (24, 80)] {
            let small = text(snapshot, rows: rows, columns: columns)
            #expect(Set(small.split(separator: "\n").map(\.count)).count == 1, "\(rows)x\(columns)")
        }
    }
}

// The whole-probe masks `explain --dump` writes for the NumPy baseline, against the per-pixel
// masks of the exhaustive search (ExhaustiveSearch.Dense).
import DissectionTestSupport
import TestSupport
import Testing
@testable import Dissection

@Suite struct DenseProbeMasksTests {
    @Test func masksEqualPerPixelMasks() {
        var set = 0
        withEvery("seed", in: 0..<10) { seed in
            let c = try ExplanationSearchTests.Case(seed: 1_100 + UInt64(seed))
            let dense = DenseProbeMasks(labels: c.labels)
            func bit(_ words: [UInt64], _ p: Int) -> Bool { words[p >> 6] >> UInt64(p & 63) & 1 == 1 }
            for unit in c.units {
                let reference = ExhaustiveSearch.Dense(labels: c.labels, unit: unit)
                #expect(dense.pixels == reference.pixels)
                let m = dense.unit(unit)
                #expect(m.count == Bitset.wordCount(pixels: dense.pixels))
                #expect((0..<dense.pixels).allSatisfy { bit(m, $0) == reference.unit[$0] })
                // No bit past P.
                #expect(m.reduce(0) { $0 + $1.nonzeroBitCount } == unit.pixels)
            }
            let reference = ExhaustiveSearch.Dense(labels: c.labels, unit: UnitPixels())
            for id in c.labels.labelIDs + [4] {
                let l = dense.label(id)
                let want = reference.mask(Formula(id))
                #expect((0..<dense.pixels).allSatisfy { bit(l, $0) == want[$0] }, "label \(id)")
                let s = c.labels.slot(id)
                #expect(l.reduce(0) { $0 + $1.nonzeroBitCount } == (s >= 0 ? c.labels.labelPixels[s] : 0))
                set += want.filter { $0 }.count
            }
        }
        #expect(set > 100, "the labels cover pixels")
    }
}

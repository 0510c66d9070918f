// The fast tally (bitsets, skipped empty maps, workers) against the per-pixel reference.
import DissectionTestSupport
import TestSupport
import Testing
@testable import Dissection

@Suite struct TallyTests {
    func fastTally(_ r: RandomProbe, thresholds: [Float], rule: UnionRule, batch: Int, workers: Int) -> LayerTally {
        let kernel = TallyKernel(units: r.C, height: r.H, width: r.W, rule: rule, workers: workers)
        var t = LayerTally(units: r.C, catalog: r.catalog)
        let per = r.C * r.H * r.W
        for start in stride(from: 0, to: r.N, by: batch) {
            let end = min(r.N, start + batch)
            let masks = r.annotations[start..<end].map { $0.map { LabelMasks($0, catalog: r.catalog) } }
            r.activations[(start * per)..<(end * per)].withUnsafeBufferPointer {
                kernel.add($0, masks: masks, thresholds: thresholds, to: &t)
            }
        }
        return t
    }

    @Test func fastEqualsBruteForceAsIntegers() {
        for rule in UnionRule.allCases {
            withEvery("seed", in: 0..<10) { seed in
                let r = RandomProbe(seed: 100 + UInt64(seed))
                var pass = ThresholdPass(units: r.C, mapSize: r.H * r.W, quantile: 0.1, topK: 2, maxImages: r.N)
                r.activations.withUnsafeBufferPointer { pass.add($0, indices: r.indices, workers: 1) }
                let thresholds = pass.thresholds()
                let expected = BruteForce.tally(r.activations, N: r.N, C: r.C, H: r.H, W: r.W,
                                                annotations: r.annotations, thresholds: thresholds,
                                                catalog: r.catalog, rule: rule)
                for (batch, workers) in [(1, 1), (4, 2), (9, 3)] {
                    let fast = fastTally(r, thresholds: thresholds, rule: rule, batch: batch, workers: workers)
                    #expect(fast == expected, "rule \(rule) batch \(batch) workers \(workers)")
                }
                #expect(expected.intersections.contains { $0 > 0 }, "the case tallies something")
                let ious = Scoring.iouMatrix(expected, catalog: r.catalog)
                #expect(ious.contains { $0 > 0 })
            }
        }
    }

    @Test func degenerateShapesAgree() {
        // 1x1 maps, one unit, 1x1 and 1xN segmentations, thresholds at the maximum.
        withEvery("seed", in: 0..<6) { seed in
            let r = RandomProbe(seed: 300 + UInt64(seed), N: 5, C: 1, H: 1, W: 1, sizes: [(1, 1), (1, 70), (65, 1)])
            let thresholds: [Float] = [r.activations.max()! / 2]
            let expected = BruteForce.tally(r.activations, N: r.N, C: r.C, H: r.H, W: r.W, annotations: r.annotations,
                                            thresholds: thresholds, catalog: r.catalog, rule: .original)
            #expect(fastTally(r, thresholds: thresholds, rule: .original, batch: 2, workers: 2) == expected)
        }
    }

    @Test func tallySurvivesSerialization() {
        let r = RandomProbe(seed: 7)
        let t = fastTally(r, thresholds: [Float](repeating: 0.3, count: r.C), rule: .lite, batch: 3, workers: 2)
        #expect(LayerTally(serialized: t.serialized()) == t)
        #expect(LayerTally(serialized: Array(t.serialized().dropLast())) == nil)
    }

    /// A tally holds one slot per label, whatever the ids: the random probe's largest id is 65535.
    @Test func slotsFollowTheLabelCountNotTheLargestID() {
        let r = RandomProbe(seed: 11)
        #expect(r.catalog.maxLabelID == LabelMap.maxLabel)
        let t = LayerTally(units: r.C, catalog: r.catalog)
        #expect(t.labelSlots == r.catalog.labels.count)
        #expect(t.intersections.count == r.C * r.catalog.labels.count && t.truth.count == r.catalog.labels.count)
    }

    /// A checkpoint written before slots were dense (a slot per id up to the largest) restores to
    /// the same sums, one slot per label; any other label count is refused.
    @Test func earlierIDIndexedCheckpointsRestore() {
        let r = RandomProbe(seed: 12)
        let t = fastTally(r, thresholds: [Float](repeating: 0.3, count: r.C), rule: .original, batch: 3, workers: 2)
        var old = LayerTally(units: r.C, labelSlots: r.catalog.maxLabelID + 1, categoryCount: r.catalog.categories.count)
        for (k, label) in r.catalog.labels.enumerated() {
            old.truth[label.id] = t.truth[k]
            for u in 0..<r.C { old.intersections[u * old.labelSlots + label.id] = t.intersection(unit: u, slot: k) }
        }
        old.unions = t.unions
        old.activeArea = t.activeArea
        old.images = t.images
        #expect(LayerTally(serialized: old.serialized(), catalog: r.catalog) == t)
        #expect(LayerTally(serialized: t.serialized(), catalog: r.catalog) == t)
        let other = LayerTally(units: r.C, labelSlots: r.catalog.labels.count + 1, categoryCount: r.catalog.categories.count)
        #expect(LayerTally(serialized: other.serialized(), catalog: r.catalog) == nil)
    }
}

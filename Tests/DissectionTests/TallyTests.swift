// The fast tally (bitsets, skipped empty maps, workers) against the per-pixel reference.
import DissectionTestSupport
import TestSupport
import Testing
@testable import Dissection

@Suite struct TallyTests {
    func fastTally(_ r: RandomProbe, thresholds: [Float], rule: UnionRule, batch: Int, workers: Int) -> LayerTally {
        let kernel = TallyKernel(units: r.C, height: r.H, width: r.W, rule: rule, workers: workers)
        var t = LayerTally(units: r.C, labelSlots: r.catalog.maxLabelID + 1, categoryCount: r.catalog.categories.count)
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

    @Test func thresholdsEqualSortingEveryValue() {
        withEvery("seed", in: 0..<8) { seed in
            let r = RandomProbe(seed: UInt64(seed), N: 20, C: 6)
            for q in [0.005, 0.05, 0.2] {
                var pass = ThresholdPass(units: r.C, mapSize: r.H * r.W, quantile: q, topK: 3, maxImages: r.N)
                r.activations.withUnsafeBufferPointer { pass.add($0, indices: r.indices, workers: 2) }
                for u in 0..<r.C {
                    var values: [Float] = []
                    let hw = r.H * r.W
                    for i in 0..<r.N where r.annotations[i] != nil {
                        let start: Int = (i * r.C + u) * hw
                        values.append(contentsOf: r.activations[start..<(start + hw)])
                    }
                    #expect(pass.thresholds()[u] == BruteForce.threshold(values, q: q), "unit \(u) q \(q)")
                }
            }
        }
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

    @Test func upsamplingMatchesTheSpecFormula() {
        // 2 -> 4: source coordinates -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        let axis = BilinearAxis(source: 2, target: 4)
        #expect(axis.i0 == [0, 0, 0, 1])
        #expect(axis.w == [0, 0.25, 0.75, 0])
        let plan = BilinearPlan(sourceHeight: 1, sourceWidth: 2, targetHeight: 1, targetWidth: 4)
        #expect(plan.upsample([0, 4]) == [0, 1, 3, 4])
        // Equal neighbours never round outside their value.
        let flat = BilinearPlan(sourceHeight: 3, sourceWidth: 3, targetHeight: 7, targetWidth: 11)
        #expect(flat.upsample([Float](repeating: 0.1, count: 9)).allSatisfy { $0 == 0.1 })
    }

    @Test func thresholdMaskEqualsUpsampleThenCompare() {
        withEvery("seed", in: 0..<40) { seed in
            var g = SeededGenerator(seed: UInt64(seed))
            let shapes = [(7, 7, 112, 112), (3, 5, 13, 17), (1, 4, 9, 2), (7, 7, 113, 113)]
            let (H, W, sh, sw) = shapes[seed % shapes.count]
            let plan = BilinearPlan(sourceHeight: H, sourceWidth: W, targetHeight: sh, targetWidth: sw)
            let map = g.normals(H * W).map { max(0, $0) }
            let sorted = map.sorted()
            let t = sorted[Int.random(in: 0..<sorted.count, using: &g)] - (seed % 3 == 0 ? 0.01 : 0)
            var scratch = [Float](repeating: .nan, count: plan.scratchCount)
            var mask = [UInt64](repeating: ~0, count: Bitset.wordCount(pixels: sh * sw))
            let (area, span) = map.withUnsafeBufferPointer { m in
                plan.thresholdMask(m.baseAddress!, threshold: t, scratch: &scratch, mask: &mask)
            }
            let expected = plan.upsample(map).map { $0 > t }
            var count = 0
            for p in 0..<(sh * sw) {
                let bit = mask.withUnsafeBufferPointer { Bitset.test($0.baseAddress!, p) }
                #expect(bit == expected[p], "pixel \(p)")
                if bit { count += 1; #expect(span.contains(p >> 6)) }
            }
            #expect(area == count)
        }
    }
}

// Bilinear upsampling plans (docs/method.md#unit-masks): the formula on a small case, and the
// fused threshold mask against upsampling then comparing.
import TestSupport
import Testing
@testable import Dissection

@Suite struct BilinearPlanTests {
    @Test func upsamplingMatchesTheDocumentedFormula() {
        // 2 -> 4: source coordinates -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        let axis = BilinearPlan(sourceHeight: 1, sourceWidth: 2, targetHeight: 1, targetWidth: 4).columns
        #expect(axis.lower == [0, 0, 0, 1])
        #expect(axis.weight == [0, 0.25, 0.75, 0])
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

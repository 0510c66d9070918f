// The threshold pass's exact quantiles against sorting every value (BruteForce.threshold).
import DissectionTestSupport
import TestSupport
import Testing
@testable import Dissection

@Suite struct ThresholdPassTests {
    @Test func thresholdsEqualSortingEveryValue() {
        // Maps of 12 values (one lane of eight and a tail) and of 49 (a 7 x 7 layer's).
        withEvery("seed", in: 0..<8) { seed in
            let r = seed % 2 == 0 ? RandomProbe(seed: UInt64(seed), N: 20, C: 6) : RandomProbe(seed: UInt64(seed), N: 20, C: 6, H: 7, W: 7)
            for q in [0.005, 0.05, 0.2] {
                var pass = ThresholdPass(units: r.C, mapSize: r.H * r.W, quantile: q, topK: 3, maxImages: r.N)
                r.activations.withUnsafeBufferPointer { pass.add($0, indices: r.indices, workers: 2) }
                let expected = BruteForce.thresholds(r, q: q)
                for u in 0..<r.C {
                    #expect(pass.thresholds()[u] == expected[u], "unit \(u) q \(q)")
                }
            }
        }
    }
}

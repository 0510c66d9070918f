// The threshold pass's exact quantiles against sorting every value (BruteForce.threshold), and the
// maps it tells the activation cache to store: every map that can pass its threshold.
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

    /// Batch by batch, `add` flags the maps the activation cache must store: every map of a used
    /// image with a value above its unit's final threshold is flagged, every map left unflagged
    /// peaks at or below its unit's skip bound, which the threshold is not below; with selection
    /// many maps go unflagged once the cutoffs have risen; histograms flag every map of a used
    /// image; an image left out has none flagged; the state is the same as without flags.
    @Test(arguments: [QuantileMethod.selection, .histogram])
    func storedMapsAreEveryMapThatCanPass(method: QuantileMethod) {
        withEvery("seed", in: 0..<6) { seed in
            let r = seed % 2 == 0 ? RandomProbe(seed: UInt64(seed), N: 60, C: 5) : RandomProbe(seed: UInt64(seed), N: 60, C: 5, H: 7, W: 7)
            let C = r.C, HW = r.H * r.W
            // Some maps with NaN, +inf or -inf, and one unit with many tied values.
            var values = r.activations
            var g = SeededGenerator(seed: UInt64(100 + seed))
            for _ in 0..<12 {
                values[Int.random(in: 0..<values.count, using: &g)] = [.nan, .infinity, -.infinity].randomElement(using: &g)!
            }
            for i in 0..<r.N { for k in 0..<HW { values[(i * C + 2) * HW + k] = (values[(i * C + 2) * HW + k] * 2).rounded() } }
            for q in [0.005, 0.05, 0.2] {
                var pass = ThresholdPass(units: C, mapSize: HW, quantile: q, topK: 3, maxImages: r.N, method: method)
                var plain = pass
                var stored = [UInt8](repeating: 7, count: r.N * C)
                for start in stride(from: 0, to: r.N, by: 4) {
                    let n = min(4, r.N - start)
                    let indices = Array(r.indices[start..<(start + n)])
                    values.withUnsafeBufferPointer { v in
                        let batch = UnsafeBufferPointer(rebasing: v[(start * C * HW)..<((start + n) * C * HW)])
                        stored.withUnsafeMutableBufferPointer { pass.add(batch, indices: indices, workers: 2, stored: $0.baseAddress! + start * C) }
                        plain.add(batch, indices: indices, workers: 2)
                    }
                }
                // (Serialised: top-image maps hold NaN, which `==` never finds equal.)
                #expect(pass.serialized() == plain.serialized(), "q \(q)")
                if method == .histogram { pass.startRefine(); values.withUnsafeBufferPointer { pass.refine($0, indices: r.indices, workers: 2) } }
                let thresholds = pass.thresholds(), bounds = pass.skipBounds
                var unflagged = 0
                for i in 0..<r.N {
                    for u in 0..<C {
                        let flag = stored[i * C + u]
                        guard r.indices[i] != nil else { #expect(flag == 0, "image \(i) left out"); continue }
                        let map = values[((i * C + u) * HW)..<((i * C + u + 1) * HW)]
                        let peak = map.filter { !$0.isNaN }.max() ?? -.infinity
                        if method == .histogram { #expect(flag == 1); continue }
                        #expect(flag == 0 || flag == 1)
                        if map.contains(where: { $0 > thresholds[u] }) { #expect(flag == 1, "q \(q) image \(i) unit \(u): passes \(thresholds[u])") }
                        if flag == 0 {
                            unflagged += 1
                            // (What the dissector checks: a NaN threshold, from an infinity among
                            // the order statistics, is passed by no value.)
                            #expect(peak <= bounds[u] && !(thresholds[u] < bounds[u]), "q \(q) image \(i) unit \(u)")
                        }
                    }
                }
                // The case the cache is for: at the top-0.5 % quantile many maps go unstored.
                if method == .selection && q == 0.005 {
                    #expect(unflagged * 4 > r.indices.compactMap { $0 }.count * C, "q \(q): \(unflagged) maps left out")
                }
                if method == .histogram { #expect(bounds.allSatisfy { $0 == -.infinity }) }
            }
        }
    }

    /// Peaks measured where the batch was made (`MapPeaks`) give the state, flags and top images
    /// of peaks measured by `add`; a row nobody measured is measured by `add` (here every third).
    @Test(arguments: [QuantileMethod.selection, .histogram])
    func measuredPeaksGiveTheSameState(method: QuantileMethod) {
        withEvery("seed", in: 0..<4) { seed in
            let r = RandomProbe(seed: UInt64(seed), N: 40, C: 5, H: 7, W: 7)
            let C = r.C, HW = r.H * r.W
            var values = r.activations
            values[3 * HW + 5] = .nan
            values[17 * HW + 1] = .infinity
            var measured = ThresholdPass(units: C, mapSize: HW, quantile: 0.02, topK: 3, maxImages: r.N, method: method)
            var plain = measured
            let peaks = MapPeaks(units: C, mapSize: HW)
            var flags = [UInt8](repeating: 7, count: r.N * C), plainFlags = flags
            for start in stride(from: 0, to: r.N, by: 6) {
                let n = min(6, r.N - start)
                let indices = Array(r.indices[start..<(start + n)])
                peaks.start(rows: n)
                values.withUnsafeBufferPointer { v in
                    for k in 0..<n where (start + k) % 3 != 0 { peaks.measure(row: k, maps: v.baseAddress! + (start + k) * C * HW) }
                    let batch = UnsafeBufferPointer(rebasing: v[(start * C * HW)..<((start + n) * C * HW)])
                    flags.withUnsafeMutableBufferPointer {
                        measured.add(batch, indices: indices, workers: 2, stored: $0.baseAddress! + start * C, peaks: peaks)
                    }
                    plainFlags.withUnsafeMutableBufferPointer {
                        plain.add(batch, indices: indices, workers: 2, stored: $0.baseAddress! + start * C)
                    }
                }
            }
            #expect(measured.serialized() == plain.serialized())
            #expect(measured.nonFinite == plain.nonFinite && measured.nonFinite.nan == 1)
            #expect(flags == plainFlags)
        }
    }
}

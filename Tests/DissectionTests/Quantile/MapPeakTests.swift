// The threshold pass's one read of a map (its peak and whether every value is finite), and the
// selector's shortcut for a map whose peak it would not keep, against the plain versions.
import TestSupport
import Testing
@testable import Dissection

@Suite struct MapPeakTests {
    /// Maps of every length up to 40 (whole lanes and tails), some with NaN, +inf or -inf.
    @Test func peakEqualsAScalarRead() {
        var g = SeededGenerator(seed: 7)
        for n in 1...40 {
            for trial in 0..<30 {
                var map = (0..<n).map { _ in Float.random(in: -3...3, using: &g) }
                if trial % 3 == 1 { map[Int.random(in: 0..<n, using: &g)] = [.nan, .infinity, -.infinity].randomElement(using: &g)! }
                if trial % 10 == 2 { map = [Float](repeating: .nan, count: n) }
                var peak = -Float.infinity
                for v in map where v > peak { peak = v }
                let allFinite = map.allSatisfy(\.isFinite)
                let got = map.withUnsafeBufferPointer { ThresholdPass.peak(of: $0) }
                #expect(got.peak == peak && got.allFinite == allFinite, "n \(n) map \(map)")
            }
        }
    }

    /// Fed the same finite maps, the selector that skips maps by their peak holds exactly what
    /// the one that reads every value holds, after every map (values from a small set, so that
    /// many equal the cutoff).
    @Test func skippingByPeakKeepsTheSameValues() {
        var g = SeededGenerator(seed: 11)
        for keep in [1, 3, 17] {
            var plain = TopValueSelector(keep: keep), skipping = TopValueSelector(keep: keep)
            for _ in 0..<400 {
                let map = (0..<Int.random(in: 1...40, using: &g)).map { _ in Float(Int.random(in: -4...4, using: &g)) }
                let peak = map.max()!
                plain.add(map)
                map.withUnsafeBufferPointer { skipping.add($0, finitePeak: peak) }
                #expect(plain == skipping, "keep \(keep)")
            }
            #expect(plain.quantile(0.01) == skipping.quantile(0.01))
        }
    }
}

// Exact quantiles: NumpyQuantile and TopValueSelector against numpy.quantile (recorded fixture)
// and against a plain sort of every value.
import Foundation
import Runtime
import Testing
import TestSupport
@testable import Dissection

struct QuantileCase: Decodable {
    let file: String
    let p: Double
    let expected_bits: UInt32
}

@Suite struct QuantileTests {
    static func cases() throws -> [QuantileCase] {
        let url = Bundle.module.url(forResource: "Fixtures/quantile/cases", withExtension: "json")!
        return try JSONDecoder().decode([QuantileCase].self, from: Data(contentsOf: url))
    }

    static func values(_ file: String) throws -> [Float] {
        let url = Bundle.module.url(forResource: "Fixtures/quantile/" + file, withExtension: nil)!
        return try NPY.read(url.path).data
    }

    @Test func sortedDefinitionEqualsNumpyBitForBit() throws {
        for c in try Self.cases() {
            let sorted = try Self.values(c.file).sorted()
            let q = NumpyQuantile.quantile(sorted: sorted, p: c.p)!
            #expect(q.bitPattern == c.expected_bits, "\(c.file) p=\(c.p): \(q) vs \(Float(bitPattern: c.expected_bits))")
        }
    }

    @Test func selectorEqualsNumpyBitForBit() throws {
        for c in try Self.cases() {
            let values = try Self.values(c.file)
            // A selector sized for p, fed in uneven pieces so that it compacts several times.
            let keep = NumpyQuantile.valuesNeededFromTop(maxCount: values.count, p: c.p)
            var s = TopValueSelector(keep: keep)
            var start = 0, step = 1
            while start < values.count {
                let end = min(values.count, start + step)
                s.add(Array(values[start..<end]))
                start = end
                step = step * 3 + 1
            }
            #expect(s.count == values.count)
            let q = s.quantile(c.p)!
            #expect(q.bitPattern == c.expected_bits, "\(c.file) p=\(c.p): \(q) vs \(Float(bitPattern: c.expected_bits))")
        }
    }

    @Test func radixSelectEqualsNumpyBitForBit() throws {
        for c in try Self.cases() {
            let values = try Self.values(c.file)
            var r = RadixQuantile()
            let piece = max(97, values.count / 3)
            for start in stride(from: 0, to: values.count, by: piece) {
                values[start..<min(values.count, start + piece)].withUnsafeBufferPointer { r.countHigh($0) }
                if start == 0 { r = RadixQuantile(serialized: r.serialized())! }
            }
            let started = r.startRefine(p: c.p)
            #expect(started)
            for start in stride(from: 0, to: values.count, by: piece) {
                values[start..<min(values.count, start + piece)].withUnsafeBufferPointer { r.countLow($0) }
                if start == 0 { r = RadixQuantile(serialized: r.serialized())! }
            }
            let q = r.quantile(c.p)!
            #expect(q.bitPattern == c.expected_bits, "\(c.file) p=\(c.p): \(q) vs \(Float(bitPattern: c.expected_bits))")
        }
        // Keys sort like floats, signed zeros and infinities included.
        let ordered: [Float] = [-.infinity, -3, -0.5, -0.0, 0, 1e-30, 2, .infinity]
        let keys = ordered.map(RadixQuantile.orderedKey)
        #expect(keys == keys.sorted())
        #expect(ordered.map { RadixQuantile.value(ofKey: RadixQuantile.orderedKey($0)).bitPattern } == ordered.map(\.bitPattern))
    }

    @Test func selectorSurvivesCheckpoints() {
        withEvery("seed", in: 0..<6) { seed in
            var g = SeededGenerator(seed: UInt64(seed))
            let n = 500 + seed * 700
            // Few distinct values: many ties around the rank.
            let values = (0..<n).map { _ in Float(Int.random(in: 0..<(5 + seed * 3), using: &g)) / 4 }
            let p = 1 - 0.02
            var s = TopValueSelector(keep: NumpyQuantile.valuesNeededFromTop(maxCount: n, p: p))
            for chunk in stride(from: 0, to: n, by: 37) {
                s.add(Array(values[chunk..<min(n, chunk + 37)]))
                s = TopValueSelector(serialized: s.serialized())!
            }
            #expect(s.quantile(p) == NumpyQuantile.quantile(sorted: values.sorted(), p: p))
        }
    }

    @Test func selectionPartitionsLikeASort() {
        withEvery("seed", in: 0..<20) { seed in
            var g = SeededGenerator(seed: UInt64(seed))
            let n = 1 + seed * 13
            var values = (0..<n).map { _ in Float(Int.random(in: 0..<7, using: &g)) }
            let k = 1 + Int.random(in: 0..<n, using: &g)
            let kth = values.withUnsafeMutableBufferPointer {
                TopValueSelector.selectLargest($0.baseAddress!, count: n, k: k)
            }
            let expected = values.sorted(by: >)
            #expect(kth == expected[k - 1])
            #expect(values[0..<k].sorted(by: >) == Array(expected[0..<k]))
        }
    }

    @Test func quantileBySelectionEqualsQuantileBySorting() {
        withEvery("seed", in: 0..<24) { seed in
            var g = SeededGenerator(seed: UInt64(seed))
            let n = 1 + seed * 53
            // Ties (few distinct values) for even seeds, nearly distinct values for odd ones.
            let distinct = seed % 2 == 0 ? 4 + seed : 1 << 20
            let values = (0..<n).map { _ in Float(Int.random(in: 0..<distinct, using: &g)) / 8 - 3 }
            for p in [0.0, 0.5, 0.9, 0.98, 0.995, 0.999, 1.0] {
                var s = TopValueSelector(keep: NumpyQuantile.valuesNeededFromTop(maxCount: n, p: p))
                s.add(values)
                let selected = s.quantile(p), sorted = s.quantileBySorting(p)
                #expect(selected?.bitPattern == sorted?.bitPattern, "n=\(n) p=\(p): \(String(describing: selected)) vs \(String(describing: sorted))")
                #expect(selected == NumpyQuantile.quantile(sorted: values.sorted(), p: p))
            }
        }
    }

    @Test func nanIsIgnoredAndEmptyHasNoQuantile() {
        var s = TopValueSelector(keep: 4)
        #expect(s.quantile(0.5) == nil)
        s.add([.nan, 1, .nan, 3])
        #expect(s.count == 2)
        #expect(s.quantile(0.5) == 2)
    }
}

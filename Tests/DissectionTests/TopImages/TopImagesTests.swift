// Top images per unit: largest spatial maximum first, ties to the lower index, maps kept.
import DissectionTestSupport
import TestSupport
import Testing
@testable import Dissection

@Suite struct TopImagesTests {
    @Test func ordersByMaximumThenIndex() {
        var top = TopImages(units: 1, k: 3, mapSize: 2)
        let maps: [[Float]] = [[1, 2], [5, 0], [2, 1], [0, 5], [5, 5], [9, -1]]
        for (i, m) in maps.enumerated() { m.withUnsafeBufferPointer { top.offer(unit: 0, image: i, map: $0.baseAddress!) } }
        #expect(top.entries[0].map(\.image) == [5, 1, 3])
        #expect(top.entries[0][0].map == [9, -1])
        #expect(TopImages(serialized: top.serialized()) == top)
    }

    @Test func passKeepsTheSameListsAsASort() {
        withEvery("seed", in: 0..<5) { seed in
            let r = RandomProbe(seed: UInt64(seed), N: 30, C: 4)
            var pass = ThresholdPass(units: r.C, mapSize: r.H * r.W, quantile: 0.01, topK: 4, maxImages: r.N)
            for start in stride(from: 0, to: r.N, by: 7) {
                let end = min(r.N, start + 7)
                let per = r.C * r.H * r.W
                r.activations[(start * per)..<(end * per)].withUnsafeBufferPointer {
                    pass.add($0, indices: Array(r.indices[start..<end]), workers: 2)
                }
                pass = ThresholdPass(serialized: pass.serialized())!
            }
            for u in 0..<r.C {
                let ranked = (0..<r.N).filter { r.annotations[$0] != nil }.map { i -> (Float, Int) in
                    let hw = r.H * r.W
                    let start: Int = (i * r.C + u) * hw
                    let m: Float = r.activations[start..<(start + hw)].max()!
                    return (m, i)
                }.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
                #expect(pass.top.entries[u].map(\.image) == ranked.prefix(4).map(\.1))
            }
        }
    }
}

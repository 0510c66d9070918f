// The bit kernels' small loops (`MaskKernels.anyAbove`, `popcount`), every variant this CPU
// executes, against the plain loops. The unit masks, label scans and intersections are checked
// through their users in MaskBuilderTests.
import Runtime
import TestSupport
import Testing
@testable import Dissection

@Suite struct MaskKernelsTests {
    @Test(arguments: ISA.supported) func mapTestAndPopcountEqualPlainLoops(isa: ISA) {
        let kernels = KernelProviders.masks(isa)
        withEvery("count", in: [1, 15, 16, 17, 49, 64, 196, 197]) { count in
            var g = SeededGenerator(seed: UInt64(count))
            var map = g.normals(count)
            if count > 3 { map[count / 2] = .nan }  // NaN is never above
            for t in [-Float.infinity, 0, 1.5, map.filter { !$0.isNaN }.max() ?? 0, .infinity] {
                let expected = map.contains { $0 > t }
                let found = map.withUnsafeBufferPointer { kernels.anyAbove($0.baseAddress!, count: count, threshold: t) }
                #expect(found == expected, "\(isa) t \(t)")
            }
            let words = (0..<count).map { _ in UInt64.random(in: .min ... .max, using: &g) }
            words.withUnsafeBufferPointer { w in
                #expect(kernels.popcount(w.baseAddress!, count) == Bitset.popcount(w.baseAddress!, count), "\(isa)")
            }
        }
    }
}

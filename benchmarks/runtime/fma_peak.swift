// One core's ceiling for the convolutions: fused multiply-adds per second (of single-precision
// lanes, i.e. MACs) of a loop that touches no memory, twelve independent accumulators of LANES
// floats (enough to cover the FMA latency times the FMA units of any x86-64 core). `peak` builds
// this once per instruction set (`swiftc -O -target-cpu ... -D LANES16`), and `run` divides each
// runtime's MACs per second by it. Prints one JSON line: the best of five rounds of ~0.25 s.
import Foundation

#if LANES16
typealias Lanes = SIMD16<Float>
#else
typealias Lanes = SIMD8<Float>
#endif

/// `steps` iterations of twelve FMAs; the sum of the accumulators, so none can be dropped.
@inline(never)
func fmas(_ steps: Int, seed: Float) -> Float {
    let b = Lanes(repeating: 1.0000001), c = Lanes(repeating: seed * 1e-7)
    var a0 = Lanes(repeating: seed), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5
    var a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11
    for _ in 0..<steps {
        a0 = a0.addingProduct(b, c); a1 = a1.addingProduct(b, c); a2 = a2.addingProduct(b, c)
        a3 = a3.addingProduct(b, c); a4 = a4.addingProduct(b, c); a5 = a5.addingProduct(b, c)
        a6 = a6.addingProduct(b, c); a7 = a7.addingProduct(b, c); a8 = a8.addingProduct(b, c)
        a9 = a9.addingProduct(b, c); a10 = a10.addingProduct(b, c); a11 = a11.addingProduct(b, c)
    }
    return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).sum()
}

// About 0.25 s a round at 58 GMAC/s (shorter rounds were at the mercy of a busy host).
let steps = 1_200_000_000 / Lanes.scalarCount
var best = 0.0, check: Float = 0
for _ in 0..<5 {
    let start = DispatchTime.now().uptimeNanoseconds
    check += fmas(steps, seed: Float(CommandLine.arguments.count))
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    best = max(best, Double(steps * 12 * Lanes.scalarCount) / seconds)
}
print("{\"lanes\": \(Lanes.scalarCount), \"gmacs_per_core\": \(String(format: "%.2f", best / 1e9)), \"check\": \(check.isFinite)}")

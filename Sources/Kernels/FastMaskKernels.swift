// The dissection's bit kernels (KernelSupport/Masks/MaskKernels.swift) as this variant compiles
// them: the map test and the mask intersections here, the unit mask in UnitMaskThreshold.swift,
// the label scan in LabelScan.swift. On the AVX2 and AVX-512 variants `nonzeroBitCount` is one
// POPCNT instruction (the baseline has no POPCNT: LLVM's bit-twiddling sequence).
import KernelSupport

/// The `MaskKernels` of this variant.
package struct FastMaskKernels: MaskKernels {
    package init() {}

    package var isa: ISA { FastKernels.isa }

    // map (count) -> any(map > threshold)
    package func anyAbove(_ map: UnsafePointer<Float>, count: Int, threshold t: Float) -> Bool {
        let tv = SIMD16<Float>(repeating: t)
        var above = SIMDMask<SIMD16<Int32>>(repeating: false)
        var k = 0
        while k + 16 <= count {
            above .|= UnsafeRawPointer(map + k).loadUnaligned(as: SIMD16<Float>.self) .> tv
            k += 16
        }
        if Self.bits(above) != 0 { return true }  // not `any(above)`: lane by lane through memory
        while k < count {
            if map[k] > t { return true }
            k += 1
        }
        return false
    }

    // mask (words), labels (count x wordCount words) -> row[slot] += hits, touched[category]
    package func intersect(_ mask: UnsafePointer<UInt64>, span: Range<Int>, with labels: LabelMaskWords,
                           into row: UnsafeMutablePointer<UInt64>, touched: UnsafeMutablePointer<Bool>) {
        for k in 0..<labels.count {
            let words = span.clamped(to: labels.spans[k])
            guard !words.isEmpty else { continue }
            let a = mask + words.lowerBound, b = labels.words + k * labels.wordCount + words.lowerBound
            var hit = 0
            for i in 0..<words.count { hit &+= (a[i] & b[i]).nonzeroBitCount }
            row[Int(labels.slots[k])] &+= UInt64(hit)
            if hit > 0 { touched[Int(labels.categories[k])] = true }
        }
    }

    package func popcount(_ a: UnsafePointer<UInt64>, _ n: Int) -> Int {
        var total = 0
        for i in 0..<n { total &+= a[i].nonzeroBitCount }
        return total
    }

    /// Lane k of `m` as bit k: the lanes' weights 2^k summed by halving, in registers (the
    /// standard library's `wrappedSum` is an out-of-line generic call).
    @inline(__always)
    static func bits(_ m: SIMDMask<SIMD16<Int32>>) -> UInt64 {
        let weights = SIMD16<Int32>(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
        let v = SIMD16<Int32>(repeating: 0).replacing(with: weights, where: m)
        let h8 = v.lowHalf &+ v.highHalf, h4 = h8.lowHalf &+ h8.highHalf, h2 = h4.lowHalf &+ h4.highHalf
        return UInt64(truncatingIfNeeded: h2[0] &+ h2[1])
    }
}

// A row of 2n floats -> its n evens and n odds (a stride-2 row split into its two phases), and
// the lane-wise unzips it is built from. One loop for the stride phases' copy of a padded row
// (StridePhases.swift) and the subsampled shortcut's copy (Convolution+Subsampled.swift, evens
// only): vectors of 16 lanes (8 or 4 for rows too short for 16), the last one overlapping the
// one before rather than leaving its columns to a scalar loop (a 28-float row had no whole vector
// of 16 and went one float at a time).

import KernelSupport

/// even[i] = s[2i] and odd[i] = s[2i + 1] for i in 0..<n (odd nil: the evens only). Reads
/// s[0 ..< 2n], nothing past it.
@inline(__always)
func deinterleave(_ s: UnsafePointer<Float>, count n: Int, even: UnsafeMutablePointer<Float>,
                  odd: UnsafeMutablePointer<Float>?) {
    @inline(__always) func vectors<V: SIMD>(_: V.Type, _ unzip: (V, V) -> (V, V)) where V.Scalar == Float {
        let lanes = V.scalarCount
        @inline(__always) func at(_ i: Int) {
            let (e, o) = unzip(UnsafeRawPointer(s + 2 * i).loadUnaligned(as: V.self),
                               UnsafeRawPointer(s + 2 * i + lanes).loadUnaligned(as: V.self))
            UnsafeMutableRawPointer(even + i).storeBytes(of: e, as: V.self)
            if let odd { UnsafeMutableRawPointer(odd + i).storeBytes(of: o, as: V.self) }
        }
        var i = 0
        while i + lanes <= n {
            at(i)
            i += lanes
        }
        if i < n { at(n - lanes) }
    }
    if n >= 16 {
        vectors(SIMD16<Float>.self, unzip16)
    } else if n >= 8 {
        vectors(SIMD8<Float>.self, unzip8)
    } else if n >= 4 {
        vectors(SIMD4<Float>.self, unzip4)
    } else {
        for i in 0..<n {
            even[i] = s[2 * i]
            odd?[i] = s[2 * i + 1]
        }
    }
}

/// The evens and the odds of a, b taken as one vector of 32 floats (the lanes' transpose, the
/// stride phases' deinterleave). Spelled lane by lane (the compiler makes each a permute): the
/// standard library's `evenHalf` and `oddHalf` are specialised out of line into symbols of the
/// same name in all three kernel copies, of which the linker keeps one, and the baseline kernels
/// would call an AVX-512 copy (scripts/e2e-isa).
@inline(__always)
func unzip16(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> (SIMD16<Float>, SIMD16<Float>) {
    (SIMD16(a[0], a[2], a[4], a[6], a[8], a[10], a[12], a[14], b[0], b[2], b[4], b[6], b[8], b[10], b[12], b[14]),
     SIMD16(a[1], a[3], a[5], a[7], a[9], a[11], a[13], a[15], b[1], b[3], b[5], b[7], b[9], b[11], b[13], b[15]))
}

/// `unzip16` on eight lanes.
@inline(__always)
func unzip8(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>) {
    (SIMD8(a[0], a[2], a[4], a[6], b[0], b[2], b[4], b[6]), SIMD8(a[1], a[3], a[5], a[7], b[1], b[3], b[5], b[7]))
}

/// `unzip16` on four lanes.
@inline(__always)
func unzip4(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> (SIMD4<Float>, SIMD4<Float>) {
    (SIMD4(a[0], a[2], b[0], b[2]), SIMD4(a[1], a[3], b[1], b[3]))
}

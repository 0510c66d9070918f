// Vector transcendental functions for the fast kernels (sigmoid, tanh, softmax), eight lanes at a
// time, and unaligned SIMD loads and stores on float pointers.
//
// exp follows the classic Cephes single-precision scheme: x = n ln2 + r with |r| <= ln2/2 (ln2
// split in two so the reduction is exact), a degree-6 polynomial for e^r, and 2^n put straight
// into the exponent bits. Relative error is within 2 ulp of Glibc's expf over [-87, 88]; inputs
// beyond are clamped, giving about 1e-38 below and FLT_MAX above (expf gives denormals and inf),
// which sigmoid and tanh turn into the same results. tanh uses a polynomial near zero, where 1 - 2/(e^2x + 1)
// would cancel, and the exp form elsewhere.
#if canImport(Glibc)
import Glibc
import KernelSupport
#else
import Darwin
#endif

/// The vector type of the fast kernels: eight float lanes (one AVX register, two SSE registers).
typealias Vec8 = SIMD8<Float>

extension UnsafePointer where Pointee == Float {
    /// Loads eight consecutive floats starting at `self + offset`, any alignment.
    @inline(__always) func vec8(_ offset: Int = 0) -> Vec8 {
        UnsafeRawPointer(self + offset).loadUnaligned(as: Vec8.self)
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    /// Loads eight consecutive floats starting at `self + offset`, any alignment.
    @inline(__always) func vec8(_ offset: Int = 0) -> Vec8 {
        UnsafeRawPointer(self + offset).loadUnaligned(as: Vec8.self)
    }

    /// Stores eight floats at `self + offset`, any alignment.
    @inline(__always) func store(_ v: Vec8, at offset: Int = 0) {
        UnsafeMutableRawPointer(self + offset).storeBytes(of: v, as: Vec8.self)
    }

    /// Stores the first `count` (at most 8) lanes of `v` at `self`.
    @inline(__always) func store(_ v: Vec8, count: Int) {
        withUnsafeBytes(of: v) { Runs.copy($0.assumingMemoryBound(to: Float.self).baseAddress!, self, count) }
    }
}

/// Copies and fills of short runs (an im2col row is often 7 to 56 floats): vector stores inline,
/// where `update(from:count:)` and `update(repeating:count:)` would call memmove and memset
/// through the PLT for every run. Long runs still go to the C library.
enum Runs {
    static let libraryThreshold = 64

    /// dst[0..<count] = src[0..<count]; the ranges must not overlap. A run that is not a
    /// multiple of the vector ends with one more vector that overlaps the previous one (it
    /// copies some floats twice, the same values) instead of a scalar loop.
    @inline(__always)
    static func copy(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
        if count >= libraryThreshold { dst.update(from: src, count: count); return }
        if count >= 8 {
            var i = 0
            while i + 8 <= count { dst.store(src.vec8(i), at: i); i += 8 }
            if i < count { dst.store(src.vec8(count - 8), at: count - 8) }
        } else if count >= 4 {
            UnsafeMutableRawPointer(dst).storeBytes(of: UnsafeRawPointer(src).loadUnaligned(as: SIMD4<Float>.self),
                                                    as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(dst + count - 4).storeBytes(
                of: UnsafeRawPointer(src + count - 4).loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
        } else {
            for i in 0..<count { dst[i] = src[i] }
        }
    }

    /// dst[0..<count] = value (with an overlapping last vector, like `copy`).
    @inline(__always)
    static func fill(_ dst: UnsafeMutablePointer<Float>, _ value: Float, _ count: Int) {
        if count >= libraryThreshold { dst.update(repeating: value, count: count); return }
        if count >= 8 {
            let v = Vec8(repeating: value)
            var i = 0
            while i + 8 <= count { dst.store(v, at: i); i += 8 }
            if i < count { dst.store(v, at: count - 8) }
        } else {
            for i in 0..<count { dst[i] = value }
        }
    }
}

extension SIMD8 where Scalar == Float {
    /// The first `count` (at most 8) floats at `p`, zeros in the other lanes; reads nothing past them.
    @inline(__always) init(partial p: UnsafePointer<Float>, count: Int) {
        self.init()
        for lane in 0..<count { self[lane] = p[lane] }
    }
}

enum VectorMath {
    /// e^x in each lane (see the file comment for the method and its accuracy).
    @inline(__always)
    static func exp(_ x: Vec8) -> Vec8 {
        let x = min(max(x, Vec8(repeating: -87.336_54)), Vec8(repeating: 88.722_83))
        // n = round(x / ln2) by the 1.5 * 2^23 trick: adding it leaves n in the low mantissa
        // bits of t. Then r = x - n ln2 in two steps.
        let magic: Float = 12_582_912
        let t = x * 1.442_695_04 + magic
        let n = t - magic
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        let z = r * r
        var p = Vec8(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let er = p * z + r + 1
        // 2^n: n + 127 into the exponent field. n is in [-126, 128]; at 128 (x near 88.72)
        // split the scaling in two so it does not overflow the exponent.
        let ni = unsafeBitCast(t, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let half = ni &>> 1
        let scaleA = unsafeBitCast((half &+ 127) &<< 23, to: Vec8.self)
        let scaleB = unsafeBitCast((ni &- half &+ 127) &<< 23, to: Vec8.self)
        return er * scaleA * scaleB
    }

    /// 1 / (1 + e^-x) in each lane.
    @inline(__always)
    static func sigmoid(_ x: Vec8) -> Vec8 {
        1 / (1 + exp(-x))
    }

    /// tanh(x) in each lane.
    @inline(__always)
    static func tanh(_ x: Vec8) -> Vec8 {
        let ax = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: Vec8.self)
        // Near zero: x + x^3 P(x^2) (Cephes tanhf, |x| < 0.625).
        let z = x * x
        var p = Vec8(repeating: -5.704_988_727_45e-3)
        p = p * z + 2.063_908_879_54e-2
        p = p * z - 5.373_971_555_31e-2
        p = p * z + 1.333_144_220_36e-1
        p = p * z - 3.333_328_194_22e-1
        let small = p * z * x + x
        // Elsewhere: sign(x) (1 - 2 / (e^2|x| + 1)); exp saturates to +inf, giving exactly 1.
        let large = 1 - 2 / (exp(2 * ax) + 1)
        let signed = large.replacing(with: -large, where: x .< 0)
        return signed.replacing(with: small, where: ax .< 0.625)
    }

    /// a + b * c in each lane: one fused multiply-add where the build targets FMA (see
    /// Package.swift), a multiply and an add otherwise (an fma there would be a library call
    /// per lane).
    @inline(__always)
    static func fma(_ a: Vec8, _ b: Vec8, _ c: Vec8) -> Vec8 {
        #if NETDISSECT_FMA
        return a.addingProduct(b, c)
        #else
        return a + b * c
        #endif
    }

    /// The same for vectors of any width (`WinogradLine.combine` runs on sixteen lanes).
    @inline(__always)
    static func fma<V: SIMD>(_ a: V, _ b: V, _ c: V) -> V where V.Scalar == Float {
        #if NETDISSECT_FMA
        return a.addingProduct(b, c)
        #else
        return a + b * c
        #endif
    }

    /// Sum of the lanes.
    @inline(__always)
    static func sum(_ v: Vec8) -> Float {
        let h = v.lowHalf + v.highHalf
        let q = h.lowHalf + h.highHalf
        return q[0] + q[1]
    }

    /// Largest lane.
    @inline(__always)
    static func max(_ v: Vec8) -> Float {
        let h = v.lowHalf.replacing(with: v.highHalf, where: v.lowHalf .< v.highHalf)
        let q = h.lowHalf.replacing(with: h.highHalf, where: h.lowHalf .< h.highHalf)
        return Swift.max(q[0], q[1])
    }

    /// Lane-wise maximum; compiles to maxps (the standard library's `pointwiseMax` is scalar).
    @inline(__always)
    static func max(_ a: Vec8, _ b: Vec8) -> Vec8 { a.replacing(with: b, where: a .< b) }

    /// Lane-wise maximum on sixteen lanes that keeps a NaN of either side (`Reference.pool`'s rule;
    /// `max` keeps only `a`'s), for `MaxPoolRows`' two or three operands. The pools over many taps
    /// take `max` and OR a NaN mask instead, one operation fewer per tap. (As a generic over
    /// `SIMD` it was not specialized: the 112x112 pool ran 60 times slower.)
    @inline(__always)
    static func nanMax(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        a.replacing(with: b, where: (a .< b) .| (b .!= b))
    }

    /// Lane-wise minimum; compiles to minps.
    @inline(__always)
    static func min(_ a: Vec8, _ b: Vec8) -> Vec8 { a.replacing(with: b, where: b .< a) }
}

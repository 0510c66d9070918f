// erf eight lanes at a time, for exact Gelu (x/2 (1 + erf(x / sqrt 2))) and ONNX Erf: the C
// library's erff is a call per value, which cost ConvNeXt-T a sixth of its forward pass.
//
// Two regions of a = |x|, the sign put back at the end (erf is odd):
// - a <= 1:     erf(a) = a P(a^2), P of degree 6;
// - 1 < a <= 4: erf(a) = 1 - e^(-a^2) R(1/a), R of degree 9 fitting erfc(a) e^(a^2), which is
//   smooth and between 0.14 and 0.43 there;
// - a > 4 is taken as 4, where erf is 1 - 1.5e-8 and rounds to 1 in float.
// Both polynomials are least-squares fits on Chebyshev nodes, made for this file with numpy in
// double precision (P's relative error 1.2e-9, R's 3.1e-8). Evaluated in float, the largest
// error against the exact erf is 1.4e-7 absolute and 1.8e-7 relative over [-6, 6] (simulated
// in float32 on 2 M points; erff's own rounding is up to 3e-8); `VectorMathAccuracy.erf` in the
// tests holds it against erff.

extension VectorMath {
    /// erf(x) in each lane.
    @inline(__always)
    static func erf(_ x: Vec8) -> Vec8 {
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        let a = min(unsafeBitCast(bits & 0x7FFF_FFFF, to: Vec8.self), Vec8(repeating: 4))
        let z = a * a
        // a <= 1: a P(z)
        var p = Vec8(repeating: 7.882_500_358e-5)
        p = fma(Vec8(repeating: -8.018_859_080e-4), p, z)
        p = fma(Vec8(repeating: 5.189_312_622e-3), p, z)
        p = fma(Vec8(repeating: -2.685_432_881e-2), p, z)
        p = fma(Vec8(repeating: 1.128_359_735e-1), p, z)
        p = fma(Vec8(repeating: -3.761_262_596e-1), p, z)
        p = fma(Vec8(repeating: 1.128_379_107), p, z)
        let small = a * p
        // a > 1: 1 - e^(-z) R(t), t = 1/a in [1/4, 1)
        let t = 1 / max(a, .one)
        var r = Vec8(repeating: 2.602_572_367e-2)
        r = fma(Vec8(repeating: -1.535_018_981e-1), r, t)
        r = fma(Vec8(repeating: 3.745_980_263e-1), r, t)
        r = fma(Vec8(repeating: -4.490_048_289e-1), r, t)
        r = fma(Vec8(repeating: 1.622_374_803e-1), r, t)
        r = fma(Vec8(repeating: 2.730_871_141e-1), r, t)
        r = fma(Vec8(repeating: -3.913_706_243e-1), r, t)
        r = fma(Vec8(repeating: 2.404_867_113e-2), r, t)
        r = fma(Vec8(repeating: 5.613_180_399e-1), r, t)
        r = fma(Vec8(repeating: 1.458_936_458e-4), r, t)
        let large = 1 - exp(-z) * r
        let magnitude = large.replacing(with: small, where: a .<= 1)
        // erf(-x) = -erf(x): the sign bit of x onto the result (NaN stays NaN through a).
        let sign = bits & 0x8000_0000
        return unsafeBitCast(unsafeBitCast(magnitude, to: SIMD8<UInt32>.self) | sign, to: Vec8.self)
    }

    /// erf(x) in one value, by the same arithmetic as the lanes (loop tails).
    @inline(__always)
    static func erf(_ x: Float) -> Float {
        erf(Vec8(repeating: x))[0]
    }

    /// `y[i] = erf(x[i])` for `i` in `0..<count`; `x` may equal `y`.
    static func erf(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            y.store(erf(x.vec8(i)), at: i)
            i += 8
        }
        while i < count {
            y[i] = erf(x[i])
            i += 1
        }
    }
}

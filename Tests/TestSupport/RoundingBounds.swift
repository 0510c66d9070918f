// How far a Float computation may be from the exact value: the bounds every numeric test uses.
//
// Why a tolerance must not be relative to the result. A fast kernel and its reference compute
// the same sums of products in different orders (OpenBLAS picks its kernels by CPU: AVX-512
// machines sum a 512-deep dot product differently from AVX2 ones; FMA or not changes every
// rounding). When the terms cancel, the result can be tiny while the rounding errors keep the
// size of the terms: a 512-deep product of standard normals has terms of size ~1 and a sum of
// size ~20, and one of its outputs cancels to -0.037. No `rtol * |result|` covers that; the
// error follows from the terms, not from the result.
//
// The bound. Let a value be computed in Float from exact inputs with +, -, * (fused or not), in
// any order and any blocking, so that every input passes through at most `n` roundings on its
// way to the result (a sum of K products: n = K, K - 1 additions on the longest path of any
// summation tree plus the product; an FMA only removes roundings). Write M for the same
// expression evaluated on absolute values (for a dot product, M = sum |a_i b_i|). Then
//
//     |computed - exact| <= gamma_n * M,   gamma_n = n u / (1 - n u),   u = 2^-24
//
// whatever the order (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., 2002,
// Lemma 3.1 and section 3.1). It is a theorem, so it holds on every CPU, and it does not shrink
// when the result cancels. For deep sums it is pessimistic by about sqrt(n): rounding errors of
// random data are independent and of mean zero, and then
//
//     |computed - exact| <= (exp(lambda sqrt(n) u + n u^2 / (1 - u)) - 1) * M  ~  lambda sqrt(n) u M
//
// with probability at least 1 - 2 n exp(-lambda^2 (1 - u)^2 / 2) (Higham and Mary, A New
// Approach to Probabilistic Rounding Error Analysis, SIAM J. Sci. Comput. 41(5), 2019). With
// lambda = 10 that failure probability is below 4e-22 n per element: never, over this suite.
// `RoundingBound.factor(n)` is the smaller of the two, so sums up to 100 deep use the worst case
// and deeper ones the probabilistic bound: 512-deep products get 226 u M, not 512 u M, which
// keeps a long global average pool able to see a dropped element.
//
// The references compute in Double and round once to Float: their own error is below 2 u M
// (u |result| for the rounding, K 2^-53 M for the Double sum), which `bounds` adds.
//
// How tight. For a 3x3 convolution over 16 channels of standard normals (K = 144, M ~ 92) the
// bound is ~8e-4 on values of size ~12; an off-by-one tap or a wrong bias moves outputs by ~1,
// a thousand times more. The tests that use these bounds also check that such a bug exceeds
// them (`errorRatio`).

/// Rounding-error factors for Float computations; multiply by the magnitude M of the terms.
public enum RoundingBound {
    /// u, the unit roundoff of Float: half the distance from 1 to the next Float.
    public static let unit: Double = 0x1p-24
    /// The unit roundoff of Double, for the same bounds on Double computations.
    public static let doubleUnit: Double = 0x1p-53

    /// lambda of the probabilistic bound: failure probability below 4e-22 per term per element.
    public static let lambda: Double = 10

    /// gamma_n = n u / (1 - n u): the worst case over every order of n roundings.
    public static func gamma(_ n: Int, unit u: Double = unit) -> Double {
        let nu = Double(max(n, 0)) * u
        precondition(nu < 0.5, "RoundingBound.gamma: \(n) roundings is too deep")
        return nu / (1 - nu)
    }

    /// exp(lambda sqrt(n) u + n u^2 / (1 - u)) - 1: the bound holding with overwhelming
    /// probability when the rounding errors are independent (random data).
    public static func probabilistic(_ n: Int, unit u: Double = unit) -> Double {
        let n = Double(max(n, 0))
        return (lambda * n.squareRoot() * u + n * u * u / (1 - u)).expm1()
    }

    /// The factor used for a computation `n` roundings deep: the smaller of the two bounds.
    public static func factor(_ n: Int, unit u: Double = unit) -> Double {
        min(gamma(n, unit: u), probabilistic(n, unit: u))
    }

    /// Per-element bounds on `|actual - expected|` for a Float computation `depth` roundings deep
    /// against a Double reference rounded to Float: `(factor(depth) + 2u) * M` per element.
    ///
    /// - Parameters:
    ///   - depth: the most roundings any input passes through in the Float computation.
    ///   - magnitudes: M per element, the computation evaluated on absolute values.
    ///   - lipschitz: the largest slope of a function applied after the sum (1 for ReLU).
    public static func bounds(depth: Int, magnitudes: [Float], lipschitz: Double = 1) -> [Float] {
        let f = lipschitz * (factor(depth) + 2 * unit)
        return magnitudes.map { Float(f * Double($0)) }
    }
}

extension Double {
    /// e^x - 1, accurate for small x (the factors are ~1e-5).
    fileprivate func expm1() -> Double {
        #if canImport(Glibc)
        Glibc.expm1(self)
        #else
        Darwin.expm1(self)
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

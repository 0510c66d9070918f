// The one checking wrapper around OpenBLAS: every sgemm in the runtime goes through here.
//
// Row-major throughout. The preconditions check what cblas would otherwise reject with a message
// on stderr and a silently wrong result (leading dimensions smaller than a row).
import CCBlas
import KernelSupport

/// Single-precision matrix products on OpenBLAS, row-major.
enum BLAS {
    /// `C (M, N) = alpha * op(A) (M, K) * op(B) (K, N) + beta * C`, all row-major.
    ///
    /// `op(A)` is `A` stored `(M, K)` with `lda >= K`, or, when `transA`, `A` stored `(K, M)`
    /// with `lda >= M`; likewise `op(B)`. Runs on the calling thread (see `Parallelism`).
    @inline(__always)
    static func sgemm(
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "sgemm: negative size \(m)x\(n)x\(k)")
        precondition(lda >= max(1, transA ? m : k), "sgemm: lda \(lda) too small")
        precondition(ldb >= max(1, transB ? k : n), "sgemm: ldb \(ldb) too small for \(m)x\(n)x\(k)")
        precondition(ldc >= max(1, n), "sgemm: ldc \(ldc) too small")
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor,
            transA ? CblasTrans : CblasNoTrans,
            transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha,
            a, Int32(lda),
            b, Int32(ldb),
            beta,
            c, Int32(ldc))
    }
}

// The LAPACK routines netdissect needs (real Schur form, Householder QR) and dgemm, reached
// through the CLapack shim: OpenBLAS ships LAPACK inside the library the runtime already links
// for its sgemm, so dense Double linear algebra lives here, beside BLAS, and OpenBLAS is reached
// from this one module. Every call goes through `check`, which turns a non-zero INFO into a
// `LapackError`; matrices are transposed to column-major on the way in and back on the way out,
// so callers see row-major `DenseMatrix` values only.
import CLapack

/// A LAPACK routine reported failure.
public struct LapackError: Error, CustomStringConvertible, Equatable {
    /// The routine's name (`dgees`, `dgeqrf`, ...).
    public let routine: String
    /// The INFO it returned (negative: bad argument; positive: the algorithm did not converge).
    public let info: Int

    /// One line: what failed and what it means.
    public var description: String {
        info < 0 ? "LAPACK \(routine): argument \(-info) was invalid (a bug in netdissect)"
                 : "LAPACK \(routine) did not converge (INFO = \(info))"
    }
}

/// Checked wrappers around the Fortran routines.
public enum Lapack {
    /// Throws when `info` is not zero.
    static func check(_ routine: String, _ info: Int32) throws(LapackError) {
        if info != 0 { throw LapackError(routine: routine, info: Int(info)) }
    }

    /// Real Schur form of a square matrix: `a = z t zᵀ`, `t` quasi upper triangular with 1x1 and
    /// standardised 2x2 diagonal blocks, `z` orthogonal (`dgees`).
    /// - Precondition: `a` is square.
    /// - Throws: `LapackError` when the QR algorithm does not converge.
    /// - Complexity: O(n³).
    public static func schur(_ a: DenseMatrix) throws(LapackError) -> (t: DenseMatrix, z: DenseMatrix) {
        precondition(a.isSquare, "Lapack.schur: \(a.rows)x\(a.columns) is not square")
        var n = Int32(a.rows)
        if n == 0 { return (a, a) }
        // Column-major copy of a: the transpose's row-major values.
        var t = a.transposed.values
        var z = [Double](repeating: 0, count: a.values.count)
        var wr = [Double](repeating: 0, count: a.rows), wi = wr
        var sdim: Int32 = 0, info: Int32 = 0
        var bwork = [Int32](repeating: 0, count: a.rows)
        var lda = n, ldvs = n
        // Workspace query, then the factorisation.
        var query = 0.0
        var lwork: Int32 = -1
        dgees_("V", "N", nil, &n, &t, &lda, &sdim, &wr, &wi, &z, &ldvs, &query, &lwork, &bwork, &info, 1, 1)
        try check("dgees", info)
        lwork = Int32(max(Double(3 * a.rows), query.rounded(.up)))
        var work = [Double](repeating: 0, count: Int(lwork))
        dgees_("V", "N", nil, &n, &t, &lda, &sdim, &wr, &wi, &z, &ldvs, &work, &lwork, &bwork, &info, 1, 1)
        try check("dgees", info)
        return (DenseMatrix(rows: a.rows, columns: a.rows, values: t).transposed,
                DenseMatrix(rows: a.rows, columns: a.rows, values: z).transposed)
    }

    /// Householder QR of a square matrix: `q` orthogonal, and the diagonal of `r` (`dgeqrf`,
    /// `dorgqr`). `det(q) = (-1)^reflections` (each reflector with `tau != 0` has determinant -1).
    /// - Precondition: `a` is square.
    /// - Throws: `LapackError` when a routine reports failure.
    /// - Complexity: O(n³).
    public static func qr(_ a: DenseMatrix) throws(LapackError) -> (q: DenseMatrix, rDiagonal: [Double], reflections: Int) {
        precondition(a.isSquare, "Lapack.qr: \(a.rows)x\(a.columns) is not square")
        if a.rows == 0 { return (a, [], 0) }
        var rows = Int32(a.rows), columns = Int32(a.rows)
        var m = a.transposed.values
        var lda = rows, info: Int32 = 0
        var tau = [Double](repeating: 0, count: a.rows)
        var query = 0.0
        var lwork: Int32 = -1
        dgeqrf_(&rows, &columns, &m, &lda, &tau, &query, &lwork, &info)
        try check("dgeqrf", info)
        lwork = Int32(max(Double(a.rows), query.rounded(.up)))
        var work = [Double](repeating: 0, count: Int(lwork))
        dgeqrf_(&rows, &columns, &m, &lda, &tau, &work, &lwork, &info)
        try check("dgeqrf", info)
        // Column-major: r[i, i] sits at i * n + i either way.
        let diagonal = (0..<a.rows).map { m[$0 * a.rows + $0] }
        var k = columns
        lwork = -1
        dorgqr_(&rows, &columns, &k, &m, &lda, &tau, &query, &lwork, &info)
        try check("dorgqr", info)
        lwork = Int32(max(Double(a.rows), query.rounded(.up)))
        work = [Double](repeating: 0, count: Int(lwork))
        dorgqr_(&rows, &columns, &k, &m, &lda, &tau, &work, &lwork, &info)
        try check("dorgqr", info)
        return (DenseMatrix(rows: a.rows, columns: a.rows, values: m).transposed, diagonal, tau.filter { $0 != 0 }.count)
    }

    /// `a b` by dgemm.
    /// - Precondition: `a.columns == b.rows`.
    /// - Complexity: O(a.rows * a.columns * b.columns).
    public static func product(_ a: DenseMatrix, _ b: DenseMatrix) -> DenseMatrix {
        precondition(a.columns == b.rows, "Lapack.product: \(a.rows)x\(a.columns) times \(b.rows)x\(b.columns)")
        var c = DenseMatrix(zeros: a.rows, b.columns)
        if a.rows == 0 || b.columns == 0 || a.columns == 0 { return c }
        // Row-major a b is column-major bᵀ aᵀ: ask dgemm for C' (n x m) = B' (n x k) A' (k x m),
        // where the primed matrices are the row-major buffers read as column-major.
        var m = Int32(b.columns), n = Int32(a.rows), k = Int32(a.columns)
        var alpha = 1.0, beta = 0.0
        var ldb = Int32(b.columns), lda = Int32(a.columns), ldc = Int32(b.columns)
        a.values.withUnsafeBufferPointer { ap in
            b.values.withUnsafeBufferPointer { bp in
                c.values.withUnsafeMutableBufferPointer { cp in
                    dgemm_("N", "N",
                           &m, &n, &k,
                           &alpha,
                           bp.baseAddress, &ldb,
                           ap.baseAddress, &lda,
                           &beta,
                           cp.baseAddress, &ldc,
                           1, 1)
                }
            }
        }
        return c
    }
}

// Dense Double matrices on OpenBLAS's LAPACK: the BLAS product against the plain triple loop,
// and the Schur and QR factorisations against their definitions (a = z t zᵀ with z orthogonal and
// t quasi upper triangular; a = q r with q orthogonal).
import Testing
import TestSupport
@testable import Runtime

@Suite struct DenseMatrixTests {
    @Test func productMatchesTheNaiveLoop() {
        withEvery("shape", in: [(0, 3, 2), (1, 1, 1), (2, 3, 4), (7, 5, 9), (16, 16, 16)]) { shape in
            var g = SeededGenerator(seed: UInt64(shape.0 * 100 + shape.1 * 10 + shape.2))
            let a = DenseMatrix(rows: shape.0, columns: shape.1, values: g.normals(shape.0 * shape.1).map(Double.init))
            let b = DenseMatrix(rows: shape.1, columns: shape.2, values: g.normals(shape.1 * shape.2).map(Double.init))
            let fast = a * b, naive = DenseMatrix.naiveProduct(a, b)
            #expect(fast.rows == shape.0 && fast.columns == shape.2)
            // Two Double sums of K products in different orders (dgemm's and the loop's): each
            // within factor(K) |a| |b| of the exact product, per element.
            let magnitudes = DenseMatrix.naiveProduct(DenseMatrix(rows: a.rows, columns: a.columns, values: a.values.map(abs)),
                                                      DenseMatrix(rows: b.rows, columns: b.columns, values: b.values.map(abs)))
            let factor = 2 * RoundingBound.factor(shape.1, unit: RoundingBound.doubleUnit)
            let outside = fast.values.indices.filter { abs(fast.values[$0] - naive.values[$0]) > factor * magnitudes.values[$0] }
            #expect(outside.isEmpty, "\(outside.count) elements beyond factor(K) |a| |b|, the first \(outside.first ?? -1)")
        }
    }

    @Test func schurFactorsTheMatrix() {
        withEvery("n", in: [0, 1, 2, 5, 12]) { n in
            var g = SeededGenerator(seed: UInt64(40 + n))
            let a = DenseMatrix(rows: n, columns: n, values: g.normals(n * n).map(Double.init))
            let (t, z) = try Lapack.schur(a)
            #expect(t.rows == n && z.rows == n)
            if n == 0 { return }
            #expect(z.orthogonalityDefect < 1e-12)
            #expect((z * t * z.transposed).maxAbsDifference(a) < 1e-10)
            // Quasi upper triangular: nothing below the first subdiagonal, and no two
            // consecutive subdiagonal entries (2x2 blocks do not overlap).
            for i in 0..<n { for j in 0..<max(0, i - 1) { #expect(t[i, j] == 0, "t[\(i), \(j)]") } }
            for i in 1..<max(1, n - 1) { #expect(t[i, i - 1] == 0 || t[i + 1, i] == 0, "blocks overlap at \(i)") }
        }
    }

    @Test func qrGivesAnOrthogonalFactor() {
        withEvery("n", in: [0, 1, 2, 7]) { n in
            var g = SeededGenerator(seed: UInt64(60 + n))
            let a = DenseMatrix(rows: n, columns: n, values: g.normals(n * n).map(Double.init))
            let (q, r, reflections) = try Lapack.qr(a)
            #expect(q.rows == n && r.count == n && (0...n).contains(reflections))
            if n == 0 { return }
            #expect(q.orthogonalityDefect < 1e-12)
            // r = qᵀ a is upper triangular with the returned diagonal.
            let upper = q.transposed * a
            for i in 0..<n {
                #expect(abs(upper[i, i] - r[i]) < 1e-10)
                for j in 0..<i { #expect(abs(upper[i, j]) < 1e-10, "r[\(i), \(j)]") }
            }
        }
    }
}

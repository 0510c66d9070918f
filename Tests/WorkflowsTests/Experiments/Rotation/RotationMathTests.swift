// Random rotations and their fractional powers (the CVPR 2017 rotation experiment's numerics):
// R orthogonal with det +1, R^0 = I, R^1 = R, R^α orthogonal, R^a R^b = R^(a+b), the half-turn
// planes (eigenvalue -1 pairs) handled, and the errors for matrices that are not rotations.
import Foundation
import Runtime
import Testing
import TestSupport
@testable import Workflows

/// Determinant by Gaussian elimination with partial pivoting (the test's own reference).
private func determinant(_ m: DenseMatrix) -> Double {
    var a = m, det = 1.0
    let n = m.rows
    for col in 0..<n {
        let pivot = (col..<n).max { abs(a[$0, col]) < abs(a[$1, col]) }!
        if a[pivot, col] == 0 { return 0 }
        if pivot != col {
            for j in 0..<n { let t = a[col, j]; a[col, j] = a[pivot, j]; a[pivot, j] = t }
            det = -det
        }
        det *= a[col, col]
        for r in (col + 1)..<max(col + 1, n) {
            let f = a[r, col] / a[col, col]
            for j in col..<n { a[r, j] -= f * a[col, j] }
        }
    }
    return det
}

/// A random orthogonal matrix from the seeded test generator (by Gram-Schmidt, independent of LAPACK).
private func gramSchmidt(_ n: Int, seed: UInt64) -> DenseMatrix {
    var g = SeededGenerator(seed: seed)
    var columns: [[Double]] = []
    while columns.count < n {
        var v = g.normals(n).map(Double.init)
        for _ in 0..<2 {
            for c in columns {
                let d = zip(v, c).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<n { v[i] -= d * c[i] }
            }
        }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        columns.append(v.map { $0 / norm })
    }
    var m = DenseMatrix(zeros: n, n)
    for j in 0..<n { for i in 0..<n { m[i, j] = columns[j][i] } }
    return m
}

@Suite struct RotationMathTests {
    // The tolerances below are absolute on purpose: every matrix they compare is orthogonal or a
    // product of orthogonal ones (rows and columns of norm 1), so they are relative to the
    // matrices' norm, never to an element that happens to be small. Errors of a few hundred
    // Double ulps of 1 (LAPACK's Schur form, dgemm in any order) stay far below them.
    @Test func randomRotationIsARotationFixedBySeed() throws {
        withEvery("n", in: [1, 2, 3, 10, 64]) { n in
            let r = try RandomRotation.make(size: n, seed: 5)
            #expect(r.orthogonalityDefect < 1e-12)
            #expect(abs(determinant(r) - 1) < 1e-9)
            #expect(try RandomRotation.make(size: n, seed: 5) == r)
            if n > 1 { #expect(try RandomRotation.make(size: n, seed: 6) != r) }
        }
    }

    @Test func everySeedGivesDeterminantPlusOne() throws {
        // Half of the raw QR factors have det -1; the fix must catch every one.
        withEvery("seed", in: 0..<24) { seed in
            let r = try RandomRotation.make(size: 5, seed: UInt64(seed))
            #expect(abs(determinant(r) - 1) < 1e-9)
        }
    }

    @Test func powersAtZeroAndOne() throws {
        withEvery("n", in: [1, 2, 3, 7, 32, 96]) { n in
            let r = try RandomRotation.make(size: n, seed: UInt64(n))
            let f = try FractionalRotation(r)
            #expect(f.power(0) == .identity(n))
            #expect(f.power(1).maxAbsDifference(r) < 1e-10)
            #expect(f.planes.count * 2 + f.fixedAxes.count == n)
        }
    }

    @Test func fractionalPowersAreRotationsThatCompose() throws {
        let r = try RandomRotation.make(size: 24, seed: 11)
        let f = try FractionalRotation(r)
        withEvery("alpha", in: [0.1, 0.25, 0.5, 0.8, 1.5, -0.3]) { alpha in
            let p = f.power(alpha)
            #expect(p.orthogonalityDefect < 1e-10)
            #expect(abs(determinant(p) - 1) < 1e-9)
            let q = try FractionalRotation(p)  // itself a rotation
            #expect(q.size == 24)
        }
        withEvery("a, b", in: [(0.2, 0.3), (0.5, 0.5), (0.25, 0.75), (0.6, -0.2)]) { pair in
            let product = f.power(pair.0) * f.power(pair.1)
            #expect(product.maxAbsDifference(f.power(pair.0 + pair.1)) < 1e-10)
        }
        // The square of the half power is R.
        #expect((f.power(0.5) * f.power(0.5)).maxAbsDifference(r) < 1e-10)
    }

    @Test func distanceFromIdentityGrowsWithAlpha() throws {
        let f = try FractionalRotation(try RandomRotation.make(size: 16, seed: 2))
        let distances = stride(from: 0.0, through: 1.0, by: 0.2).map { f.power($0).maxAbsDifference(.identity(16)) }
        #expect(distances[0] == 0)
        #expect(zip(distances, distances.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func planeRotationPowersTurnByAlphaTheta() throws {
        let theta = 2.0
        let r = DenseMatrix(rows: 2, columns: 2, values: [cos(theta), -sin(theta), sin(theta), cos(theta)])
        let f = try FractionalRotation(r)
        withEvery("alpha", in: [0.0, 0.3, 0.5, 1.0]) { alpha in
            let a = alpha * theta
            let expected = DenseMatrix(rows: 2, columns: 2, values: [cos(a), -sin(a), sin(a), cos(a)])
            #expect(f.power(alpha).maxAbsDifference(expected) < 1e-12)
        }
    }

    @Test func halfTurnsFromEigenvaluesMinusOne() throws {
        // diag(-1, -1, 1, -1, -1) in a random orthonormal basis: two half-turn planes, one fixed axis.
        let q = gramSchmidt(5, seed: 9)
        var d = DenseMatrix.identity(5)
        for i in [0, 1, 3, 4] { d[i, i] = -1 }
        let r = q * d * q.transposed
        let f = try FractionalRotation(r)
        #expect(f.fixedAxes.count == 1)
        #expect(f.planes.count == 2)
        #expect(f.planes.allSatisfy { abs(abs($0.angle) - .pi) < 1e-6 })
        #expect(f.power(1).maxAbsDifference(r) < 1e-10)
        let half = f.power(0.5)
        #expect(half.orthogonalityDefect < 1e-10)
        #expect((half * half).maxAbsDifference(r) < 1e-10)
        // Exactly diagonal: LAPACK returns 1x1 blocks -1, which must pair into a half turn.
        let diagonal = DenseMatrix(rows: 3, columns: 3, values: [-1, 0, 0, 0, -1, 0, 0, 0, 1])
        let g = try FractionalRotation(diagonal)
        #expect(g.planes == [RotationPlane(first: 0, second: 1, angle: .pi)] && g.fixedAxes == [2])
        let quarter = DenseMatrix(rows: 3, columns: 3, values: [0, -1, 0, 1, 0, 0, 0, 0, 1])
        #expect(g.power(0.5).maxAbsDifference(quarter) < 1e-15)
        // The identity itself: all axes fixed, every power the identity.
        let id = try FractionalRotation(.identity(4))
        #expect(id.planes.isEmpty && id.fixedAxes.count == 4)
        #expect(id.power(0.7).maxAbsDifference(.identity(4)) < 1e-15)
    }

    @Test func matricesThatAreNotRotationsAreRefused() {
        #expect(throws: RotationError.notSquare(rows: 2, columns: 3)) {
            try FractionalRotation(DenseMatrix(zeros: 2, 3))
        }
        var reflection = DenseMatrix.identity(3)
        reflection[0, 0] = -1
        #expect(throws: RotationError.improper) { try FractionalRotation(reflection) }
        let scaled = DenseMatrix(rows: 2, columns: 2, values: [2, 0, 0, 2])
        #expect {
            try FractionalRotation(scaled)
        } throws: { error in
            guard case .notOrthogonal = error as? RotationError else { return false }
            return true
        }
    }
}

// Fractional powers of a rotation, for the CVPR 2017 experiment that turns a layer's basis
// gradually from the units' own axes (α = 0) to a random one (α = 1).
//
// An orthogonal matrix is normal, so its real Schur form R = Q T Qᵀ is block diagonal: 2x2
// blocks [[cos θ, -sin θ], [sin θ, cos θ]] (one per pair of complex eigenvalues e^{±iθ}) and
// 1x1 blocks ±1. With det R = +1 the -1 entries come in an even number; two of them span a
// plane in which R turns by π. So R is a set of plane rotations by angles θ_k ∈ (-π, π] about
// orthonormal planes (the columns of Q), fixing the rest, and
//
//     R^α = Q B(α) Qᵀ,   B(α) = the same blocks with angles α θ_k
//
// is the principal power: real, orthogonal, R^0 = I, R^1 = R, R^a R^b = R^(a+b).
import Dissection
import Foundation
import Runtime

/// Why a matrix has no real fractional powers here.
public enum RotationError: Error, CustomStringConvertible, Equatable {
    /// The matrix is not square.
    case notSquare(rows: Int, columns: Int)
    /// `max |RᵀR - I|` is above the tolerance.
    case notOrthogonal(defect: Double)
    /// The determinant is -1 (a reflection): its powers are not real rotations.
    case improper
    /// The Schur form was not block diagonal to the tolerance (the matrix is far from normal).
    case notBlockDiagonal(residual: Double)
    /// LAPACK failed.
    case lapack(LapackError)

    /// One line: the cause.
    public var description: String {
        switch self {
        case let .notSquare(r, c): return "the matrix is \(r)x\(c), not square"
        case let .notOrthogonal(d): return "the matrix is not orthogonal (max |RᵀR - I| = \(d))"
        case .improper: return "the matrix has determinant -1 (a reflection), so R^α is not a real rotation"
        case let .notBlockDiagonal(r): return "the Schur form is not block diagonal (off-block residual \(r))"
        case let .lapack(e): return e.description
        }
    }
}

/// One plane of a rotation: the Schur vectors (columns of `Q`) spanning it and the angle.
public struct RotationPlane: Sendable, Equatable {
    /// Column of `Q` turned towards `second` by `angle`.
    public var first: Int
    /// The other column of `Q`.
    public var second: Int
    /// Angle in radians, in (-π, π].
    public var angle: Double
}

/// A rotation `R` (orthogonal, det +1) in its real Schur form, giving `R^α` for any real α.
public struct FractionalRotation: Sendable {
    /// The rotation `R`, as given.
    public let matrix: DenseMatrix
    /// Orthogonal Schur vectors: `R = Q B(1) Qᵀ`.
    public let schurVectors: DenseMatrix
    /// The planes of rotation with their angles.
    public let planes: [RotationPlane]
    /// Schur vectors left fixed (eigenvalue +1).
    public let fixedAxes: [Int]

    /// Tolerance on orthogonality and on the block structure of the Schur form.
    public static let tolerance = 1e-8

    /// Factors `matrix`.
    /// - Throws: `RotationError` when it is not a square orthogonal matrix with det +1.
    /// - Complexity: O(n³), a real Schur factorisation.
    public init(_ matrix: DenseMatrix) throws(RotationError) {
        guard matrix.isSquare else { throw .notSquare(rows: matrix.rows, columns: matrix.columns) }
        let n = matrix.rows
        let defect = n == 0 ? 0 : matrix.orthogonalityDefect
        guard defect <= Self.tolerance * Double(max(1, n)) else { throw .notOrthogonal(defect: defect) }
        let t: DenseMatrix, q: DenseMatrix
        do { (t, q) = try Lapack.schur(matrix) } catch { throw .lapack(error) }

        var planes: [RotationPlane] = [], fixed: [Int] = [], negative: [Int] = []
        var inBlock = [Bool](repeating: false, count: n * n)
        var i = 0
        while i < n {
            if i + 1 < n && t[i + 1, i] != 0 {
                // Standardised 2x2 block [[a, b], [c, a]] with b c < 0; for a rotation b = -c.
                let angle = atan2((t[i + 1, i] - t[i, i + 1]) / 2, (t[i, i] + t[i + 1, i + 1]) / 2)
                planes.append(RotationPlane(first: i, second: i + 1, angle: angle))
                for (r, c) in [(i, i), (i, i + 1), (i + 1, i), (i + 1, i + 1)] { inBlock[r * n + c] = true }
                i += 2
            } else {
                if t[i, i] > 0 { fixed.append(i) } else { negative.append(i) }
                inBlock[i * n + i] = true
                i += 1
            }
        }
        var residual = 0.0
        for k in 0..<(n * n) where !inBlock[k] { residual = max(residual, abs(t.values[k])) }
        guard residual <= Self.tolerance * Double(max(1, n)) else { throw .notBlockDiagonal(residual: residual) }
        // Eigenvalues -1 pair up into half turns; an odd one left over means det = -1.
        guard negative.count % 2 == 0 else { throw .improper }
        for k in stride(from: 0, to: negative.count, by: 2) {
            planes.append(RotationPlane(first: negative[k], second: negative[k + 1], angle: .pi))
        }
        self.matrix = matrix
        self.schurVectors = q
        self.planes = planes.sorted { $0.first < $1.first }
        self.fixedAxes = fixed
    }

    /// Number of dimensions.
    public var size: Int { matrix.rows }

    /// The block-diagonal `B(α)` in the Schur basis: every plane turned by `α θ`.
    public func blocks(_ alpha: Double) -> DenseMatrix {
        var b = DenseMatrix(zeros: size, size)
        for axis in fixedAxes { b[axis, axis] = 1 }
        for p in planes {
            let c = cos(alpha * p.angle), s = sin(alpha * p.angle)
            b[p.first, p.first] = c
            b[p.first, p.second] = -s
            b[p.second, p.first] = s
            b[p.second, p.second] = c
        }
        return b
    }

    /// `R^α = Q B(α) Qᵀ`, orthogonal with det +1. `R^0` is the identity exactly (not `Q Qᵀ`,
    /// which differs from it in the last bits and would let zero activations leak into others).
    /// - Complexity: O(n³), two matrix products.
    public func power(_ alpha: Double) -> DenseMatrix {
        precondition(alpha.isFinite, "FractionalRotation.power: α must be finite")
        if alpha == 0 { return .identity(size) }
        return schurVectors * blocks(alpha) * schurVectors.transposed
    }
}

// A small dense matrix of Doubles (the rotation experiment's random rotation R, its Schur vectors
// and its fractional powers). Row-major, like the runtime's channel-matrix edit; LAPACK wants
// column-major, so the wrappers in Lapack.swift transpose on the way in and out.

/// A dense `rows x columns` matrix of Doubles, row-major.
public struct DenseMatrix: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// `rows * columns` values, row-major: element (i, j) is `values[i * columns + j]`.
    public var values: [Double]

    /// Wraps `values` (row-major, `rows * columns` of them).
    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(rows >= 0 && columns >= 0, "DenseMatrix: negative size \(rows)x\(columns)")
        precondition(values.count == rows * columns,
                     "DenseMatrix: \(rows)x\(columns) needs \(rows * columns) values, got \(values.count)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// A matrix of zeros.
    public init(zeros rows: Int, _ columns: Int) {
        self.init(rows: rows, columns: columns, values: [Double](repeating: 0, count: rows * columns))
    }

    /// The `n x n` identity.
    public static func identity(_ n: Int) -> DenseMatrix {
        var m = DenseMatrix(zeros: n, n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// Element (row `i`, column `j`).
    @inlinable public subscript(i: Int, j: Int) -> Double {
        get { values[i * columns + j] }
        set { values[i * columns + j] = newValue }
    }

    /// Whether the matrix is square.
    public var isSquare: Bool { rows == columns }

    /// The transpose.
    public var transposed: DenseMatrix {
        var t = DenseMatrix(zeros: columns, rows)
        for i in 0..<rows {
            for j in 0..<columns { t.values[j * rows + i] = values[i * columns + j] }
        }
        return t
    }

    /// The values as Floats, row-major (what `LayerEdit.channelMatrix` takes).
    public var floats: [Float] { values.map { Float($0) } }

    /// Largest absolute difference from `other` (same shape).
    public func maxAbsDifference(_ other: DenseMatrix) -> Double {
        precondition(rows == other.rows && columns == other.columns,
                     "DenseMatrix: comparing \(rows)x\(columns) with \(other.rows)x\(other.columns)")
        var worst = 0.0
        for k in values.indices { worst = Swift.max(worst, abs(values[k] - other.values[k])) }
        return worst
    }

    /// `max |MᵀM - I|`: how far a square matrix is from orthogonal.
    public var orthogonalityDefect: Double {
        precondition(isSquare, "DenseMatrix: orthogonality of a non-square \(rows)x\(columns) matrix")
        return (transposed * self).maxAbsDifference(.identity(rows))
    }

    /// The product `a b`, by BLAS (`dgemm`).
    /// - Complexity: O(a.rows * a.columns * b.columns).
    public static func * (a: DenseMatrix, b: DenseMatrix) -> DenseMatrix {
        precondition(a.columns == b.rows, "DenseMatrix: product of \(a.rows)x\(a.columns) and \(b.rows)x\(b.columns)")
        return Lapack.product(a, b)
    }

    /// The product `a b` by the plain triple loop: the specification `*` is tested against.
    public static func naiveProduct(_ a: DenseMatrix, _ b: DenseMatrix) -> DenseMatrix {
        precondition(a.columns == b.rows, "DenseMatrix: product of \(a.rows)x\(a.columns) and \(b.rows)x\(b.columns)")
        var c = DenseMatrix(zeros: a.rows, b.columns)
        for i in 0..<a.rows {
            for k in 0..<a.columns {
                let x = a[i, k]
                if x == 0 { continue }
                for j in 0..<b.columns { c.values[i * b.columns + j] += x * b.values[k * b.columns + j] }
            }
        }
        return c
    }
}

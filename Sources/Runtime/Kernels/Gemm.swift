// a (M, K) or (K, M), b (K, N) or (N, K), c broadcast to (M, N) -> y (M, N)
//
// ONNX Gemm: y = f(alpha op(a) op(b) + beta c). The c term is written into y first, broadcast
// from a scalar, a row (N), a column (M, 1) or the full matrix, and sgemm then accumulates onto
// it (beta 1), so no broadcast pass follows the product. The output is cut into row blocks when
// there are many rows (a batch of feature vectors), otherwise into column blocks (one image
// through a classifier), one sgemm per block on a worker.

/// How Gemm's `c` input broadcasts to (M, N).
public enum GemmAddend: Sendable, Hashable {
    /// No `c` (or beta 0).
    case none
    /// One value for all of y.
    case scalar
    /// N values, one per column: the bias of a fully connected layer.
    case row
    /// M values, one per row.
    case column
    /// M * N values.
    case full

    /// The broadcast kind for a `c` of `shape` against (M, N), or nil when it does not broadcast
    /// (ONNX: c is unidirectionally broadcastable to (M, N), rank at most 2).
    public init?(shape: [Int], m: Int, n: Int) {
        guard shape.count <= 2 else { return nil }
        let dims = shape.count == 2 ? shape : [1] + (shape.count == 1 ? shape : [1])
        if dims[0] == 1 && dims[1] == 1 { self = .scalar; return }
        switch (dims[0], dims[1]) {
        case (1, n): self = .row
        case (m, 1): self = .column
        case (m, n): self = .full
        default: return nil
        }
    }

    /// Floats `c` holds for this kind.
    public func count(m: Int, n: Int) -> Int {
        switch self {
        case .none: 0
        case .scalar: 1
        case .row: n
        case .column: m
        case .full: m * n
        }
    }
}

/// ONNX Gemm with an optional fused activation.
public struct Gemm: Sendable, Hashable {
    /// Rows of y, columns of y, and the reduction length.
    public let m: Int, n: Int, k: Int
    /// `a` is stored (K, M) rather than (M, K); `b` is stored (N, K) rather than (K, N).
    public let transA: Bool, transB: Bool
    /// Scale of the product and of `c`.
    public let alpha: Float, beta: Float
    /// How `c` broadcasts.
    public let addend: GemmAddend
    /// Applied last.
    public let activation: Activation

    /// A Gemm of (M, K) by (K, N).
    public init(m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false,
                alpha: Float = 1, beta: Float = 1, addend: GemmAddend = .none,
                activation: Activation = .none) {
        precondition(m >= 0 && n >= 0 && k >= 0, "Gemm: negative size \(m)x\(n)x\(k)")
        self.m = m; self.n = n; self.k = k
        self.transA = transA; self.transB = transB
        self.alpha = alpha; self.beta = beta
        self.addend = beta == 0 ? .none : addend
        self.activation = activation
    }

    /// Rows a worker takes when splitting rows; columns when splitting columns.
    static let minimumBlock = 32

    /// `y = f(alpha op(a) op(b) + beta c)`; `c` holds `addend.count(m:n:)` floats (may be nil
    /// for `.none`). `y` must not overlap the inputs.
    public func run(a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafePointer<Float>?,
                    y: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        precondition(addend == .none || c != nil, "Gemm: c missing")
        guard m > 0 && n > 0 else { return }
        let lda = transA ? m : k, ldb = transB ? k : n
        let splitRows = m >= Self.minimumBlock * parallelism.threads || m >= n
        let extent = splitRows ? m : n
        let grain = parallelism.grain(for: extent, perWorker: 2, minimum: Self.minimumBlock)
        parallelism.forEachRange(extent, grain: grain) { range, _ in
            let rows = splitRows ? range : 0..<m
            let columns = splitRows ? 0..<n : range
            fillAddend(c, y, rows: rows, columns: columns)
            let aBlock = transA ? a + rows.lowerBound : a + rows.lowerBound * lda
            let bBlock = transB ? b + columns.lowerBound * ldb : b + columns.lowerBound
            // y block (rows, columns) = alpha * op(a) rows (rows, K) * op(b) columns (K, columns) + y
            BLAS.sgemm(transA: transA, transB: transB,
                       m: rows.count, n: columns.count, k: k,
                       alpha: alpha,
                       a: aBlock, lda: lda,
                       b: bBlock, ldb: ldb,
                       beta: addend == .none ? 0 : 1,
                       c: y + rows.lowerBound * n + columns.lowerBound, ldc: n)
            if !activation.isIdentity {
                activation.apply(rows: rows.count, columns: columns.count,
                                 y + rows.lowerBound * n + columns.lowerBound, stride: n, bias: nil)
            }
        }
    }

    /// y[rows, columns] = beta * c broadcast.
    private func fillAddend(_ c: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>,
                            rows: Range<Int>, columns: Range<Int>) {
        guard let c else { return }
        for i in rows {
            let out = y + i * n
            switch addend {
            case .none: return
            case .scalar: (out + columns.lowerBound).update(repeating: beta * c[0], count: columns.count)
            case .column: (out + columns.lowerBound).update(repeating: beta * c[i], count: columns.count)
            case .row: for j in columns { out[j] = beta * c[j] }
            case .full: for j in columns { out[j] = beta * c[i * n + j] }
            }
        }
    }

    /// The specification: a double-precision dot product per output.
    public func reference(a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafePointer<Float>?,
                          y: UnsafeMutablePointer<Float>) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k {
                    let av = transA ? a[p * m + i] : a[i * k + p]
                    let bv = transB ? b[j * k + p] : b[p * n + j]
                    sum += Double(av) * Double(bv)
                }
                var value = Double(alpha) * sum
                if let c {
                    switch addend {
                    case .none: break
                    case .scalar: value += Double(beta) * Double(c[0])
                    case .row: value += Double(beta) * Double(c[j])
                    case .column: value += Double(beta) * Double(c[i])
                    case .full: value += Double(beta) * Double(c[i * n + j])
                    }
                }
                y[i * n + j] = activation.reference(Float(value))
            }
        }
    }
}

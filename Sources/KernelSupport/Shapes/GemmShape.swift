// Gemm and MatMul, settled.

/// How Gemm's `c` input broadcasts to (M, N).
package enum GemmAddend: Sendable, Hashable {
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
    package init?(shape: [Int], m: Int, n: Int) {
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
    package func count(m: Int, n: Int) -> Int {
        switch self {
        case .none: 0
        case .scalar: 1
        case .row: n
        case .column: m
        case .full: m * n
        }
    }
}

/// One Gemm: `Y = alpha * op(A) op(B) + beta * C`.
package struct GemmShape: Sendable, Hashable {
    /// Rows of Y, columns of Y, and the reduction length.
    package var m: Int, n: Int, k: Int
    /// A is stored (K, M) rather than (M, K); B is stored (N, K) rather than (K, N).
    package var transA: Bool, transB: Bool
    /// Scale of the product and of C.
    package var alpha: Float, beta: Float
    /// How C broadcasts (`.none` without C).
    package var addend: GemmAddend

    package init(m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false,
                alpha: Float = 1, beta: Float = 1, addend: GemmAddend = .none) {
        precondition(m >= 0 && n >= 0 && k >= 0, "GemmShape: negative size \(m)x\(n)x\(k)")
        self.m = m; self.n = n; self.k = k
        self.transA = transA; self.transB = transB
        self.alpha = alpha; self.beta = beta
        self.addend = addend
    }
}

/// One MatMul: products of (M, K) by (K, N) over the broadcast batch dimensions.
package struct MatMulShape: Sendable, Hashable {
    /// Rows, columns and reduction length of every product.
    package var m: Int, n: Int, k: Int
    /// y's shape: the broadcast batch dimensions, then M unless a was 1-D, N unless b was.
    package var outputShape: [Int]
    /// For each product, the element offset of its A and B matrices.
    package var aOffsets: [Int], bOffsets: [Int]

    /// Number of products (output matrices).
    package var matrices: Int { aOffsets.count }

    package static func resolve(a: [Int], b: [Int]) throws -> MatMulShape {
        guard !a.isEmpty, !b.isEmpty else { throw OpFailure.malformed("MatMul of a scalar") }
        let a2 = a.count == 1 ? [1, a[0]] : a
        let b2 = b.count == 1 ? [b[0], 1] : b
        let m = a2[a2.count - 2], k = a2[a2.count - 1]
        let kb = b2[b2.count - 2], n = b2[b2.count - 1]
        guard k == kb else {
            throw OpFailure.shape("\(ShapeMath.describe(a)) and \(ShapeMath.describe(b)) do not multiply (K \(k) vs \(kb))")
        }
        let aBatch = Array(a2.dropLast(2)), bBatch = Array(b2.dropLast(2))
        guard let batch = ShapeMath.broadcast(aBatch, bBatch) else {
            throw OpFailure.shape("batch shapes \(ShapeMath.describe(aBatch)) and \(ShapeMath.describe(bBatch)) do not broadcast")
        }
        var aOffsets: [Int] = [], bOffsets: [Int] = []
        forEachIndex(batch, strides: [ShapeMath.broadcastStrides(aBatch, to: batch),
                                      ShapeMath.broadcastStrides(bBatch, to: batch)]) { o in
            aOffsets.append(o[0] * m * k)
            bOffsets.append(o[1] * k * n)
        }
        if batch.isEmpty { aOffsets = [0]; bOffsets = [0] }
        var out = batch
        if a.count > 1 { out.append(m) }
        if b.count > 1 { out.append(n) }
        return MatMulShape(m: m, n: n, k: k, outputShape: out, aOffsets: aOffsets, bOffsets: bOffsets)
    }

    package init(m: Int, n: Int, k: Int, outputShape: [Int], aOffsets: [Int], bOffsets: [Int]) {
        self.m = m
        self.n = n
        self.k = k
        self.outputShape = outputShape
        self.aOffsets = aOffsets
        self.bOffsets = bOffsets
    }
}

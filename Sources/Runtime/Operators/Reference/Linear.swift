// Gemm and MatMul: the classifier heads of every CNN.
//
//     Gemm:   A (M, K) or (K, M), B (K, N) or (N, K), C broadcast to (M, N) -> Y (M, N)
//     MatMul: a (..., M, K), b (..., K, N) -> y (broadcast batch..., M, N), NumPy rules for 1-D.

/// The resolved shape of one Gemm.
struct GemmShape: Sendable, Equatable {
    var m: Int, n: Int, k: Int
    var transA: Bool, transB: Bool
    var alpha: Float, beta: Float
    /// Strides for reading C at (i, j), or nil without C.
    var cStrides: (row: Int, column: Int)?

    static func == (l: GemmShape, r: GemmShape) -> Bool {
        l.m == r.m && l.n == r.n && l.k == r.k && l.transA == r.transA && l.transB == r.transB
            && l.alpha == r.alpha && l.beta == r.beta && l.cStrides?.row == r.cStrides?.row
            && l.cStrides?.column == r.cStrides?.column
    }

    static func resolve(_ g: GemmAttributes, a: [Int], b: [Int], c: [Int]?) throws -> GemmShape {
        guard a.count == 2, b.count == 2 else {
            throw OpFailure.malformed("inputs of shapes \(ShapeMath.describe(a)) and \(ShapeMath.describe(b)) are not matrices")
        }
        let (m, k) = g.transA ? (a[1], a[0]) : (a[0], a[1])
        let (kb, n) = g.transB ? (b[1], b[0]) : (b[0], b[1])
        guard k == kb else {
            throw OpFailure.shape("A \(ShapeMath.describe(a)) and B \(ShapeMath.describe(b)) do not multiply (K \(k) vs \(kb))")
        }
        var strides: (row: Int, column: Int)? = nil
        if let c {
            guard c.count <= 2, let out = ShapeMath.broadcast([m, n], c), out == [m, n] else {
                throw OpFailure.malformed("C \(ShapeMath.describe(c)) does not broadcast to (\(m), \(n))")
            }
            let s = ShapeMath.broadcastStrides(c, to: [m, n])
            strides = (s[0], s[1])
        }
        return GemmShape(m: m, n: n, k: k, transA: g.transA, transB: g.transB, alpha: g.alpha, beta: g.beta,
                         cStrides: strides)
    }
}

/// The resolved shape of one MatMul: `batches` products of (M, K) by (K, N).
struct MatMulShape: Sendable, Equatable {
    var m: Int, n: Int, k: Int
    var outputShape: [Int]
    /// For each product, the element offset of its A and B matrices.
    var aOffsets: [Int], bOffsets: [Int]

    static func resolve(a: [Int], b: [Int]) throws -> MatMulShape {
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
}

extension Reference {
    /// `Y = alpha * op(A) op(B) + beta * C`.
    static func gemm(_ s: GemmShape, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafePointer<Float>?,
                     y: UnsafeMutablePointer<Float>) {
        for i in 0..<s.m {
            let row = y + i * s.n
            row.update(repeating: 0, count: s.n)
            for p in 0..<s.k {
                let av = s.transA ? a[p * s.m + i] : a[i * s.k + p]
                if s.transB {
                    for j in 0..<s.n { row[j] += av * b[j * s.k + p] }
                } else {
                    let bRow = b + p * s.n
                    for j in 0..<s.n { row[j] += av * bRow[j] }
                }
            }
            for j in 0..<s.n {
                var v = s.alpha * row[j]
                if let c, let st = s.cStrides { v += s.beta * c[i * st.row + j * st.column] }
                row[j] = v
            }
        }
    }

    /// `y[b] = a[b] (M, K) * b[b] (K, N)` for every broadcast batch index.
    static func matMul(_ s: MatMulShape, a: UnsafePointer<Float>, b: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        for (index, (ao, bo)) in zip(s.aOffsets, s.bOffsets).enumerated() {
            let g = GemmShape(m: s.m, n: s.n, k: s.k, transA: false, transB: false, alpha: 1, beta: 0, cStrides: nil)
            gemm(g, a: a + ao, b: b + bo, c: nil, y: y + index * s.m * s.n)
        }
    }

    /// A fully connected layer: `y = activation(x w^T + b)`.
    ///
    ///     x (M, K), w (N, K), b (N)? -> y (M, N)
    static func linear(_ r: LinearRequest, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        r.weights.withBase { w in
            for i in 0..<r.rows {
                let xi = x + i * r.inFeatures
                for j in 0..<r.outFeatures {
                    let wj = w + j * r.inFeatures
                    var sum: Float = 0
                    for p in 0..<r.inFeatures { sum += xi[p] * wj[p] }
                    y[i * r.outFeatures + j] = sum + (r.bias?[j] ?? 0)
                }
            }
        }
        r.activation.apply(y, count: r.rows * r.outFeatures)
    }
}

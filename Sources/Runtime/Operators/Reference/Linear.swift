// Gemm and MatMul: the classifier heads of every CNN.
//
//     Gemm:   A (M, K) or (K, M), B (K, N) or (N, K), C broadcast to (M, N) -> Y (M, N)
//     MatMul: a (..., M, K), b (..., K, N) -> y (broadcast batch..., M, N), NumPy rules for 1-D.
//
// The references are Double dot products, one per output: the specification of Kernels/Gemm.swift
// (which also runs the planner's linear layers) and Kernels/MatMul.swift.

/// How Gemm's `c` input broadcasts to (M, N).
enum GemmAddend: Sendable, Hashable {
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
    init?(shape: [Int], m: Int, n: Int) {
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
    func count(m: Int, n: Int) -> Int {
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
struct GemmShape: Sendable, Hashable {
    /// Rows of Y, columns of Y, and the reduction length.
    var m: Int, n: Int, k: Int
    /// A is stored (K, M) rather than (M, K); B is stored (N, K) rather than (K, N).
    var transA: Bool, transB: Bool
    /// Scale of the product and of C.
    var alpha: Float, beta: Float
    /// How C broadcasts (`.none` without C).
    var addend: GemmAddend

    init(m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false,
                alpha: Float = 1, beta: Float = 1, addend: GemmAddend = .none) {
        precondition(m >= 0 && n >= 0 && k >= 0, "GemmShape: negative size \(m)x\(n)x\(k)")
        self.m = m; self.n = n; self.k = k
        self.transA = transA; self.transB = transB
        self.alpha = alpha; self.beta = beta
        self.addend = addend
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
        var addend = GemmAddend.none
        if let c {
            guard let kind = GemmAddend(shape: c, m: m, n: n) else {
                throw OpFailure.malformed("C \(ShapeMath.describe(c)) does not broadcast to (\(m), \(n))")
            }
            addend = kind
        }
        return GemmShape(m: m, n: n, k: k, transA: g.transA, transB: g.transB, alpha: g.alpha, beta: g.beta,
                         addend: addend)
    }
}

/// One MatMul: products of (M, K) by (K, N) over the broadcast batch dimensions.
struct MatMulShape: Sendable, Hashable {
    /// Rows, columns and reduction length of every product.
    var m: Int, n: Int, k: Int
    /// y's shape: the broadcast batch dimensions, then M unless a was 1-D, N unless b was.
    var outputShape: [Int]
    /// For each product, the element offset of its A and B matrices.
    var aOffsets: [Int], bOffsets: [Int]

    /// Number of products (output matrices).
    var matrices: Int { aOffsets.count }

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
    /// `Y = f(alpha * op(A) op(B) + beta * C)`, each output a Double dot product rounded once
    /// before `f`; `c` holds `s.addend.count(m:n:)` floats (nil for `.none`).
    static func gemm(_ s: GemmShape, activation: Activation = .none, a: UnsafePointer<Float>,
                     b: UnsafePointer<Float>, c: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        precondition(s.addend == .none || c != nil, "Reference.gemm: c missing")
        let (m, n, k) = (s.m, s.n, s.k)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k {
                    let av = s.transA ? a[p * m + i] : a[i * k + p]
                    let bv = s.transB ? b[j * k + p] : b[p * n + j]
                    sum += Double(av) * Double(bv)
                }
                var value = Double(s.alpha) * sum
                if let c {
                    switch s.addend {
                    case .none: break
                    case .scalar: value += Double(s.beta) * Double(c[0])
                    case .row: value += Double(s.beta) * Double(c[j])
                    case .column: value += Double(s.beta) * Double(c[i])
                    case .full: value += Double(s.beta) * Double(c[i * n + j])
                    }
                }
                y[i * n + j] = activation.reference(Float(value))
            }
        }
    }

    /// `y[b] = a[b] (M, K) * b[b] (K, N)` for every broadcast batch index.
    static func matMul(_ s: MatMulShape, a: UnsafePointer<Float>, b: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let product = GemmShape(m: s.m, n: s.n, k: s.k)
        for (index, (ao, bo)) in zip(s.aOffsets, s.bOffsets).enumerated() {
            gemm(product, a: a + ao, b: b + bo, c: nil, y: y + index * s.m * s.n)
        }
    }

    /// A fully connected layer: `y = f(x w^T + b)`, Gemm with B transposed and C a row.
    ///
    ///     x (M, K), w (N, K), b (N)? -> y (M, N)
    static func linear(_ r: LinearRequest, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let s = GemmShape(m: r.rows, n: r.outFeatures, k: r.inFeatures, transB: true,
                          addend: r.bias == nil ? .none : .row)
        r.weights.withBase { w in
            (r.bias ?? []).withBase { b in
                gemm(s, activation: r.activation, a: x, b: w, c: r.bias == nil ? nil : b, y: y)
            }
        }
    }
}

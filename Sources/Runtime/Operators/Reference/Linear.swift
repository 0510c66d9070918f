// Gemm and MatMul: the classifier heads of every CNN.
//
//     Gemm:   A (M, K) or (K, M), B (K, N) or (N, K), C broadcast to (M, N) -> Y (M, N)
//     MatMul: a (..., M, K), b (..., K, N) -> y (broadcast batch..., M, N), NumPy rules for 1-D.
//
// The references are Double dot products, one per output: the specification of Kernels/Gemm.swift
// (which also runs the planner's linear layers) and Kernels/MatMul.swift.

/// Settling the node's attributes at this input size (the shape itself is in KernelSupport).
extension GemmShape {
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

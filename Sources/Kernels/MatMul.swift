// a (..., M, K), b (..., K, N) -> y (..., M, N), batch dimensions broadcast NumPy-style.
//
// ONNX MatMul, the fast path of `Reference.matMul`: a 1-D `a` is a row (1, K) whose M dimension
// is dropped from the output, a 1-D `b` a column (K, 1) whose N dimension is dropped. One sgemm
// per output matrix; the matrices, or the columns of a single matrix, are spread over the workers.

/// ONNX MatMul over fixed shapes.
import KernelSupport

struct MatMul: Sendable, Hashable {
    /// The products and where their operands are.
    let shape: MatMulShape

    init(shape: MatMulShape) {
        self.shape = shape
    }

    /// `y = a b`; y must not overlap the inputs.
    func run(a: UnsafePointer<Float>, b: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                    parallelism: Parallelism) {
        let (m, n, k) = (shape.m, shape.n, shape.k)
        guard m > 0 && n > 0 else { return }
        let count = shape.matrices
        let blocks = count >= parallelism.threads ? 1
            : max(1, min(parallelism.threads, n / Gemm.minimumBlock))
        let width = (n + blocks - 1) / blocks
        let aOffsets = shape.aOffsets, bOffsets = shape.bOffsets
        parallelism.forEach(count * blocks) { item, _ in
            let index = item / blocks, block = item % blocks
            let j0 = block * width, columns = min(width, n - j0)
            guard columns > 0 else { return }
            // y[index] (M, columns) = a[index] (M, K) * b[index] (K, columns)
            BLAS.sgemm(m: m, n: columns, k: k,
                       a: a + aOffsets[index], lda: k,
                       b: b + bOffsets[index] + j0, ldb: n,
                       c: y + index * m * n + j0, ldc: n)
        }
    }
}

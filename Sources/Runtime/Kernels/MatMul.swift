// a (..., M, K), b (..., K, N) -> y (..., M, N), batch dimensions broadcast NumPy-style.
//
// ONNX MatMul: a 1-D `a` is a row (1, K) whose M dimension is dropped from the output, a 1-D `b`
// a column (K, 1) whose N dimension is dropped. One sgemm per output matrix; the matrices, or the
// columns of a single matrix, are spread over the workers.

/// ONNX MatMul over fixed shapes.
public struct MatMul: Sendable, Hashable {
    /// The output shape.
    public let outputShape: [Int]
    /// Rows, columns and reduction length of every matrix product.
    public let m: Int, n: Int, k: Int
    /// The broadcast batch dimensions, and the matrix index of `a` and `b` for each output
    /// matrix (a stride of 0 repeats a matrix).
    let batchShape: [Int], aStrides: [Int], bStrides: [Int]

    /// Prepares `a` of `aShape` times `b` of `bShape`; nil when the shapes do not multiply
    /// (reduction lengths differ, or batch dimensions do not broadcast).
    public init?(a aShape: [Int], b bShape: [Int]) {
        guard !aShape.isEmpty && !bShape.isEmpty else { return nil }
        let a = aShape.count == 1 ? [1] + aShape : aShape
        let b = bShape.count == 1 ? bShape + [1] : bShape
        guard a[a.count - 1] == b[b.count - 2] else { return nil }
        m = a[a.count - 2]; k = a[a.count - 1]; n = b[b.count - 1]
        let aBatch = Array(a.dropLast(2)), bBatch = Array(b.dropLast(2))
        let rank = max(aBatch.count, bBatch.count)
        let aPadded = [Int](repeating: 1, count: rank - aBatch.count) + aBatch
        let bPadded = [Int](repeating: 1, count: rank - bBatch.count) + bBatch
        var batch: [Int] = []
        for (x, y) in zip(aPadded, bPadded) {
            guard x == y || x == 1 || y == 1 else { return nil }
            batch.append(x == 1 ? y : x)
        }
        batchShape = batch
        aStrides = Self.matrixStrides(aPadded, batch)
        bStrides = Self.matrixStrides(bPadded, batch)
        var out = batch
        if aShape.count > 1 { out.append(m) }
        if bShape.count > 1 { out.append(n) }
        outputShape = out
    }

    /// Matrix-index strides of an operand of batch dims `dims` broadcast to `batch`.
    private static func matrixStrides(_ dims: [Int], _ batch: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: dims.count)
        var step = 1
        for d in stride(from: dims.count - 1, through: 0, by: -1) {
            strides[d] = dims[d] == 1 && batch[d] != 1 ? 0 : step
            step *= dims[d]
        }
        return strides
    }

    /// Number of output matrices.
    public var matrices: Int { batchShape.reduce(1, *) }

    /// Index of the `a` and `b` matrices that output matrix `index` multiplies.
    func operands(_ index: Int) -> (a: Int, b: Int) {
        var rest = index, ai = 0, bi = 0
        for d in stride(from: batchShape.count - 1, through: 0, by: -1) {
            let i = rest % batchShape[d]
            rest /= batchShape[d]
            ai += i * aStrides[d]
            bi += i * bStrides[d]
        }
        return (ai, bi)
    }

    /// `y = a b`; y must not overlap the inputs.
    public func run(a: UnsafePointer<Float>, b: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                    parallelism: Parallelism) {
        guard m > 0 && n > 0 else { return }
        let count = matrices
        let blocks = count >= parallelism.threads ? 1
            : max(1, min(parallelism.threads, n / Gemm.minimumBlock))
        let width = (n + blocks - 1) / blocks
        parallelism.forEach(count * blocks) { item, _ in
            let index = item / blocks, block = item % blocks
            let j0 = block * width, columns = min(width, n - j0)
            guard columns > 0 else { return }
            let (ai, bi) = operands(index)
            // y[index] (M, columns) = a[ai] (M, K) * b[bi] (K, columns)
            BLAS.sgemm(m: m, n: columns, k: k,
                       a: a + ai * m * k, lda: k,
                       b: b + bi * k * n + j0, ldb: n,
                       c: y + index * m * n + j0, ldc: n)
        }
    }

    /// The specification: a double-precision dot product per output.
    public func reference(a: UnsafePointer<Float>, b: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        for index in 0..<matrices {
            let (ai, bi) = operands(index)
            for i in 0..<m {
                for j in 0..<n {
                    var sum: Double = 0
                    for p in 0..<k {
                        sum += Double(a[ai * m * k + i * k + p]) * Double(b[bi * k * n + p * n + j])
                    }
                    y[index * m * n + i * n + j] = Float(sum)
                }
            }
        }
    }
}

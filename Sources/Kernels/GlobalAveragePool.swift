// x (N, C, H, W) -> y (N, C, 1, 1): the mean of every plane, the fast path of
// `Reference.globalPool`.

/// GlobalAveragePool: the mean over each (image, channel) plane.
import KernelSupport

public enum GlobalAveragePool {
    /// Fast path: planes spread over the workers, each summed eight lanes at a time.
    ///
    /// - Parameters:
    ///   - planes: N * C; `planeSize`: H * W (at least 1).
    public static func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                           planes: Int, planeSize: Int, parallelism: Parallelism) {
        precondition(planeSize >= 1, "GlobalAveragePool: empty plane")
        let scale = 1 / Float(planeSize)
        let grain = parallelism.grain(for: planes, minimum: max(1, 4096 / planeSize))
        parallelism.forEachRange(planes, grain: grain) { range, _ in
            for plane in range {
                let p = x + plane * planeSize
                var acc0 = Vec8.zero, acc1 = Vec8.zero
                var i = 0
                while i + 16 <= planeSize {
                    acc0 += p.vec8(i)
                    acc1 += p.vec8(i + 8)
                    i += 16
                }
                if i + 8 <= planeSize {
                    acc0 += p.vec8(i)
                    i += 8
                }
                var sum = VectorMath.sum(acc0 + acc1)
                while i < planeSize {
                    sum += p[i]
                    i += 1
                }
                y[plane] = sum * scale
            }
        }
    }
}

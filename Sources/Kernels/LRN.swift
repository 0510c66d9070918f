// x (N, C, H, W) -> y (N, C, H, W): local response normalisation across channels, the fast path
// of `Reference.lrn`.
//
// y[n, c] = x[n, c] / (bias + alpha / size * sum of x[n, i]^2 over the window of channels
// i in [c - floor((size - 1) / 2), c + ceil((size - 1) / 2)], clipped to 0..<C)^beta.
// The window sum runs over whole planes eight lanes at a time; beta 0.75 (AlexNet, GoogLeNet)
// and 0.5 are square roots, any other beta goes through powf.
#if canImport(Glibc)
import Glibc
import KernelSupport
#else
import Darwin
#endif

/// ONNX LRN over NCHW feature maps.
struct LRN: Sendable, Hashable {
    /// The window size in channels, and alpha, beta, bias as in ONNX.
    let size: Int, alpha: Float, beta: Float, bias: Float
    /// N, C, and H * W.
    let batch: Int, channels: Int, planeSize: Int

    /// LRN with `attributes` over x of `shape` (N, C, ...).
    init(_ attributes: LRNAttributes, shape: [Int]) {
        precondition(attributes.size >= 1 && shape.count >= 2, "LRN: size \(attributes.size), shape \(shape)")
        size = attributes.size; alpha = attributes.alpha; beta = attributes.beta; bias = attributes.bias
        batch = shape[0]; channels = shape[1]; planeSize = shape.dropFirst(2).reduce(1, *)
    }

    /// First and last channel of the window around channel `c`.
    func window(_ c: Int) -> ClosedRange<Int> {
        max(0, c - (size - 1) / 2)...min(channels - 1, c + size / 2)
    }

    /// Normalises the batch; `y` must not overlap `x`.
    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        let scale = alpha / Float(size)
        let chunk = 256
        let chunks = (planeSize + chunk - 1) / chunk
        parallelism.forEach(batch * channels * chunks) { item, _ in
            let k = item % chunks, plane = item / chunks
            let n = plane / channels, c = plane % channels
            let j0 = k * chunk, count = min(chunk, planeSize - j0)
            let image = x + n * channels * planeSize + j0
            let out = y + plane * planeSize + j0, xc = image + c * planeSize
            let window = window(c)
            var j = 0
            while j + 8 <= count {
                var s = Vec8.zero
                for i in window { let v = (image + i * planeSize).vec8(j); s += v * v }
                out.store(xc.vec8(j) * inversePower(s * scale + bias), at: j)
                j += 8
            }
            while j < count {
                var s: Float = 0
                for i in window { let v = image[i * planeSize + j]; s += v * v }
                out[j] = xc[j] / powf(s * scale + bias, beta)
                j += 1
            }
        }
    }

    /// base^-beta in each lane.
    @inline(__always)
    func inversePower(_ base: Vec8) -> Vec8 {
        switch beta {
        case 0.75: let r = base.squareRoot(); return 1 / (r * r.squareRoot())
        case 0.5: return 1 / base.squareRoot()
        case 1: return 1 / base
        default:
            var r = Vec8()
            for lane in 0..<8 { r[lane] = powf(base[lane], -beta) }
            return r
        }
    }
}

// x (N, C, D1..Dk) -> y (N, C, O1..Ok), k = 1, 2 or 3
//
// MaxPool and AveragePool with pads, strides, dilations and ceil_mode; GlobalAveragePool and
// GlobalMaxPool. Padding never takes part in a max. An average divides by the taps inside the
// input, or, with count_include_pad, by the taps inside the padded input (a ceil_mode window
// that hangs past the end padding counts only up to it, as onnxruntime and PyTorch do).
// PyTorch's LRN export pools a 5-D tensor, hence the three spatial axes.

/// The resolved geometry of one MaxPool or AveragePool.
struct PoolShape: Sendable, Equatable {
    var isMax: Bool
    var countIncludePad: Bool
    /// N * C: the planes pooled independently.
    var planes: Int
    var window: SlidingWindow
    var inputShape: [Int]
    var outputShape: [Int]

    static func resolve(_ a: PoolAttributes, isMax: Bool, x: [Int]) throws -> PoolShape {
        guard (3...5).contains(x.count) else {
            throw OpFailure.malformed("input of rank \(x.count) is not supported (1 to 3 spatial axes are)")
        }
        guard let kernel = a.window.kernelShape else { throw OpFailure.malformed("kernel_shape is missing") }
        let spatial = Array(x[2...])
        guard kernel.count == spatial.count else {
            throw OpFailure.malformed("kernel_shape \(kernel) does not fit input \(ShapeMath.describe(x))")
        }
        let window = try SlidingWindow.resolve(a.window, input: spatial, kernel: kernel, ceilMode: a.ceilMode,
                                               padsWithinKernel: true)
        return PoolShape(isMax: isMax, countIncludePad: a.countIncludePad, planes: x[0] * x[1], window: window,
                         inputShape: x, outputShape: [x[0], x[1]] + window.output)
    }

    /// The window padded to three spatial axes (leading axes of size 1), for the reference loop.
    var window3D: SlidingWindow {
        let extra = 3 - window.rank
        let ones = [Int](repeating: 1, count: extra), zeros = [Int](repeating: 0, count: extra)
        return SlidingWindow(input: ones + window.input, kernel: ones + window.kernel, strides: ones + window.strides,
                             dilations: ones + window.dilations, padBegin: zeros + window.padBegin,
                             padEnd: zeros + window.padEnd, output: ones + window.output)
    }
}

extension Reference {
    /// The plain MaxPool / AveragePool.
    ///
    ///     x (N, C, D1..Dk) -> y (N, C, O1..Ok)
    static func pool(_ s: PoolShape, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let w = s.window3D
        let inPlane = w.input[0] * w.input[1] * w.input[2]
        let outPlane = w.output[0] * w.output[1] * w.output[2]
        for p in 0..<s.planes {
            let xp = x + p * inPlane
            var o = p * outPlane
            for od in 0..<w.output[0] {
                for oh in 0..<w.output[1] {
                    for ow in 0..<w.output[2] {
                        let sd = od * w.strides[0] - w.padBegin[0]
                        let sh = oh * w.strides[1] - w.padBegin[1]
                        let sw = ow * w.strides[2] - w.padBegin[2]
                        var best = -Float.infinity
                        var sum: Float = 0
                        var inside = 0
                        // Taps inside the padded input (the count_include_pad divisor).
                        let padded = Self.taps(from: sd, axis: 0, w) * Self.taps(from: sh, axis: 1, w)
                            * Self.taps(from: sw, axis: 2, w)
                        for kd in 0..<w.kernel[0] {
                            let id = sd + kd * w.dilations[0]
                            if id < 0 || id >= w.input[0] { continue }
                            for kh in 0..<w.kernel[1] {
                                let ih = sh + kh * w.dilations[1]
                                if ih < 0 || ih >= w.input[1] { continue }
                                for kw in 0..<w.kernel[2] {
                                    let iw = sw + kw * w.dilations[2]
                                    if iw < 0 || iw >= w.input[2] { continue }
                                    let v = xp[(id * w.input[1] + ih) * w.input[2] + iw]
                                    if v > best || v.isNaN { best = v }
                                    sum += v
                                    inside += 1
                                }
                            }
                        }
                        if s.isMax {
                            y[o] = best
                        } else {
                            let divisor = s.countIncludePad ? padded : inside
                            y[o] = divisor > 0 ? sum / Float(divisor) : 0
                        }
                        o += 1
                    }
                }
            }
        }
    }

    /// Taps of the window starting at `start` on `axis` that lie before the end of the padding.
    @inline(__always)
    private static func taps(from start: Int, axis: Int, _ w: SlidingWindow) -> Int {
        let limit = w.input[axis] + w.padEnd[axis]
        var n = 0
        for k in 0..<w.kernel[axis] where start + k * w.dilations[axis] < limit { n += 1 }
        return n
    }

    /// GlobalAveragePool / GlobalMaxPool: each of `planes` planes of `size` values to one value.
    ///
    ///     x (N, C, D1..Dk) -> y (N, C, 1..1)
    static func globalPool(isMax: Bool, planes: Int, size: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        for p in 0..<planes {
            let xp = x + p * size
            if isMax {
                var best = -Float.infinity
                for i in 0..<size where xp[i] > best || xp[i].isNaN { best = xp[i] }
                y[p] = best
            } else {
                var sum: Float = 0
                for i in 0..<size { sum += xp[i] }
                y[p] = size > 0 ? sum / Float(size) : 0
            }
        }
    }
}

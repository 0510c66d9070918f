// x (N, C, D1..Dk) -> y (N, C, O1..Ok), k = 1, 2 or 3
//
// MaxPool and AveragePool with pads, strides, dilations and ceil_mode; GlobalAveragePool and
// GlobalMaxPool. Padding never takes part in a max. An average divides by the taps inside the
// input, or, with count_include_pad, by the taps inside the padded input (a ceil_mode window
// that hangs past the end padding counts only up to it, as onnxruntime and PyTorch do).
// PyTorch's LRN export pools a 5-D tensor, hence the three spatial axes.

// x (N, C, D1..Dk) -> y (N, C, O1..Ok), k = 1, 2 or 3
//
// MaxPool and AveragePool with pads, strides, dilations and ceil_mode; GlobalAveragePool and
// GlobalMaxPool. Padding never takes part in a max. An average divides by the taps inside the
// input, or, with count_include_pad, by the taps inside the padded input (a ceil_mode window
// that hangs past the end padding counts only up to it, as onnxruntime and PyTorch do).
// PyTorch's LRN export pools a 5-D tensor, hence the three spatial axes. The references are the
// specification of Kernels/Pooling.swift and Kernels/GlobalAveragePool.swift.

/// Settling the node's attributes at this input size (the shape itself is in KernelSupport).
extension PoolShape {
    /// Resolves MaxPool or AveragePool over `x` (N, C, spatial...): one image's pool, and y's
    /// shape as the graph sees it.
    static func resolve(_ a: PoolAttributes, x: [Int]) throws -> (shape: PoolShape, outputShape: [Int]) {
        guard (3...5).contains(x.count) else {
            throw OpFailure.malformed("input of rank \(x.count) is not supported (1 to 3 spatial axes are)")
        }
        guard let kernel = a.window.kernelShape else { throw OpFailure.malformed("kernel_shape is missing") }
        let spatial = Array(x[2...])
        guard kernel.count == spatial.count else {
            throw OpFailure.malformed("kernel_shape \(kernel) does not fit input \(ShapeMath.describe(x))")
        }
        let window = try SlidingWindow.resolve(a.window, input: spatial, kernel: kernel, padsWithinKernel: true)
        // The spatial axes right-aligned on (D, H, W).
        let padded = [Int](repeating: 1, count: 3 - spatial.count) + spatial
        var shape = PoolShape(channels: x[1], inputHeight: padded[1], inputWidth: padded[2], window: window,
                              ceilMode: a.ceilMode)
        shape.inputDepth = padded[0]
        let output = [shape.outputDepth, shape.outputHeight, shape.outputWidth].suffix(spatial.count)
        return (shape, [x[0], x[1]] + output)
    }
}

extension Reference {
    /// The plain MaxPool / AveragePool: every tap of every window checked against the input and
    /// the pads; averages summed in Double and rounded once.
    ///
    ///     x (N, C, D, H, W) -> y (N, C, OD, OH, OW)
    static func pool(_ kind: PoolKind, _ s: PoolShape, batch: Int, x: UnsafePointer<Float>,
                     y: UnsafeMutablePointer<Float>) {
        precondition(s.problem == nil, "Reference.pool: \(s.problem ?? "")")
        let w = s.window
        let (d, h, width) = (s.inputDepth, s.inputHeight, s.inputWidth)
        let (od, oh, ow) = (s.outputDepth, s.outputHeight, s.outputWidth)
        var o = 0
        for plane in 0..<batch * s.channels {
            let xp = x + plane * d * h * width
            for i0 in 0..<od {
                for i1 in 0..<oh {
                    for i2 in 0..<ow {
                        let sd = i0 * w.strideDepth - w.padFront
                        let sh = i1 * w.strideHeight - w.padTop
                        let sw = i2 * w.strideWidth - w.padLeft
                        var best = -Float.infinity
                        var sum: Double = 0
                        var inside = 0
                        // Taps inside the padded input (the count_include_pad divisor).
                        let padded = Self.taps(from: sd, w.kernelDepth, w.dilationDepth, limit: d + w.padBack)
                            * Self.taps(from: sh, w.kernelHeight, w.dilationHeight, limit: h + w.padBottom)
                            * Self.taps(from: sw, w.kernelWidth, w.dilationWidth, limit: width + w.padRight)
                        for kd in 0..<w.kernelDepth {
                            let id = sd + kd * w.dilationDepth
                            if id < 0 || id >= d { continue }
                            for kh in 0..<w.kernelHeight {
                                let ih = sh + kh * w.dilationHeight
                                if ih < 0 || ih >= h { continue }
                                for kw in 0..<w.kernelWidth {
                                    let iw = sw + kw * w.dilationWidth
                                    if iw < 0 || iw >= width { continue }
                                    let v = xp[(id * h + ih) * width + iw]
                                    if v > best || v.isNaN { best = v }
                                    sum += Double(v)
                                    inside += 1
                                }
                            }
                        }
                        switch kind {
                        case .max: y[o] = best
                        case let .average(includePad):
                            let divisor = includePad ? padded : inside
                            y[o] = divisor > 0 ? Float(sum / Double(divisor)) : 0
                        }
                        o += 1
                    }
                }
            }
        }
    }

    /// Taps of a window starting at `start` along one axis that lie before `limit` (the end of
    /// the padding).
    @inline(__always)
    private static func taps(from start: Int, _ kernel: Int, _ dilation: Int, limit: Int) -> Int {
        var n = 0
        for k in 0..<kernel where start + k * dilation < limit { n += 1 }
        return n
    }

    /// GlobalAveragePool / GlobalMaxPool: each of `planes` planes of `size` values to one value,
    /// a mean summed in Double and rounded once.
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
                var sum: Double = 0
                for i in 0..<size { sum += Double(xp[i]) }
                y[p] = size > 0 ? Float(sum / Double(size)) : 0
            }
        }
    }
}

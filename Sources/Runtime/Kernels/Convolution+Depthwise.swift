// x (N, C, H, W), w (C * M, 1, KH, KW) -> y (N, C * M, OH, OW), groups == C, multiplier M.
//
// Per (image, channel): the input plane is copied once into the worker's scratch as a zero-padded
// `PaddedPlane`, so every tap of eight consecutive outputs reads eight consecutive floats
// whatever the stride. Each output row is then computed sixteen or eight outputs at a time with
// all KH * KW taps accumulated in registers, bias included; the epilogue (residual, activation)
// runs on the finished row while it is in L1.

extension Convolution {
    func runDepthwise(_ a: Arguments, parallelism: Parallelism) {
        let g = geometry
        let plane = paddedPlane!
        let channels = g.inputChannels
        let multiplier = g.outputChannels / channels
        let outPlane = g.outputHeight * g.outputWidth
        plane.tapOffsets.withUnsafeBufferPointer { offsetBuffer in
            let offsets = offsetBuffer.baseAddress!
            parallelism.forEach(a.batch * channels) { item, worker in
                let image = item / channels, c = item % channels
                let padded = a.scratch! + worker * plane.count
                plane.fill(from: a.x + image * g.inputCount + c * g.inputHeight * g.inputWidth,
                           into: padded, padding: 0)
                for m in 0..<multiplier {
                    let oc = c * multiplier + m
                    let start = image * g.outputCount + oc * outPlane
                    activation.accept(DepthwisePlane(
                        plane: UnsafePointer(padded), rowStep: plane.rowStep, offsets: offsets, taps: plane.taps,
                        weights: a.weights + oc * plane.taps, bias: a.bias[oc],
                        out: a.y + start, residual: a.residual.map { $0 + start },
                        rows: g.outputHeight, width: g.outputWidth))
                }
            }
        }
    }
}

/// One output plane of a depthwise convolution: out[i, j] = f(bias + residual[i, j] +
/// sum over taps t of weights[t] * plane[i * rowStep + offsets[t] + j]).
///
/// Sixteen outputs at a time with every tap accumulated in registers, then eight, then a last
/// partial vector: it reads past the end of the row, which the padded plane's slack allows, and
/// stores only the lanes that exist.
private struct DepthwisePlane: ActivationVisitor {
    let plane: UnsafePointer<Float>, rowStep: Int
    let offsets: UnsafePointer<Int>, taps: Int
    let weights: UnsafePointer<Float>, bias: Float
    let out: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?
    let rows: Int, width: Int

    @inline(__always)
    func visit<F: VectorFunction>(_ f: F) {
        for row in 0..<rows {
            let base = plane + row * rowStep
            let y = out + row * width
            let r = residual.map { $0 + row * width }
            var j = 0
            while j + 16 <= width {
                var a0 = Vec8(repeating: bias), a1 = a0
                for t in 0..<taps {
                    let wt = Vec8(repeating: weights[t])
                    let p = base + offsets[t] + j
                    a0 = VectorMath.fma(a0, wt, p.vec8(0))
                    a1 = VectorMath.fma(a1, wt, p.vec8(8))
                }
                if let r {
                    a0 += r.vec8(j)
                    a1 += r.vec8(j + 8)
                }
                y.store(f(a0), at: j)
                y.store(f(a1), at: j + 8)
                j += 16
            }
            while j < width {
                var a0 = Vec8(repeating: bias)
                for t in 0..<taps {
                    a0 = VectorMath.fma(a0, Vec8(repeating: weights[t]), (base + offsets[t] + j).vec8(0))
                }
                let n = Swift.min(8, width - j)
                if let r { a0 += n == 8 ? r.vec8(j) : Vec8(partial: r + j, count: n) }
                if n == 8 { y.store(f(a0), at: j) } else { (y + j).store(f(a0), count: n) }
                j += 8
            }
        }
    }
}

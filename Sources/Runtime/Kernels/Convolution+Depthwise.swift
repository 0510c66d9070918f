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
        let taps = plane.taps
        let oh = g.outputHeight, ow = g.outputWidth
        let outPlane = oh * ow
        plane.tapOffsets.withUnsafeBufferPointer { offsetBuffer in
            let offsets = offsetBuffer.baseAddress!
            parallelism.forEach(a.batch * channels) { item, worker in
                let image = item / channels, c = item % channels
                let padded = a.scratch! + worker * plane.count
                plane.fill(from: a.x + image * g.inputCount + c * g.inputHeight * g.inputWidth,
                           into: padded, padding: 0)
                for m in 0..<multiplier {
                    let oc = c * multiplier + m
                    let weights = a.weights + oc * taps
                    let bias = a.bias[oc]
                    let start = image * g.outputCount + oc * outPlane
                    for row in 0..<oh {
                        let out = a.y + start + row * ow
                        Self.depthwiseRow(UnsafePointer(padded) + row * plane.rowStep, out, count: ow,
                                          weights: weights, offsets: offsets, taps: taps, bias: bias)
                        let residual = a.residual.map { $0 + start + row * ow }
                        activation.apply(out, residual, out, count: ow)
                    }
                }
            }
        }
    }

    /// out[j] = bias + sum over taps t of weights[t] * base[offsets[t] + j], for j in 0..<count.
    @inline(__always)
    static func depthwiseRow(_ base: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                             count: Int, weights: UnsafePointer<Float>, offsets: UnsafePointer<Int>,
                             taps: Int, bias: Float) {
        var j = 0
        while j + 16 <= count {
            var a0 = Vec8(repeating: bias), a1 = a0
            for t in 0..<taps {
                let wt = Vec8(repeating: weights[t])
                let p = base + offsets[t] + j
                a0 += wt * p.vec8(0)
                a1 += wt * p.vec8(8)
            }
            out.store(a0, at: j)
            out.store(a1, at: j + 8)
            j += 16
        }
        while j + 8 <= count {
            var a0 = Vec8(repeating: bias)
            for t in 0..<taps {
                a0 += Vec8(repeating: weights[t]) * (base + offsets[t] + j).vec8(0)
            }
            out.store(a0, at: j)
            j += 8
        }
        while j < count {
            var s = bias
            for t in 0..<taps { s += weights[t] * base[offsets[t] + j] }
            out[j] = s
            j += 1
        }
    }
}

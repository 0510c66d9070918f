// x (N, C, H, W), w (C * M, 1, KH, KW) -> y (N, C * M, OH, OW), groups == C, multiplier M.
//
// Per (image, channel): the input plane is copied once into the worker's scratch, zero-padded and
// split by column phase for the horizontal stride: phase p holds padded columns p, p + sW,
// p + 2 sW, ... so that every tap of eight consecutive outputs reads eight consecutive floats,
// whatever the stride. Then each output row is eight or sixteen outputs at a time, all KH * KW
// taps accumulated in registers, bias included; the epilogue (residual, activation) runs on the
// finished row while it is in L1.

extension Convolution {
    /// Rows of the padded plane: (OH - 1) sH + (KH - 1) dH + 1.
    var depthwisePaddedHeight: Int {
        (geometry.outputHeight - 1) * geometry.window.strideHeight + geometry.window.effectiveHeight
    }

    /// Columns of one phase of the padded plane: ceil(((OW - 1) sW + (KW - 1) dW + 1) / sW).
    var depthwisePhaseWidth: Int {
        let w = geometry.window
        let padded = (geometry.outputWidth - 1) * w.strideWidth + w.effectiveWidth
        return (padded + w.strideWidth - 1) / w.strideWidth
    }

    /// Floats of one worker's padded, phase-split plane.
    var depthwisePlaneCount: Int {
        geometry.window.strideWidth * depthwisePaddedHeight * depthwisePhaseWidth
    }

    static func depthwiseTapOffsets(_ g: ConvGeometry) -> [Int] {
        let w = g.window
        let rows = (g.outputHeight - 1) * w.strideHeight + w.effectiveHeight
        let padded = (g.outputWidth - 1) * w.strideWidth + w.effectiveWidth
        let phaseWidth = (padded + w.strideWidth - 1) / w.strideWidth
        var offsets: [Int] = []
        for kh in 0..<w.kernelHeight {
            for kw in 0..<w.kernelWidth {
                let column = kw * w.dilationWidth
                let phase = column % w.strideWidth
                offsets.append(phase * rows * phaseWidth + kh * w.dilationHeight * phaseWidth
                               + column / w.strideWidth)
            }
        }
        return offsets
    }

    func runDepthwise(_ a: Arguments, parallelism: Parallelism) {
        let g = geometry, w = g.window
        let channels = g.inputChannels
        let multiplier = g.outputChannels / channels
        let planeCount = depthwisePlaneCount
        let taps = w.kernelHeight * w.kernelWidth
        let oh = g.outputHeight, ow = g.outputWidth
        let outPlane = oh * ow
        let rowStep = w.strideHeight * depthwisePhaseWidth
        tapOffsets.withUnsafeBufferPointer { offsetBuffer in
            let offsets = offsetBuffer.baseAddress!
            parallelism.forEach(a.batch * channels) { item, worker in
                let image = item / channels, c = item % channels
                let plane = a.scratch! + worker * planeCount
                padPlane(a.x + image * g.inputCount + c * g.inputHeight * g.inputWidth, into: plane)
                for m in 0..<multiplier {
                    let oc = c * multiplier + m
                    let weights = a.weights + oc * taps
                    let bias = a.bias[oc]
                    let yc = a.y + image * g.outputCount + oc * outPlane
                    for row in 0..<oh {
                        let out = yc + row * ow
                        Self.depthwiseRow(UnsafePointer(plane) + row * rowStep, out, count: ow,
                                          weights: weights, offsets: offsets, taps: taps, bias: bias)
                        let residual = a.residual.map { $0 + image * g.outputCount + oc * outPlane + row * ow }
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

    /// x (H, W) -> the zero-padded plane split into sW column phases, each
    /// (paddedHeight, phaseWidth): phase p, row r, column j holds x[r - padTop, j sW + p - padLeft].
    func padPlane(_ x: UnsafePointer<Float>, into plane: UnsafeMutablePointer<Float>) {
        let g = geometry, w = g.window
        let rows = depthwisePaddedHeight, phaseWidth = depthwisePhaseWidth
        for phase in 0..<w.strideWidth {
            let span = GatherSpan(outputs: phaseWidth, offset: phase - w.padLeft,
                                  stride: w.strideWidth, width: g.inputWidth)
            let dst = plane + phase * rows * phaseWidth
            for r in 0..<rows {
                let ih = r - w.padTop
                if ih >= 0 && ih < g.inputHeight {
                    span.gather(x + ih * g.inputWidth, into: dst + r * phaseWidth)
                } else {
                    (dst + r * phaseWidth).update(repeating: 0, count: phaseWidth)
                }
            }
        }
    }
}

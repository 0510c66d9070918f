// x (N, C, H, W), w (OC, C/groups, KH, KW), b (OC) -> y (N, OC, OH, OW)
//
// The specification of `Convolution`: a direct loop over every output value, group, input
// channel and tap, accumulated in double precision. The fast paths are tested against it.

extension Convolution {
    /// The plain convolution: `y = f(conv(x, w) + b + residual)` by direct loops.
    ///
    /// - Parameters:
    ///   - x: `batch * C * H * W` floats; `weights`: `OC * C/groups * KH * KW`; `bias`: OC or nil.
    ///   - residual: nil or `batch * OC * OH * OW` floats added before the activation.
    ///   - y: `batch * OC * OH * OW` floats.
    /// - Complexity: O(N * OC * OH * OW * C/groups * KH * KW), single-threaded.
    public static func reference(
        geometry g: ConvGeometry, activation: Activation = .none, batch: Int,
        x: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        residual: UnsafePointer<Float>? = nil, y: UnsafeMutablePointer<Float>
    ) {
        precondition(g.problem == nil, "Convolution.reference: \(g.problem ?? "")")
        let w = g.window
        let h = g.inputHeight, width = g.inputWidth
        let oh = g.outputHeight, ow = g.outputWidth
        let cg = g.groupInputChannels, ocg = g.groupOutputChannels
        for n in 0..<batch {
            for oc in 0..<g.outputChannels {
                let group = oc / ocg
                for i in 0..<oh {
                    for j in 0..<ow {
                        var sum = Double(bias?[oc] ?? 0)
                        for c in 0..<cg {
                            let xc = x + (n * g.inputChannels + group * cg + c) * h * width
                            for kh in 0..<w.kernelHeight {
                                let ih = i * w.strideHeight - w.padTop + kh * w.dilationHeight
                                if ih < 0 || ih >= h { continue }
                                for kw in 0..<w.kernelWidth {
                                    let iw = j * w.strideWidth - w.padLeft + kw * w.dilationWidth
                                    if iw < 0 || iw >= width { continue }
                                    let wi = ((oc * cg + c) * w.kernelHeight + kh) * w.kernelWidth + kw
                                    sum += Double(weights[wi]) * Double(xc[ih * width + iw])
                                }
                            }
                        }
                        let index = ((n * g.outputChannels + oc) * oh + i) * ow + j
                        if let residual { sum += Double(residual[index]) }
                        y[index] = activation.reference(Float(sum))
                    }
                }
            }
        }
    }

    /// `reference` on arrays; returns `y`.
    public static func reference(
        geometry g: ConvGeometry, activation: Activation = .none, batch: Int,
        x: [Float], weights: [Float], bias: [Float]?, residual: [Float]? = nil
    ) -> [Float] {
        precondition(x.count == batch * g.inputCount, "Convolution.reference: x has \(x.count) floats")
        precondition(weights.count == g.weightCount, "Convolution.reference: \(weights.count) weights")
        precondition(residual == nil || residual!.count == batch * g.outputCount,
                     "Convolution.reference: residual has \(residual!.count) floats")
        var y = [Float](repeating: 0, count: batch * g.outputCount)
        let r = residual ?? []
        x.withUnsafeBufferPointer { xb in
            weights.withUnsafeBufferPointer { wb in
                (bias ?? []).withUnsafeBufferPointer { bb in
                    r.withUnsafeBufferPointer { rb in
                        y.withUnsafeMutableBufferPointer { yb in
                            reference(geometry: g, activation: activation, batch: batch,
                                      x: xb.baseAddress!, weights: wb.baseAddress!,
                                      bias: bias == nil ? nil : bb.baseAddress,
                                      residual: residual == nil ? nil : rb.baseAddress,
                                      y: yb.baseAddress!)
                        }
                    }
                }
            }
        }
        return y
    }
}

// x (N, C, H, W), w (OC, C/group, KH, KW), b (OC) -> y (N, OC, OH, OW)
//
// Conv with groups (depthwise when group == C), dilation, asymmetric pads and auto_pad. 1-D
// convolutions (N, C, L) run as 2-D ones with H = 1. The reference accumulates tap by tap over
// whole output rows, so the inner loop is a contiguous multiply-add the compiler vectorises when
// the stride is 1.

// x (N, C, H, W), w (OC, C/groups, KH, KW), b (OC) -> y (N, OC, OH, OW)
//
// Conv with groups (depthwise when groups == C), dilation, asymmetric pads and auto_pad. 1-D
// convolutions (N, C, L) run as 2-D ones with H = 1. The reference is a direct sum per output
// value over its group's channels and taps, accumulated in Double, with the epilogue the planner
// fuses into a convolution step (residual, activation): it is the specification of every fast
// path in Kernels/Convolution*.swift.

/// Settling the node's attributes at this input size (the shape itself is in KernelSupport).
extension ConvShape {
    /// Resolves Conv over input `x` and weights `w` shapes: one image's convolution, and y's shape
    /// as the graph sees it ((N, OC, OL) for a 1-D convolution).
    static func resolve(_ attributes: ConvAttributes, x: [Int], w: [Int],
                        bias: [Int]?) throws -> (shape: ConvShape, outputShape: [Int]) {
        var x = x, w = w
        var attributes = attributes
        let oneD = x.count == 3 && w.count == 3
        if oneD {
            // 1-D: (N, C, L) as (N, C, 1, L).
            x.insert(1, at: 2)
            w.insert(1, at: 2)
            let win = attributes.window
            attributes.window = WindowAttributes(
                kernelShape: win.kernelShape.map { [1] + $0 }, strides: win.strides.map { [1] + $0 },
                dilations: win.dilations.map { [1] + $0 },
                pads: win.pads.map { p in p.count == 2 ? [0, p[0], 0, p[1]] : p },
                autoPad: win.autoPad)
        }
        guard x.count == 4 else { throw OpFailure.malformed("input of rank \(x.count) is not supported (1-D and 2-D convolutions are)") }
        guard w.count == 4 else { throw OpFailure.malformed("weights of shape \(ShapeMath.describe(w)) are not (OC, C/group, KH, KW)") }
        let group = attributes.group
        guard w[1] * group == x[1] else {
            throw OpFailure.malformed("input has \(x[1]) channels, weights \(ShapeMath.describe(w)) with group \(group) expect \(w[1] * group)")
        }
        guard w[0] % group == 0, w[0] > 0 else { throw OpFailure.malformed("\(w[0]) output channels do not split into \(group) groups") }
        if let k = attributes.window.kernelShape, k != [w[2], w[3]] {
            throw OpFailure.malformed("kernel_shape \(k) differs from the weights' \([w[2], w[3]])")
        }
        if let b = bias, b != [w[0]] {
            throw OpFailure.malformed("bias of shape \(ShapeMath.describe(b)) does not match \(w[0]) output channels")
        }
        let window = try SlidingWindow.resolve(attributes.window, input: [x[2], x[3]], kernel: [w[2], w[3]],
                                               padsWithinKernel: false)
        let shape = ConvShape(inputChannels: x[1], outputChannels: w[0], inputHeight: x[2], inputWidth: x[3],
                              window: window, groups: group)
        let out = oneD ? [x[0], w[0], shape.outputWidth] : [x[0], w[0], shape.outputHeight, shape.outputWidth]
        return (shape, out)
    }
}

extension Reference {
    /// The plain convolution with the epilogue the planner fuses into it:
    /// `y = f(conv(x, w) + b + residual)`, each output one Double sum, rounded once before `f`.
    ///
    ///     x (N, C, H, W), w (OC, C/groups, KH, KW), b (OC)?, residual (N, OC, OH, OW)? -> y (N, OC, OH, OW)
    ///
    /// - Complexity: O(N * OC * OH * OW * C/groups * KH * KW), single-threaded.
    static func conv(_ s: ConvShape, batch: Int, activation: Activation = .none,
                     x: UnsafePointer<Float>, w: UnsafePointer<Float>, b: UnsafePointer<Float>?,
                     residual: UnsafePointer<Float>? = nil, y: UnsafeMutablePointer<Float>) {
        precondition(s.problem == nil, "Reference.conv: \(s.problem ?? "")")
        let win = s.window
        let h = s.inputHeight, width = s.inputWidth
        let oh = s.outputHeight, ow = s.outputWidth
        let cg = s.groupInputChannels, ocg = s.groupOutputChannels
        let kh = win.kernelHeight, kw = win.kernelWidth
        for n in 0..<batch {
            for oc in 0..<s.outputChannels {
                let group = oc / ocg
                let xg = x + (n * s.inputChannels + group * cg) * h * width
                let wo = w + oc * cg * kh * kw
                for i in 0..<oh {
                    for j in 0..<ow {
                        var sum = Double(b?[oc] ?? 0)
                        for c in 0..<cg {
                            let xc = xg + c * h * width, wc = wo + c * kh * kw
                            for p in 0..<kh {
                                let ih = i * win.strideHeight - win.padTop + p * win.dilationHeight
                                if ih < 0 || ih >= h { continue }
                                for q in 0..<kw {
                                    let iw = j * win.strideWidth - win.padLeft + q * win.dilationWidth
                                    if iw < 0 || iw >= width { continue }
                                    sum += Double(wc[p * kw + q]) * Double(xc[ih * width + iw])
                                }
                            }
                        }
                        let index = ((n * s.outputChannels + oc) * oh + i) * ow + j
                        if let residual { sum += Double(residual[index]) }
                        y[index] = activation.reference(Float(sum))
                    }
                }
            }
        }
    }
}

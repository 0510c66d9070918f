// x (N, C, H, W), w (OC, C/group, KH, KW), b (OC) -> y (N, OC, OH, OW)
//
// Conv with groups (depthwise when group == C), dilation, asymmetric pads and auto_pad. 1-D
// convolutions (N, C, L) run as 2-D ones with H = 1. The reference accumulates tap by tap over
// whole output rows, so the inner loop is a contiguous multiply-add the compiler vectorises when
// the stride is 1.

/// The fully resolved geometry of one 2-D convolution.
struct ConvShape: Sendable, Equatable {
    var batch: Int, channels: Int, height: Int, width: Int
    var outChannels: Int, group: Int
    var kernelH: Int, kernelW: Int
    var strideH: Int, strideW: Int
    var dilationH: Int, dilationW: Int
    var padTop: Int, padLeft: Int, padBottom: Int, padRight: Int
    var outHeight: Int, outWidth: Int
    /// The output shape as the graph sees it ((N, OC, OL) for a 1-D convolution).
    var outputShape: [Int]

    /// C / group.
    var groupChannels: Int { channels / group }
    /// OC / group.
    var groupOutChannels: Int { outChannels / group }
    /// OC * C/group * KH * KW.
    var weightCount: Int { outChannels * groupChannels * kernelH * kernelW }

    /// Resolves Conv over input `x` and weights `w` shapes.
    static func resolve(_ attributes: ConvAttributes, x: [Int], w: [Int], bias: [Int]?) throws -> ConvShape {
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
        let win = try SlidingWindow.resolve(attributes.window, input: [x[2], x[3]], kernel: [w[2], w[3]],
                                            ceilMode: false, padsWithinKernel: false)
        let out = oneD ? [x[0], w[0], win.output[1]] : [x[0], w[0], win.output[0], win.output[1]]
        return ConvShape(batch: x[0], channels: x[1], height: x[2], width: x[3], outChannels: w[0], group: group,
                         kernelH: w[2], kernelW: w[3], strideH: win.strides[0], strideW: win.strides[1],
                         dilationH: win.dilations[0], dilationW: win.dilations[1],
                         padTop: win.padBegin[0], padLeft: win.padBegin[1], padBottom: win.padEnd[0], padRight: win.padEnd[1],
                         outHeight: win.output[0], outWidth: win.output[1], outputShape: out)
    }
}

extension Reference {
    /// The plain convolution, `y = conv(x, w) + b`.
    ///
    ///     x (N, C, H, W), w (OC, C/group, KH, KW), b (OC)? -> y (N, OC, OH, OW)
    static func conv(_ s: ConvShape, x: UnsafePointer<Float>, w: UnsafePointer<Float>, b: UnsafePointer<Float>?,
                     y: UnsafeMutablePointer<Float>) {
        let plane = s.outHeight * s.outWidth
        let inPlane = s.height * s.width
        let cg = s.groupChannels, ocg = s.groupOutChannels
        for n in 0..<s.batch {
            for oc in 0..<s.outChannels {
                let g = oc / ocg
                let yp = y + (n * s.outChannels + oc) * plane
                yp.update(repeating: b?[oc] ?? 0, count: plane)
                for c in 0..<cg {
                    let xp = x + (n * s.channels + g * cg + c) * inPlane
                    for kh in 0..<s.kernelH {
                        for kw in 0..<s.kernelW {
                            let weight = w[((oc * cg + c) * s.kernelH + kh) * s.kernelW + kw]
                            let dx = kw * s.dilationW - s.padLeft
                            // Output columns whose tap lands inside the row: 0 <= ow * SW + dx < W.
                            let owStart = dx >= 0 ? 0 : (-dx + s.strideW - 1) / s.strideW
                            let owEnd = min(s.outWidth, s.width - dx <= 0 ? 0 : (s.width - dx - 1) / s.strideW + 1)
                            if owStart >= owEnd { continue }
                            for oh in 0..<s.outHeight {
                                let ih = oh * s.strideH - s.padTop + kh * s.dilationH
                                if ih < 0 || ih >= s.height { continue }
                                let row = yp + oh * s.outWidth
                                let src = xp + ih * s.width + dx
                                if s.strideW == 1 {
                                    for ow in owStart..<owEnd { row[ow] += weight * src[ow] }
                                } else {
                                    for ow in owStart..<owEnd { row[ow] += weight * src[ow * s.strideW] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

// x (N, C, H, W) -> y (N, C, OH, OW)
//
// The specification of `Pooling` and `GlobalAveragePool`: direct loops over every output and tap,
// checking each tap against the input and the pads.

extension Pooling {
    /// The plain pooling loop.
    ///
    /// Max ignores padding. Average divides by the taps inside the input, or, with
    /// `countIncludePad`, inside the input and its pads (a ceil-mode window running past the end
    /// pad counts only what lies inside it).
    public static func reference(kind: Kind, geometry g: PoolGeometry, batch: Int,
                                 x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        precondition(g.problem == nil, "Pooling.reference: \(g.problem ?? "")")
        let w = g.window
        let h = g.inputHeight, width = g.inputWidth
        let oh = g.outputHeight, ow = g.outputWidth
        for plane in 0..<batch * g.channels {
            let xp = x + plane * h * width
            for i in 0..<oh {
                for j in 0..<ow {
                    var maximum = -Float.infinity
                    var sum: Double = 0
                    var inside = 0, padded = 0
                    for kh in 0..<w.kernelHeight {
                        let ih = i * w.strideHeight - w.padTop + kh * w.dilationHeight
                        for kw in 0..<w.kernelWidth {
                            let iw = j * w.strideWidth - w.padLeft + kw * w.dilationWidth
                            if ih >= 0 && ih < h && iw >= 0 && iw < width {
                                let v = xp[ih * width + iw]
                                maximum = Swift.max(maximum, v)
                                sum += Double(v)
                                inside += 1
                            }
                            if ih < h + w.padBottom && iw < width + w.padRight { padded += 1 }
                        }
                    }
                    let value: Float
                    switch kind {
                    case .max: value = maximum
                    case let .average(includePad): value = Float(sum / Double(includePad ? padded : inside))
                    }
                    y[(plane * oh + i) * ow + j] = value
                }
            }
        }
    }

    /// `reference` on arrays; returns `y`.
    public static func reference(kind: Kind, geometry g: PoolGeometry, batch: Int, x: [Float]) -> [Float] {
        precondition(x.count == batch * g.inputCount, "Pooling.reference: x has \(x.count) floats")
        var y = [Float](repeating: 0, count: batch * g.outputCount)
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                reference(kind: kind, geometry: g, batch: batch, x: xb.baseAddress!, y: yb.baseAddress!)
            }
        }
        return y
    }

    /// `run` on arrays with its own scratch, for tests and one-off calls; returns `y`.
    public func run(_ x: [Float], batch: Int, parallelism: Parallelism = .machine) -> [Float] {
        precondition(x.count == batch * geometry.inputCount, "Pooling: x has \(x.count) floats")
        var y = [Float](repeating: 0, count: batch * geometry.outputCount)
        var scratch = [Float](repeating: 0, count: scratchCount(parallelism: parallelism))
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                scratch.withUnsafeMutableBufferPointer { sb in
                    run(xb.baseAddress!, yb.baseAddress!, batch: batch, scratch: sb.baseAddress!,
                        parallelism: parallelism)
                }
            }
        }
        return y
    }
}

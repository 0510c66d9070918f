// Resize and Upsample: nearest-neighbour or (multi)linear interpolation, separable per axis.
//
//     x (D1..Dk) -> y (O1..Ok), O_d = floor(D_d * scale_d) or the given sizes
//
// Each output coordinate maps back to the input by the coordinate mode torch's exporters write
// (`F.interpolate(mode="nearest")`: asymmetric with floor; `"bilinear"`: pytorch_half_pixel, or
// align_corners), then rounds (nearest) or blends its two neighbours (linear). The per-axis maps
// are computed once at resolve time; the reference walks every output and blends the 2^k corners
// of the k axes that are interpolated (at most `maxBlendedAxes`). Segmentation heads and FPNs upsample with it.

/// The geometry of one Resize: per axis, where each output index reads.
struct ResizeShape: Sendable, Equatable {
    var inputShape: [Int]
    var outputShape: [Int]
    /// Per axis and output index: the lower input index, the upper one, and the upper one's weight
    /// (nearest: both indices equal, weight 0).
    var low: [[Int]], high: [[Int]], weight: [[Float]]
    /// The axes some output blends two inputs along (the others read one input each).
    var blended: [Int]

    /// Most axes interpolated at once: every output blends 2^k inputs.
    static let maxBlendedAxes = 4

    /// The output shape (from sizes, else scales, for `axes` or all axes) and the per-axis maps.
    static func resolve(_ r: ResizeAttributes, x: [Int], scales givenScales: [Float]?, sizes givenSizes: [Int]?) throws -> ResizeShape {
        let rank = x.count
        guard rank >= 1 else { throw OpFailure.malformed("Resize of a scalar") }
        let axes: [Int]
        if let given = r.axes {
            var seen = Set<Int>()
            axes = try given.map { axis in
                guard let a = ShapeMath.normalize(axis: axis, rank: rank), seen.insert(a).inserted else {
                    throw OpFailure.malformed("axis \(axis) is out of range or repeated for rank \(rank)")
                }
                return a
            }
        } else {
            axes = Array(0..<rank)
        }
        var scales = [Float](repeating: 1, count: rank)
        var out = x
        if let sizes = givenSizes, !sizes.isEmpty {
            guard sizes.count == axes.count else { throw OpFailure.malformed("sizes holds \(sizes.count) values for \(axes.count) axes") }
            for (axis, size) in zip(axes, sizes) {
                guard size >= 1 && size <= ShapeMath.maxInputSide * 16 else { throw OpFailure.shape("output size \(size) is out of range") }
                out[axis] = size
                scales[axis] = Float(size) / Float(max(1, x[axis]))
            }
        } else if let given = givenScales, !given.isEmpty {
            guard given.count == axes.count else { throw OpFailure.malformed("scales holds \(given.count) values for \(axes.count) axes") }
            for (axis, scale) in zip(axes, given) {
                guard scale > 0, scale.isFinite, Double(x[axis]) * Double(scale) <= Double(ShapeMath.maxInputSide * 16) else {
                    throw OpFailure.shape("scale \(scale) is not positive or makes axis \(axis) too large")
                }
                scales[axis] = scale
                out[axis] = Int((Double(x[axis]) * Double(scale)).rounded(.down))
                guard out[axis] >= 1 else { throw OpFailure.shape("scale \(scale) shrinks axis \(axis) of size \(x[axis]) to nothing") }
            }
        } else {
            throw OpFailure.malformed("neither scales nor sizes is given")
        }
        guard ShapeMath.count(out) != nil else { throw OpFailure.shape("output \(ShapeMath.describe(out)) is too large") }
        var low: [[Int]] = [], high: [[Int]] = [], weight: [[Float]] = []
        for d in 0..<rank {
            var l: [Int] = [], h: [Int] = [], w: [Float] = []
            for i in 0..<out[d] {
                let source = Self.sourceCoordinate(i, r.coordinates, scale: scales[d], input: x[d], output: out[d])
                switch r.mode {
                case .nearest:
                    let k = min(max(Self.round(source, r.nearest), 0), x[d] - 1)
                    l.append(k); h.append(k); w.append(0)
                case .linear:
                    let c = min(max(source, 0), Double(x[d] - 1))
                    let k = Int(c.rounded(.down))
                    l.append(k); h.append(min(k + 1, x[d] - 1)); w.append(Float(c - Double(k)))
                }
            }
            low.append(l); high.append(h); weight.append(w)
        }
        let blended = (0..<rank).filter { d in weight[d].contains { $0 != 0 } }
        guard blended.count <= maxBlendedAxes else {
            throw OpFailure.shape("linear interpolation along \(blended.count) axes (at most \(maxBlendedAxes) are supported)")
        }
        return ResizeShape(inputShape: x, outputShape: out, low: low, high: high, weight: weight, blended: blended)
    }

    /// ONNX's `coordinate_transformation_mode`: the input coordinate of output index `i`.
    static func sourceCoordinate(_ i: Int, _ mode: ResizeAttributes.CoordinateMode, scale: Float,
                                 input: Int, output: Int) -> Double {
        let x = Double(i), s = Double(scale)
        switch mode {
        case .halfPixel: return (x + 0.5) / s - 0.5
        case .pytorchHalfPixel: return output > 1 ? (x + 0.5) / s - 0.5 : 0
        case .alignCorners: return output == 1 ? 0 : x * Double(input - 1) / Double(output - 1)
        case .asymmetric: return x / s
        case .halfPixelSymmetric:
            let adjustment = Double(output) / (s * Double(input))
            let center = Double(input) / 2
            return center * (1 - adjustment) + (x + 0.5) / s - 0.5
        }
    }

    /// ONNX's `nearest_mode`.
    static func round(_ x: Double, _ mode: ResizeAttributes.NearestMode) -> Int {
        let v: Double = switch mode {
        case .floor: x.rounded(.down)
        case .ceil: x.rounded(.up)
        case .roundPreferFloor: x - x.rounded(.down) == 0.5 ? x.rounded(.down) : x.rounded()
        case .roundPreferCeil: x - x.rounded(.down) == 0.5 ? x.rounded(.up) : x.rounded()
        }
        return Int(max(-1e9, min(1e9, v)))
    }
}

extension Reference {
    /// Every output value blended from the 2^k corners of its per-axis neighbours, in Double.
    ///
    ///     x (D1..Dk) -> y (O1..Ok)
    static func resize(_ s: ResizeShape, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let rank = s.outputShape.count
        let strides = ShapeMath.strides(s.inputShape)
        var index = [Int](repeating: 0, count: rank)
        let count = s.outputShape.reduce(1, *)
        for o in 0..<count {
            // The lower neighbour along every axis, then each corner moves up along some blended axes.
            var base = 0
            for d in 0..<rank { base += s.low[d][index[d]] * strides[d] }
            var value: Double = 0
            for corner in 0..<(1 << s.blended.count) {
                var offset = base, w: Double = 1
                for (bit, d) in s.blended.enumerated() {
                    let t = Double(s.weight[d][index[d]])
                    if corner >> bit & 1 == 1 {
                        offset += (s.high[d][index[d]] - s.low[d][index[d]]) * strides[d]
                        w *= t
                    } else {
                        w *= 1 - t
                    }
                }
                if w != 0 { value += w * Double(x[offset]) }
            }
            y[o] = Float(value)
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < s.outputShape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
    }
}

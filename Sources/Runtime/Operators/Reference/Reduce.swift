// ReduceMean, ReduceSum, ReduceMax and ReduceMin over a set of axes. The dynamo exporter writes
// adaptive average pooling to 1x1 as ReduceMean over the spatial axes.
//
//     x (D1..Dk) -> y (D1..Dk with the reduced axes 1, or dropped without keepdims)

/// The resolved geometry of one reduction.
struct ReduceShape: Sendable, Equatable {
    var kind: ReduceAttributes.Kind
    var inputShape: [Int]
    var outputShape: [Int]
    /// For each input axis, the stride of the output offset it moves (0 on reduced axes).
    var outputStrides: [Int]
    /// Input values per output value.
    var reducedCount: Int

    static func resolve(_ r: ReduceAttributes, x: [Int], axes inputAxes: [Int]?) throws -> ReduceShape {
        let rank = x.count
        var axes = r.axes ?? inputAxes ?? []
        if axes.isEmpty {
            axes = r.noopWithEmptyAxes ? [] : Array(0..<rank)
        }
        var reduced = Set<Int>()
        for axis in axes {
            guard let a = ShapeMath.normalize(axis: axis, rank: rank), reduced.insert(a).inserted else {
                throw OpFailure.malformed("axis \(axis) is out of range or repeated for rank \(rank)")
            }
        }
        let kept = (0..<rank).map { reduced.contains($0) ? 1 : x[$0] }
        let keptStrides = ShapeMath.strides(kept)
        let out = r.keepDims ? kept : (0..<rank).filter { !reduced.contains($0) }.map { x[$0] }
        if (r.kind == .max || r.kind == .min) && reduced.contains(where: { x[$0] == 0 }) {
            throw OpFailure.shape("\(r.kind) over an empty axis")
        }
        return ReduceShape(kind: r.kind, inputShape: x, outputShape: out,
                           outputStrides: (0..<rank).map { reduced.contains($0) ? 0 : keptStrides[$0] },
                           reducedCount: reduced.map { x[$0] }.reduce(1, *))
    }
}

extension Reference {
    /// The plain reduction, accumulated in the order of the input.
    static func reduce(_ s: ReduceShape, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let outCount = s.outputShape.reduce(1, *)
        let start: Float = switch s.kind {
        case .mean, .sum: 0
        case .max: -.infinity
        case .min: .infinity
        }
        y.update(repeating: start, count: outCount)
        var i = 0
        forEachIndex(s.inputShape, strides: [s.outputStrides]) { offsets in
            let o = offsets[0], v = x[i]
            switch s.kind {
            case .mean, .sum: y[o] += v
            case .max: if v > y[o] || v.isNaN { y[o] = v }
            case .min: if v < y[o] || v.isNaN { y[o] = v }
            }
            i += 1
        }
        if s.kind == .mean && s.reducedCount > 0 {
            let scale = 1 / Float(s.reducedCount)
            for o in 0..<outCount { y[o] *= scale }
        }
    }
}

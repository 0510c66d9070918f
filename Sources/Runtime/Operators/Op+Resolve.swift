// Op + the shapes (and load-time values) of its inputs -> ResolvedOp.
//
// This is where every operator's shape rule lives. Inputs that parameterise an operator
// (Reshape's shape, Pad's pads, Clip's bounds, Gather's indices...) must be known at load;
// when one is not, resolving fails with a "dynamic" failure naming the input.

extension Op {
    /// Resolves this operator for the given inputs (nil for an absent optional input).
    func resolve(_ inputs: [Operand?]) throws -> ResolvedOp {
        switch self {
        case let .conv(a):
            let x = try inputs.required(0, "X"), w = try inputs.required(1, "W")
            let conv = try ConvShape.resolve(a, x: x.shape, w: w.shape, bias: inputs.optional(2)?.shape)
            return .conv(conv.shape, outputShape: conv.outputShape)
        case let .batchNormalization(epsilon):
            let x = try inputs.required(0, "X")
            return .affine(try AffineShape.batchNormalization(
                x: x.shape, gamma: try inputs.constant(1, "scale"), beta: try inputs.constant(2, "B"),
                mean: try inputs.constant(3, "mean"), variance: try inputs.constant(4, "var"), epsilon: epsilon))
        case let .activation(f):
            return .activation(f, shape: try inputs.required(0, "X").shape)
        case let .clip(lo, hi):
            let x = try inputs.required(0, "input")
            let low = try lo ?? inputs.constantScalar(1, "min") ?? -.greatestFiniteMagnitude
            let high = try hi ?? inputs.constantScalar(2, "max") ?? .greatestFiniteMagnitude
            return .activation(.clip(min: low, max: high), shape: x.shape)
        case let .unary(u):
            return .unary(u, shape: try inputs.required(0, "X").shape)
        case let .binary(b):
            return .binary(b, try Broadcast.resolve(try inputs.required(0, "A").shape, try inputs.required(1, "B").shape))
        case let .maxPool(a), let .averagePool(a):
            let kind: PoolKind = if case .maxPool = self { .max } else { .average(countIncludePad: a.countIncludePad) }
            let pool = try PoolShape.resolve(a, x: try inputs.required(0, "X").shape)
            return .pool(kind, pool.shape, outputShape: pool.outputShape)
        case .globalAveragePool, .globalMaxPool:
            let x = try inputs.required(0, "X").shape
            guard x.count >= 3 else { throw OpFailure.malformed("input of rank \(x.count) has no spatial axes") }
            let isMax: Bool = if case .globalMaxPool = self { true } else { false }
            return .globalPool(isMax: isMax, inputShape: x)
        case let .lrn(a):
            let x = try inputs.required(0, "X").shape
            guard x.count >= 3 else { throw OpFailure.malformed("input of rank \(x.count) is not (N, C, ...)") }
            return .lrn(a, shape: x)
        case let .softmax(axis, coerce2D):
            return .softmax(try SoftmaxShape.resolve(axis: axis, coerce2D: coerce2D, x: try inputs.required(0, "input").shape))
        case let .layerNormalization(axis, epsilon):
            let x = try inputs.required(0, "X").shape
            return .layerNorm(try LayerNormShape.resolve(axis: axis, epsilon: epsilon, x: x, scale: try inputs.required(1, "Scale").shape,
                                                         bias: inputs.optional(2)?.shape))
        case let .resize(r):
            let x = try inputs.required(0, "X").shape
            if let scales = r.scales { return .resize(try ResizeShape.resolve(r, x: x, scales: scales, sizes: nil)) }
            // Upsample and opset-10 Resize: X, scales. Resize 11+: X, roi, scales, sizes.
            let scales = inputs.optional(r.scalesInput) == nil ? nil : try inputs.constant(r.scalesInput, "scales").floats
            let sizes = r.isUpsample ? nil : try inputs.constantInts(3, "sizes")
            return .resize(try ResizeShape.resolve(r, x: x, scales: scales, sizes: sizes))
        case .split, .variadic:
            throw OpFailure.malformed("\(self) is rewritten by the folding pass, never resolved")
        case let .gemm(g):
            return .gemm(try GemmShape.resolve(g, a: try inputs.required(0, "A").shape, b: try inputs.required(1, "B").shape,
                                               c: inputs.optional(2)?.shape))
        case .matMul:
            return .matMul(try MatMulShape.resolve(a: try inputs.required(0, "A").shape, b: try inputs.required(1, "B").shape))
        case let .concat(axis):
            let shapes = try inputs.indices.map { try inputs.required($0, "input \($0)").shape }
            return .concat(try ConcatShape.resolve(axis: axis, inputs: shapes))
        case let .flatten(axis):
            let x = try inputs.required(0, "input").shape
            guard let a = axis == x.count ? x.count : ShapeMath.normalize(axis: axis, rank: x.count) else {
                throw OpFailure.malformed("axis \(axis) is out of range for rank \(x.count)")
            }
            return .view(shape: [x[..<a].reduce(1, *), x[a...].reduce(1, *)])
        case let .reshape(allowZero):
            let x = try inputs.required(0, "data").shape
            guard let target = try inputs.constantInts(1, "shape") else { throw OpFailure.malformed("input 1 (shape) is missing") }
            return .view(shape: try ShapeRules.reshape(x, to: target, allowZero: allowZero))
        case let .squeeze(axes):
            let x = try inputs.required(0, "data").shape
            return .view(shape: try ShapeRules.squeeze(x, axes: try axes ?? inputs.constantInts(1, "axes")))
        case let .unsqueeze(axes):
            let x = try inputs.required(0, "data").shape
            guard let axes = try axes ?? inputs.constantInts(1, "axes") else { throw OpFailure.malformed("axes are missing") }
            return .view(shape: try ShapeRules.unsqueeze(x, axes: axes))
        case let .transpose(perm):
            return .transpose(try TransposeShape.resolve(perm: perm, x: try inputs.required(0, "data").shape))
        case .identity:
            return .view(shape: try inputs.required(0, "input").shape)
        case let .pad(p):
            let x = try inputs.required(0, "data").shape
            guard let pads = try p.pads ?? inputs.constantInts(1, "pads") else { throw OpFailure.malformed("pads are missing") }
            let value = p.pads == nil ? try inputs.constantScalar(2, "constant_value") ?? 0 : p.value
            return .pad(try PadShape.resolve(x: x, pads: pads, axes: try inputs.constantInts(3, "axes"), mode: p.mode, value: value))
        case let .slice(s):
            let x = try inputs.required(0, "data").shape
            if let s {
                return .slice(try SliceShape.resolve(x: x, starts: s.starts, ends: s.ends, axes: s.axes, steps: nil))
            }
            guard let starts = try inputs.constantInts(1, "starts"), let ends = try inputs.constantInts(2, "ends") else {
                throw OpFailure.malformed("starts and ends are required")
            }
            return .slice(try SliceShape.resolve(x: x, starts: starts, ends: ends, axes: try inputs.constantInts(3, "axes"),
                                                 steps: try inputs.constantInts(4, "steps")))
        case let .gather(axis):
            return .gather(try GatherShape.resolve(axis: axis, x: try inputs.required(0, "data").shape,
                                                   indices: try inputs.constant(1, "indices")))
        case .expand:
            guard let shape = try inputs.constantInts(1, "shape") else { throw OpFailure.malformed("shape is missing") }
            guard shape.allSatisfy({ $0 >= 0 && $0 <= ShapeMath.maxElements }) else {
                throw OpFailure.shape("shape \(shape) has a negative or implausible dimension")
            }
            return .expand(try ExpandShape.resolve(x: try inputs.required(0, "input").shape, shape: shape))
        case .where:
            return .select(try SelectShape.resolve(condition: try inputs.constant(0, "condition"),
                                                   x: try inputs.required(1, "X").shape, y: try inputs.required(2, "Y").shape))
        case let .cast(to):
            let x = try inputs.required(0, "input")
            return .cast(to, shape: x.shape)
        case let .shape(start, end):
            let x = try inputs.required(0, "data").shape
            let r = x.count
            let s = min(max(start < 0 ? start + r : start, 0), r)
            let e = min(max(end.map { $0 < 0 ? $0 + r : $0 } ?? r, 0), r)
            return .constant(.vector(s < e ? Array(x[s..<e]) : []))
        case .size:
            let x = try inputs.required(0, "data").shape
            return .constant(TypedTensor(shape: [], ints: [Int64(x.reduce(1, *))]))
        case let .constant(t):
            return .constant(t)
        case let .constantOfShape(value):
            guard let shape = try inputs.constantInts(0, "input") else { throw OpFailure.malformed("shape is missing") }
            guard let count = ShapeMath.count(shape), count <= ShapeMath.maxFoldedElements else {
                throw OpFailure.shape("shape \(shape) is negative or too large to build at load")
            }
            switch value.storage {
            case let .float(v): return .constant(TypedTensor(shape: shape, floats: [Float](repeating: v[0], count: count)))
            case let .int(v): return .constant(TypedTensor(shape: shape, ints: [Int64](repeating: v[0], count: count)))
            case let .bool(v): return .constant(TypedTensor(shape: shape, bools: [Bool](repeating: v[0], count: count)))
            }
        case .range:
            return .constant(try ShapeRules.range(try inputs.constant(0, "start"), try inputs.constant(1, "limit"),
                                                  try inputs.constant(2, "delta")))
        case let .reduce(r):
            let x = try inputs.required(0, "data").shape
            return .reduce(try ReduceShape.resolve(r, x: x, axes: r.axes == nil ? try inputs.constantInts(1, "axes") : nil))
        case .scatterND:
            return .scatterND(try ScatterNDShape.resolve(data: try inputs.required(0, "data").shape,
                                                         indices: try inputs.constant(1, "indices"),
                                                         updates: try inputs.required(2, "updates").shape))
        case .if:
            throw OpFailure.malformed("If is inlined by the folding pass, never resolved")
        }
    }
}

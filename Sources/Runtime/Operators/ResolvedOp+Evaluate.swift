// Load-time evaluation: a resolved operator whose inputs are all constants is run once by the
// folding pass, through the same reference kernels the executor falls back on, and its outputs
// become constants. This is how the exporters' shape arithmetic disappears before any image.

extension ResolvedOp {
    /// Runs the operator on load-time values (nil for an absent optional input).
    func evaluate(_ inputs: [TypedTensor?]) throws -> [TypedTensor] {
        func input(_ i: Int) throws -> TypedTensor {
            guard i < inputs.count, let t = inputs[i] else { throw OpFailure.malformed("input \(i) is missing") }
            return t
        }
        func floats(_ i: Int) throws -> [Float] { try input(i).floats }
        let out = outputShapes[0]
        let count = ShapeMath.count(out) ?? 0
        /// Runs a float kernel into a fresh output of the output shape.
        func compute(_ body: (UnsafeMutablePointer<Float>) throws -> Void) rethrows -> [TypedTensor] {
            var y = [Float](repeating: 0, count: count)
            try y.withMutableBase { try body($0) }
            return [TypedTensor(shape: out, floats: y)]
        }
        /// Keeps integers integral through float kernels that preserve them (reductions, clip).
        func sameType(as source: TypedTensor, _ result: [TypedTensor]) -> [TypedTensor] {
            source.elementType == .float ? result : [result[0].converted(to: source.elementType)]
        }

        switch self {
        case let .constant(t):
            return [t]
        case let .conv(s, shape):
            let x = try floats(0), w = try floats(1), b = try inputs.count > 2 && inputs[2] != nil ? floats(2) : nil
            return x.withBase { xp in w.withBase { wp in compute { y in
                if let b { b.withBase { Reference.conv(s, batch: shape[0], x: xp, w: wp, b: $0, y: y) } }
                else { Reference.conv(s, batch: shape[0], x: xp, w: wp, b: nil, y: y) }
            } } }
        case let .affine(s):
            return try floats(0).withBase { x in compute { Reference.affine(s, x: x, y: $0) } }
        case let .activation(f, _):
            let x = try input(0)
            let y = x.floats.withBase { xp in compute { Reference.activation(f, x: xp, y: $0, count: count) } }
            // Clip keeps integers integral; the other activations give floats.
            if case .clip = f { return sameType(as: x, y) }
            return y
        case let .unary(u, _):
            return [ElementwiseEvaluation.unary(u, try input(0))]
        case let .binary(b, s):
            return [try ElementwiseEvaluation.binary(b, s, try input(0), try input(1))]
        case let .pool(kind, s, shape):
            return try floats(0).withBase { x in compute { Reference.pool(kind, s, batch: shape[0], x: x, y: $0) } }
        case let .globalPool(isMax, shape):
            let planes = shape[0] * shape[1], size = shape.dropFirst(2).reduce(1, *)
            return try floats(0).withBase { x in compute { Reference.globalPool(isMax: isMax, planes: planes, size: size, x: x, y: $0) } }
        case let .lrn(a, shape):
            return try floats(0).withBase { x in compute { Reference.lrn(a, shape: shape, x: x, y: $0) } }
        case let .softmax(s):
            return try floats(0).withBase { x in compute { Reference.softmax(s, x: x, y: $0) } }
        case let .layerNorm(s):
            let x = try floats(0), scale = try floats(1), b = inputs.count > 2 && inputs[2] != nil ? try floats(2) : nil
            return x.withBase { xp in scale.withBase { sp in compute { y in
                if let b { b.withBase { Reference.layerNorm(s, x: xp, scale: sp, bias: $0, y: y) } }
                else { Reference.layerNorm(s, x: xp, scale: sp, bias: nil, y: y) }
            } } }
        case let .resize(s):
            return try floats(0).withBase { x in compute { Reference.resize(s, x: x, y: $0) } }
        case let .gemm(s):
            let a = try floats(0), b = try floats(1), c = try inputs.count > 2 && inputs[2] != nil ? floats(2) : nil
            return a.withBase { ap in b.withBase { bp in compute { y in
                if let c { c.withBase { Reference.gemm(s, a: ap, b: bp, c: $0, y: y) } }
                else { Reference.gemm(s, a: ap, b: bp, c: nil, y: y) }
            } } }
        case let .matMul(s):
            let a = try floats(0), b = try floats(1)
            return a.withBase { ap in b.withBase { bp in compute { Reference.matMul(s, a: ap, b: bp, y: $0) } } }
        case let .reduce(s):
            let x = try input(0)
            return sameType(as: x, x.floats.withBase { xp in compute { Reference.reduce(s, x: xp, y: $0) } })
        case let .concat(s):
            let parts = try inputs.indices.map { try input($0) }
            let type = parts.allSatisfy { $0.elementType == parts[0].elementType } ? parts[0].elementType : .float
            let values = parts.map { $0.converted(to: type) }
            switch type {
            case .float: return [TypedTensor(shape: out, floats: Self.concat(s, values.map(\.floats)))]
            case .int: return [TypedTensor(shape: out, ints: Self.concat(s, values.map(\.ints)))]
            case .bool: return [TypedTensor(shape: out, bools: Self.concat(s, values.map(\.bools)))]
            }
        case let .view(shape):
            return [try input(0).reshaped(shape)]
        case let .cast(to, _):
            return [try input(0).converted(to: to)]
        case let .transpose(s):
            return [try input(0).rearranged(StridedRead(shape: s.outputShape, offset: 0, strides: s.inputStrides))]
        case let .slice(s):
            return [try input(0).rearranged(StridedRead(shape: s.outputShape, offset: s.offset, strides: s.inputStrides))]
        case let .expand(s):
            return [try input(0).rearranged(StridedRead(shape: s.outputShape, offset: 0, strides: s.inputStrides))]
        case let .gather(s):
            return [try input(0).rearranged(GatherRead(shape: s))]
        case let .pad(s):
            let x = try input(0)
            switch x.storage {
            case let .float(v): return [TypedTensor(shape: out, floats: v.withBase { xp in Self.run(count) { Reference.pad(s, fill: s.value, x: xp, y: $0) } })]
            case let .int(v): return [TypedTensor(shape: out, ints: v.withBase { xp in Self.run(count) { Reference.pad(s, fill: Int64(s.value), x: xp, y: $0) } })]
            case let .bool(v): return [TypedTensor(shape: out, bools: v.withBase { xp in Self.run(count) { Reference.pad(s, fill: s.value != 0, x: xp, y: $0) } })]
            }
        case let .scatterND(s):
            let data = try input(0), updates = try input(2)
            let type = data.elementType == updates.elementType ? data.elementType : .float
            switch (data.converted(to: type).storage, updates.converted(to: type).storage) {
            case let (.int(d), .int(u)):
                return [TypedTensor(shape: out, ints: d.withBase { dp in u.withBase { up in Self.run(count) { Reference.scatterND(s, data: dp, updates: up, y: $0) } } })]
            case let (.bool(d), .bool(u)):
                return [TypedTensor(shape: out, bools: d.withBase { dp in u.withBase { up in Self.run(count) { Reference.scatterND(s, data: dp, updates: up, y: $0) } } })]
            default:
                let d = data.floats, u = updates.floats
                return [TypedTensor(shape: out, floats: d.withBase { dp in u.withBase { up in Self.run(count) { Reference.scatterND(s, data: dp, updates: up, y: $0) } } })]
            }
        case let .select(s):
            let x = try input(1), y = try input(2)
            if x.elementType == .int && y.elementType == .int {
                let xv = x.ints, yv = y.ints
                return [TypedTensor(shape: out, ints: xv.withBase { xp in yv.withBase { yp in Self.run(count) { Reference.select(s, x: xp, y: yp, out: $0) } } })]
            }
            let xv = x.floats, yv = y.floats
            return [TypedTensor(shape: out, floats: xv.withBase { xp in yv.withBase { yp in Self.run(count) { Reference.select(s, x: xp, y: yp, out: $0) } } })]
        }
    }

    /// An array of `count` values written by `body`.
    private static func run<T>(_ count: Int, _ body: (UnsafeMutablePointer<T>) -> Void) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { body(buffer.baseAddress!) }
            initialized = count
        }
    }

    private static func concat<T>(_ s: ConcatShape, _ parts: [[T]]) -> [T] {
        let count = s.outer * s.inner.reduce(0, +)
        return run(count) { y in
            // Copy part by part; the reference kernel's pointer list is built from stable arrays.
            let rowLength = s.inner.reduce(0, +)
            var column = 0
            for (part, n) in zip(parts, s.inner) {
                part.withBase { x in
                    for o in 0..<s.outer { (y + o * rowLength + column).initialize(from: x + o * n, count: n) }
                }
                column += n
            }
        }
    }
}

/// Transpose, Slice and Expand as a strided read, for any element type.
struct StridedRead: ElementRearrangement {
    let shape: [Int], offset: Int, strides: [Int]
    var outputShape: [Int] { shape }
    func apply<T>(_ values: [T]) -> [T] {
        let count = ShapeMath.count(shape) ?? 0
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 {
                values.withBase { Reference.gatherStrided(shape: shape, offset: offset, strides: strides, x: $0, y: buffer.baseAddress!) }
            }
            initialized = count
        }
    }
}

/// Gather for any element type.
struct GatherRead: ElementRearrangement {
    let shape: GatherShape
    var outputShape: [Int] { shape.outputShape }
    func apply<T>(_ values: [T]) -> [T] {
        let count = ShapeMath.count(shape.outputShape) ?? 0
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { values.withBase { Reference.gather(shape, x: $0, y: buffer.baseAddress!) } }
            initialized = count
        }
    }
}

// Operators that move values without computing on them: Concat, Transpose, Slice, Gather,
// Expand and Where. Each is generic over the element type, so the same loop runs float
// activations per batch and int64 shape arithmetic at load.

/// Transpose by `perm`: `y[i] = x[i permuted]`.
struct TransposeShape: Sendable, Equatable {
    var outputShape: [Int]
    /// Strides of x along each output axis.
    var inputStrides: [Int]

    static func resolve(perm: [Int]?, x: [Int]) throws -> TransposeShape {
        let perm = perm ?? Array((0..<x.count).reversed())
        guard perm.count == x.count, Set(perm) == Set(0..<x.count) else {
            throw OpFailure.malformed("perm \(perm) is not a permutation of \(x.count) axes")
        }
        let strides = ShapeMath.strides(x)
        return TransposeShape(outputShape: perm.map { x[$0] }, inputStrides: perm.map { strides[$0] })
    }
}

/// A strided slice: output index `i` reads `x[offset + sum(i_k * strides_k)]`.
struct SliceShape: Sendable, Equatable {
    var outputShape: [Int]
    var offset: Int
    var inputStrides: [Int]

    static func resolve(x: [Int], starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?) throws -> SliceShape {
        let axes = axes ?? Array(0..<starts.count)
        let steps = steps ?? [Int](repeating: 1, count: starts.count)
        guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
            throw OpFailure.malformed("starts, ends, axes and steps differ in length")
        }
        let strides = ShapeMath.strides(x)
        var out = x, offset = 0, inputStrides = strides
        var seen = Set<Int>()
        for (i, axis) in axes.enumerated() {
            guard let a = ShapeMath.normalize(axis: axis, rank: x.count), seen.insert(a).inserted else {
                throw OpFailure.malformed("axis \(axis) is out of range or repeated")
            }
            let dim = x[a], step = steps[i]
            guard step != 0 else { throw OpFailure.malformed("step 0 on axis \(a)") }
            var start = starts[i] < 0 ? starts[i] + dim : starts[i]
            var end = ends[i] < 0 ? ends[i] + dim : ends[i]
            if step > 0 {
                start = min(max(start, 0), dim)
                end = min(max(end, 0), dim)
            } else {
                start = min(max(start, 0), dim - 1)
                end = min(max(end, -1), dim - 1)
            }
            let count = step > 0 ? (end - start + step - 1) / step : (start - end - step - 1) / -step
            out[a] = max(0, count)
            offset += out[a] > 0 ? start * strides[a] : 0
            inputStrides[a] = strides[a] * step
        }
        return SliceShape(outputShape: out, offset: offset, inputStrides: inputStrides)
    }
}

/// Gather along `axis` with indices known at load.
///
///     x (A.., D, B..), indices (I..) -> y (A.., I.., B..)
struct GatherShape: Sendable, Equatable {
    var outputShape: [Int]
    var outer: Int, axisSize: Int, inner: Int
    /// Indices into the axis, made non-negative.
    var indices: [Int]

    static func resolve(axis: Int, x: [Int], indices: TypedTensor) throws -> GatherShape {
        guard let a = ShapeMath.normalize(axis: axis, rank: x.count) else {
            throw OpFailure.malformed("axis \(axis) is out of range for rank \(x.count)")
        }
        guard indices.elementType == .int else { throw OpFailure.malformed("indices must be integers") }
        let d = x[a]
        let normalized = try indices.ints.map { i -> Int in
            let j = i < 0 ? Int(i) + d : Int(clamping: i)
            guard j >= 0 && j < d else { throw OpFailure.shape("index \(i) is out of range for axis size \(d)") }
            return j
        }
        return GatherShape(outputShape: Array(x[..<a]) + indices.shape + Array(x[(a + 1)...]),
                           outer: x[..<a].reduce(1, *), axisSize: d, inner: x[(a + 1)...].reduce(1, *),
                           indices: normalized)
    }
}

/// Expand: broadcast x to a shape (bidirectionally, as ONNX's Expand does).
struct ExpandShape: Sendable, Equatable {
    var outputShape: [Int]
    var inputStrides: [Int]

    static func resolve(x: [Int], shape: [Int]) throws -> ExpandShape {
        guard let out = ShapeMath.broadcast(x, shape) else {
            throw OpFailure.shape("\(ShapeMath.describe(x)) does not broadcast to \(ShapeMath.describe(shape))")
        }
        return ExpandShape(outputShape: out, inputStrides: ShapeMath.broadcastStrides(x, to: out))
    }
}

/// Where with a condition known at load: `y = cond ? x : y` with three-way broadcasting.
struct SelectShape: Sendable, Equatable {
    var outputShape: [Int]
    /// The condition broadcast to the output, one flag per output value.
    var condition: [Bool]
    var xStrides: [Int], yStrides: [Int]

    static func resolve(condition: TypedTensor, x: [Int], y: [Int]) throws -> SelectShape {
        guard let xy = ShapeMath.broadcast(x, y), let out = ShapeMath.broadcast(xy, condition.shape) else {
            throw OpFailure.shape("condition \(ShapeMath.describe(condition.shape)), \(ShapeMath.describe(x)) and \(ShapeMath.describe(y)) do not broadcast")
        }
        guard let count = ShapeMath.count(out), count <= ShapeMath.maxFoldedElements else {
            throw OpFailure.shape("Where over \(ShapeMath.describe(out)) is too large")
        }
        let flags = condition.bools
        var expanded: [Bool] = []
        expanded.reserveCapacity(ShapeMath.count(out) ?? 0)
        forEachIndex(out, strides: [ShapeMath.broadcastStrides(condition.shape, to: out)]) { expanded.append(flags[$0[0]]) }
        return SelectShape(outputShape: out, condition: expanded, xStrides: ShapeMath.broadcastStrides(x, to: out),
                           yStrides: ShapeMath.broadcastStrides(y, to: out))
    }
}

extension Reference {
    /// Concatenates `inputs` (one pointer per input, in order) into `y`.
    static func concat<T>(_ s: ConcatShape, inputs: [UnsafePointer<T>], y: UnsafeMutablePointer<T>) {
        let rowLength = s.inner.reduce(0, +)
        for o in 0..<s.outer {
            var column = 0
            for (x, n) in zip(inputs, s.inner) {
                (y + o * rowLength + column).update(from: x + o * n, count: n)
                column += n
            }
        }
    }

    /// Reads `x` through `strides` starting at `offset` into the contiguous `y` of `shape`:
    /// Transpose, Slice and Expand are all this loop.
    static func gatherStrided<T>(shape: [Int], offset: Int, strides: [Int], x: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        var o = 0
        forEachIndex(shape, strides: [strides]) { offsets in
            y[o] = x[offset + offsets[0]]
            o += 1
        }
    }

    /// Gather along an axis with fixed indices.
    static func gather<T>(_ s: GatherShape, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        var o = 0
        for outer in 0..<s.outer {
            for index in s.indices {
                (y + o).update(from: x + (outer * s.axisSize + index) * s.inner, count: s.inner)
                o += s.inner
            }
        }
    }

    /// `out = cond ? x : y`.
    static func select<T>(_ s: SelectShape, x: UnsafePointer<T>, y: UnsafePointer<T>, out: UnsafeMutablePointer<T>) {
        var o = 0
        forEachIndex(s.outputShape, strides: [s.xStrides, s.yStrides]) { offsets in
            out[o] = s.condition[o] ? x[offsets[0]] : y[offsets[1]]
            o += 1
        }
    }
}

// y = f(x) and y = a op b element-wise, with NumPy broadcasting.
//
// The broadcast loop walks every axis but the last with `forEachIndex` and runs the last one as
// a strided inner loop, so the common cases (same shapes, a scalar, a per-channel vector) need
// no index arithmetic per element.
import Foundation

extension Reference {
    /// `y[i] = f(x[i])`; `x` may equal `y`.
    static func unary(_ op: UnaryOp, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = op.apply(x[i]) }
    }

    /// `y = a op b` with broadcasting.
    ///
    ///     a (..), b (..) -> y (broadcast shape)
    static func binary(_ op: BinaryOp, _ s: Broadcast, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                       y: UnsafeMutablePointer<Float>) {
        forEachRow(s) { aOffset, bOffset, yOffset, length, aStep, bStep in
            for i in 0..<length { y[yOffset + i] = op.apply(a[aOffset + i * aStep], b[bOffset + i * bStep]) }
        }
    }

    /// Calls `body(aOffset, bOffset, yOffset, length, aStep, bStep)` for each run of the last axis.
    @inline(__always)
    static func forEachRow(_ s: Broadcast, _ body: (Int, Int, Int, Int, Int, Int) -> Void) {
        let shape = s.outputShape
        guard let total = ShapeMath.count(shape), total > 0 else { return }
        guard let last = shape.last else {
            body(0, 0, 0, 1, 0, 0)
            return
        }
        let outer = Array(shape.dropLast())
        var y = 0
        forEachIndex(outer, strides: [Array(s.aStrides.dropLast()), Array(s.bStrides.dropLast())]) { offsets in
            body(offsets[0], offsets[1], y, last, s.aStrides[shape.count - 1], s.bStrides[shape.count - 1])
            y += last
        }
    }
}

/// Load-time evaluation of the element-wise operators on any element type.
enum ElementwiseEvaluation {
    static func unary(_ op: UnaryOp, _ x: TypedTensor) -> TypedTensor {
        switch (op, x.storage) {
        case let (.neg, .int(v)): return TypedTensor(shape: x.shape, ints: v.map { 0 &- $0 })
        case let (.abs, .int(v)): return TypedTensor(shape: x.shape, ints: v.map { $0 == .min ? .max : Swift.abs($0) })
        case let (.not, .bool(v)): return TypedTensor(shape: x.shape, bools: v.map { !$0 })
        default: return TypedTensor(shape: x.shape, floats: x.floats.map(op.apply))
        }
    }

    static func binary(_ op: BinaryOp, _ s: Broadcast, _ a: TypedTensor, _ b: TypedTensor) throws -> TypedTensor {
        let count = ShapeMath.count(s.outputShape) ?? 0
        if a.elementType != .float && b.elementType != .float {
            let av = a.ints, bv = b.ints
            var out = [Int64](repeating: 0, count: count)
            var failure: Error?
            Reference.forEachRow(s) { ao, bo, yo, length, astep, bstep in
                for i in 0..<length where failure == nil {
                    do { out[yo + i] = try op.apply(av[ao + i * astep], bv[bo + i * bstep]) } catch { failure = error }
                }
            }
            if let failure { throw failure }
            return op.isComparison ? TypedTensor(shape: s.outputShape, bools: out.map { $0 != 0 })
                                   : TypedTensor(shape: s.outputShape, ints: out)
        }
        let av = a.floats, bv = b.floats
        var out = [Float](repeating: 0, count: count)
        av.withBase { ap in
            bv.withBase { bp in
                out.withMutableBase { yp in Reference.binary(op, s, a: ap, b: bp, y: yp) }
            }
        }
        return op.isComparison ? TypedTensor(shape: s.outputShape, bools: out.map { $0 != 0 })
                               : TypedTensor(shape: s.outputShape, floats: out)
    }
}

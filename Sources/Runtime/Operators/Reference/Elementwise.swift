// y = f(x) and y = a op b element-wise, with NumPy broadcasting.
//
// The broadcast loop walks every axis but the last with `forEachIndex` and runs the last one as
// a strided inner loop, so the common cases (same shapes, a scalar, a per-channel vector) need
// no index arithmetic per element.
import Foundation

/// Two input shapes broadcast to one output shape.
struct Broadcast: Sendable, Equatable {
    var outputShape: [Int]
    /// Strides for reading `a` and `b` at each output index (0 along broadcast axes).
    var aStrides: [Int], bStrides: [Int]

    static func resolve(_ a: [Int], _ b: [Int]) throws -> Broadcast {
        guard let out = ShapeMath.broadcast(a, b) else {
            throw OpFailure.shape("shapes \(ShapeMath.describe(a)) and \(ShapeMath.describe(b)) do not broadcast")
        }
        return Broadcast(outputShape: out, aStrides: ShapeMath.broadcastStrides(a, to: out),
                         bStrides: ShapeMath.broadcastStrides(b, to: out))
    }
}

extension UnaryOp {
    /// The function on one value.
    @inline(__always)
    func apply(_ x: Float) -> Float {
        switch self {
        case .exp: return Foundation.exp(x)
        case .log: return Foundation.log(x)
        case .sqrt: return x.squareRoot()
        case .neg: return -x
        case .abs: return Swift.abs(x)
        case .reciprocal: return 1 / x
        case .floor: return x.rounded(.down)
        case .ceil: return x.rounded(.up)
        case .erf: return Foundation.erf(x)
        case .not: return x == 0 ? 1 : 0
        }
    }
}

extension BinaryOp {
    /// The function on one pair of floats; comparisons give 1 or 0.
    @inline(__always)
    func apply(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        case .pow: return Foundation.pow(a, b)
        case .max: return a.isNaN || b.isNaN ? .nan : Swift.max(a, b)
        case .min: return a.isNaN || b.isNaN ? .nan : Swift.min(a, b)
        case .equal: return a == b ? 1 : 0
        case .less: return a < b ? 1 : 0
        case .greater: return a > b ? 1 : 0
        case .and: return a != 0 && b != 0 ? 1 : 0
        case .or: return a != 0 || b != 0 ? 1 : 0
        case .fmod: return Foundation.fmod(a, b)
        case .mod:
            // Python's %: the remainder has the divisor's sign (ONNX allows it on integers only;
            // floats get the same rule).
            let r = Foundation.fmod(a, b)
            return r != 0 && (r < 0) != (b < 0) ? r + b : r
        }
    }

    /// The function on one pair of integers (shape arithmetic at load); wraps instead of trapping.
    func apply(_ a: Int64, _ b: Int64) throws -> Int64 {
        switch self {
        case .add: return a &+ b
        case .sub: return a &- b
        case .mul: return a &* b
        case .div:
            guard b != 0 else { throw OpFailure.malformed("integer division by zero") }
            return a == .min && b == -1 ? .min : a / b
        case .pow:
            let p = Foundation.pow(Double(a), Double(b))
            return p.isFinite && Swift.abs(p) < 9.2e18 ? Int64(p) : (p > 0 ? .max : .min)
        case .max: return Swift.max(a, b)
        case .min: return Swift.min(a, b)
        case .equal: return a == b ? 1 : 0
        case .less: return a < b ? 1 : 0
        case .greater: return a > b ? 1 : 0
        case .and: return a != 0 && b != 0 ? 1 : 0
        case .or: return a != 0 || b != 0 ? 1 : 0
        case .mod, .fmod:
            guard b != 0 else { throw OpFailure.malformed("integer modulo by zero") }
            if b == -1 { return 0 }
            let r = a % b
            return self == .mod && r != 0 && (r < 0) != (b < 0) ? r + b : r
        }
    }
}

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

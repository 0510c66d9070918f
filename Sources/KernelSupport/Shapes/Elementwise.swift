// Element-wise functions of one and two inputs, their scalar definitions, and NumPy broadcasting.
import Foundation

/// Element-wise functions of one input that are not activations.
package enum UnaryOp: Sendable, Equatable {
    case exp, log, sqrt, neg, abs, reciprocal, floor, ceil, erf, not
}

/// Element-wise functions of two inputs.
package enum BinaryOp: Sendable, Equatable {
    case add, sub, mul, div, pow, max, min, equal, less, greater, and, or
    /// Mod with `fmod=0`: the remainder takes the divisor's sign (Python's %), integers only.
    case mod
    /// Mod with `fmod=1`: the remainder takes the dividend's sign (C's fmod).
    case fmod

    /// Whether the result is boolean.
    package var isComparison: Bool {
        switch self {
        case .equal, .less, .greater, .and, .or: true
        case .add, .sub, .mul, .div, .pow, .max, .min, .mod, .fmod: false
        }
    }
}

/// Two input shapes broadcast to one output shape.
package struct Broadcast: Sendable, Equatable {
    package var outputShape: [Int]
    /// Strides for reading `a` and `b` at each output index (0 along broadcast axes).
    package var aStrides: [Int], bStrides: [Int]

    package static func resolve(_ a: [Int], _ b: [Int]) throws -> Broadcast {
        guard let out = ShapeMath.broadcast(a, b) else {
            throw OpFailure.shape("shapes \(ShapeMath.describe(a)) and \(ShapeMath.describe(b)) do not broadcast")
        }
        return Broadcast(outputShape: out, aStrides: ShapeMath.broadcastStrides(a, to: out),
                         bStrides: ShapeMath.broadcastStrides(b, to: out))
    }

    package init(outputShape: [Int], aStrides: [Int], bStrides: [Int]) {
        self.outputShape = outputShape
        self.aStrides = aStrides
        self.bStrides = bStrides
    }
}

extension UnaryOp {
    /// The function on one value.
    @inline(__always)
    package func apply(_ x: Float) -> Float {
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
    package func apply(_ a: Float, _ b: Float) -> Float {
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
    package func apply(_ a: Int64, _ b: Int64) throws -> Int64 {
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

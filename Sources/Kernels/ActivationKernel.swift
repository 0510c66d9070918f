// Activations eight lanes at a time, as a standalone kernel and as the epilogue every producing
// kernel (convolution, Gemm, batch norm) fuses after its bias: y = f(x + bias). The fast path of
// `Activation.reference` (Operators/Reference/Activation.swift).
//
// The switch on the activation happens once per row, outside the loop; each case runs a loop
// specialised for its function, eight lanes at a time with a scalar tail.

import KernelSupport

extension Activation {
    /// `y[i] = f(x[i] + bias)` for `i` in `0..<count`, vectorised; `x` may equal `y`.
    public func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                      count: Int, bias: Float = 0) {
        if self == .none && bias == 0 && UnsafePointer(y) == x { return }
        apply(x, nil, y, count: count, bias: bias)
    }

    /// `y[i] = f(x[i] + addend[i] + bias)`, the epilogue of a residual block; any of the three
    /// pointers may be equal.
    public func apply(_ x: UnsafePointer<Float>, _ addend: UnsafePointer<Float>?,
                      _ y: UnsafeMutablePointer<Float>, count: Int, bias: Float = 0) {
        accept(MapVisitor(x: x, addend: addend, y: y, count: count, bias: bias))
    }

    /// Calls `visitor` with this activation as a concrete `VectorFunction` type, so the loop
    /// the visitor runs is specialised for it: the one switch over activations.
    @inline(__always)
    func accept<V: ActivationVisitor>(_ visitor: V) -> V.Result {
        switch self {
        case .none: visitor.visit(Identity())
        case .relu: visitor.visit(ReLU())
        case let .clip(lo, hi): visitor.visit(Clip(lo: lo, hi: hi))
        case let .leakyRelu(alpha): visitor.visit(LeakyReLU(alpha: alpha))
        case .sigmoid: visitor.visit(Sigmoid())
        case let .hardSigmoid(alpha, beta): visitor.visit(HardSigmoid(alpha: alpha, beta: beta))
        case .hardSwish: visitor.visit(HardSwish())
        case .tanh: visitor.visit(Tanh())
        case .gelu: visitor.visit(Gelu())
        case .geluTanh: visitor.visit(GeluTanh())
        }
    }

    /// `p[i] = f(p[i] + bias)` in place.
    public func apply(_ p: UnsafeMutablePointer<Float>, count: Int, bias: Float = 0) {
        apply(UnsafePointer(p), p, count: count, bias: bias)
    }

    /// The epilogue of a producing kernel over a block of `rows` rows of `columns` values, row `r`
    /// starting at `p + r * stride`: `p = f(p + bias[r])` (no bias when `bias` is nil).
    func apply(rows: Int, columns: Int, _ p: UnsafeMutablePointer<Float>, stride: Int,
               bias: UnsafePointer<Float>?) {
        for r in 0..<rows {
            apply(p + r * stride, count: columns, bias: bias?[r] ?? 0)
        }
    }

    /// A standalone activation over `count` floats, spread over the workers; `y` may be `x`.
    public func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
                    parallelism: Parallelism) {
        let grain = parallelism.grain(for: count, minimum: 1 << 14)
        parallelism.forEachRange(count, grain: grain) { range, _ in
            apply(x + range.lowerBound, y + range.lowerBound, count: range.count)
        }
    }
}

/// A loop body that works for any activation, specialised per activation by `accept`.
protocol ActivationVisitor {
    associatedtype Result
    func visit<F: VectorFunction>(_ f: F) -> Result
}

/// An element-wise function on eight lanes and on one value (loop tails).
protocol VectorFunction {
    func callAsFunction(_ v: Vec8) -> Vec8
    func callAsFunction(_ x: Float) -> Float
}

/// y = f(x + addend + bias) over a row.
private struct MapVisitor: ActivationVisitor {
    let x: UnsafePointer<Float>, addend: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>
    let count: Int, bias: Float

    @inline(__always)
    func visit<F: VectorFunction>(_ f: F) {
        let b = Vec8(repeating: bias)
        var i = 0
        if let addend {
            while i + 8 <= count {
                y.store(f(x.vec8(i) + addend.vec8(i) + b), at: i)
                i += 8
            }
            while i < count {
                y[i] = f(x[i] + addend[i] + bias)
                i += 1
            }
        } else {
            while i + 8 <= count {
                y.store(f(x.vec8(i) + b), at: i)
                i += 8
            }
            while i < count {
                y[i] = f(x[i] + bias)
                i += 1
            }
        }
    }
}

struct Identity: VectorFunction {
    @inline(__always) func callAsFunction(_ v: Vec8) -> Vec8 { v }
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x }
}

struct ReLU: VectorFunction {
    @inline(__always) func callAsFunction(_ v: Vec8) -> Vec8 { VectorMath.max(v, .zero) }
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x < 0 ? 0 : x }
}

struct Clip: VectorFunction {
    let lo: Float, hi: Float
    @inline(__always) func callAsFunction(_ v: Vec8) -> Vec8 {
        VectorMath.min(VectorMath.max(v, Vec8(repeating: lo)), Vec8(repeating: hi))
    }
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x < lo ? lo : (x > hi ? hi : x) }
}

struct LeakyReLU: VectorFunction {
    let alpha: Float
    @inline(__always) func callAsFunction(_ v: Vec8) -> Vec8 { v.replacing(with: v * alpha, where: v .< 0) }
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x < 0 ? alpha * x : x }
}

struct Sigmoid: VectorFunction {
    @inline(__always) func callAsFunction(_ v: Vec8) -> Vec8 { VectorMath.sigmoid(v) }
    @inline(__always) func callAsFunction(_ x: Float) -> Float { ScalarMath.sigmoid(x) }
}

struct HardSigmoid: VectorFunction {
    let alpha: Float, beta: Float
    @inline(__always) func callAsFunction(_ v: Vec8) -> Vec8 {
        VectorMath.min(VectorMath.max(v * alpha + beta, .zero), .one)
    }
    @inline(__always) func callAsFunction(_ x: Float) -> Float { Swift.max(0, Swift.min(1, alpha * x + beta)) }
}

struct HardSwish: VectorFunction {
    @inline(__always) func callAsFunction(_ v: Vec8) -> Vec8 {
        v * VectorMath.min(VectorMath.max(v * (1.0 / 6) + 0.5, .zero), .one)
    }
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x * Swift.max(0, Swift.min(1, x * (1.0 / 6) + 0.5)) }
}

struct Tanh: VectorFunction {
    @inline(__always) func callAsFunction(_ v: Vec8) -> Vec8 { VectorMath.tanh(v) }
    @inline(__always) func callAsFunction(_ x: Float) -> Float { ScalarMath.tanh(x) }
}

/// Exact Gelu, x/2 (1 + erf(x / sqrt 2)), on the vector erf (`VectorErf.swift`), in the loop
/// tails too so that every value of a tensor is computed the same way.
struct Gelu: VectorFunction {
    @inline(__always) func callAsFunction(_ v: Vec8) -> Vec8 {
        v * 0.5 * (1 + VectorMath.erf(v * 0.707_106_78))
    }
    @inline(__always) func callAsFunction(_ x: Float) -> Float { callAsFunction(Vec8(repeating: x))[0] }
}

struct GeluTanh: VectorFunction {
    @inline(__always) func callAsFunction(_ v: Vec8) -> Vec8 {
        let inner = (v + v * v * v * 0.044_715) * 0.797_884_56
        return v * 0.5 * (1 + VectorMath.tanh(inner))
    }
    @inline(__always) func callAsFunction(_ x: Float) -> Float { ScalarMath.geluTanh(x) }
}

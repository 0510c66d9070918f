// Element-wise activations, as a standalone kernel and as the epilogue every producing kernel
// (convolution, Gemm, batch norm) fuses after its bias: y = f(x + bias).
//
// The switch on the activation happens once per row, outside the loop; each case runs a loop
// specialised for its function, eight lanes at a time with a scalar tail.

/// An element-wise function fused into a kernel's epilogue, applied after the bias.
public enum Activation: Sendable, Hashable, CustomStringConvertible {
    /// The identity.
    case none
    /// max(x, 0).
    case relu
    /// min(max(x, min), max); ReLU6 is `clip(min: 0, max: 6)`.
    case clip(min: Float, max: Float)
    /// x for x >= 0, alpha x otherwise.
    case leakyRelu(alpha: Float)
    /// 1 / (1 + e^-x).
    case sigmoid
    /// max(0, min(1, alpha x + beta)); ONNX's defaults are alpha 0.2, beta 0.5.
    case hardSigmoid(alpha: Float, beta: Float)
    /// x max(0, min(1, x / 6 + 1/2)).
    case hardSwish
    /// tanh(x).
    case tanh

    public var description: String {
        switch self {
        case .none: "none"
        case .relu: "relu"
        case let .clip(lo, hi): "clip(\(lo), \(hi))"
        case let .leakyRelu(alpha): "leakyRelu(\(alpha))"
        case .sigmoid: "sigmoid"
        case let .hardSigmoid(alpha, beta): "hardSigmoid(\(alpha), \(beta))"
        case .hardSwish: "hardSwish"
        case .tanh: "tanh"
        }
    }

    /// The plain definition, through the C library: the specification the fast loops match.
    public func reference(_ x: Float) -> Float {
        switch self {
        case .none: return x
        case .relu: return x < 0 ? 0 : x
        case let .clip(lo, hi): return x < lo ? lo : (x > hi ? hi : x)
        case let .leakyRelu(alpha): return x < 0 ? alpha * x : x
        case .sigmoid: return ScalarMath.sigmoid(x)
        case let .hardSigmoid(alpha, beta): return Swift.max(0, Swift.min(1, alpha * x + beta))
        case .hardSwish: return x * Swift.max(0, Swift.min(1, x / 6 + 0.5))
        case .tanh: return ScalarMath.tanh(x)
        }
    }

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
        let a = addend
        switch self {
        case .none:
            Self.map(x, a, y, count, bias, { $0 }, { $0 })
        case .relu:
            Self.map(x, a, y, count, bias, { $0.replacing(with: 0, where: $0 .< 0) },
                     { $0 < 0 ? 0 : $0 })
        case let .clip(lo, hi):
            let vlo = Vec8(repeating: lo), vhi = Vec8(repeating: hi)
            Self.map(x, a, y, count, bias,
                     { v in
                         let a = v.replacing(with: vlo, where: v .< vlo)
                         return a.replacing(with: vhi, where: a .> vhi)
                     },
                     { $0 < lo ? lo : ($0 > hi ? hi : $0) })
        case let .leakyRelu(alpha):
            Self.map(x, a, y, count, bias, { $0.replacing(with: $0 * alpha, where: $0 .< 0) },
                     { $0 < 0 ? alpha * $0 : $0 })
        case .sigmoid:
            Self.map(x, a, y, count, bias, { VectorMath.sigmoid($0) }, { ScalarMath.sigmoid($0) })
        case let .hardSigmoid(alpha, beta):
            Self.map(x, a, y, count, bias,
                     { ($0 * alpha + beta).clamped(lowerBound: .zero, upperBound: .one) },
                     { Swift.max(0, Swift.min(1, alpha * $0 + beta)) })
        case .hardSwish:
            let sixth: Float = 1.0 / 6
            Self.map(x, a, y, count, bias,
                     { $0 * ($0 * sixth + 0.5).clamped(lowerBound: .zero, upperBound: .one) },
                     { $0 * Swift.max(0, Swift.min(1, $0 * sixth + 0.5)) })
        case .tanh:
            Self.map(x, a, y, count, bias, { VectorMath.tanh($0) }, { ScalarMath.tanh($0) })
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

    /// Whether `f(x) = x` everywhere, so an epilogue can skip it.
    var isIdentity: Bool { self == .none }

    @inline(__always)
    private static func map(_ x: UnsafePointer<Float>, _ addend: UnsafePointer<Float>?,
                            _ y: UnsafeMutablePointer<Float>, _ count: Int, _ bias: Float,
                            _ vector: (Vec8) -> Vec8, _ scalar: (Float) -> Float) {
        let b = Vec8(repeating: bias)
        var i = 0
        if let addend {
            while i + 8 <= count {
                y.store(vector(x.vec8(i) + addend.vec8(i) + b), at: i)
                i += 8
            }
            while i < count {
                y[i] = scalar(x[i] + addend[i] + bias)
                i += 1
            }
        } else {
            while i + 8 <= count {
                y.store(vector(x.vec8(i) + b), at: i)
                i += 8
            }
            while i < count {
                y[i] = scalar(x[i] + bias)
                i += 1
            }
        }
    }
}

// An element-wise activation, as the planner fuses it into the step before it. The plain
// definitions are Runtime's `Reference.activation`; the kernels' loops are in Kernels/ActivationKernel.swift.
import Foundation

/// An element-wise activation: an operator of its own, or the last step of a convolution, linear
/// layer or affine map that the planner fused it into.
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
    /// x Phi(x) = x / 2 (1 + erf(x / sqrt 2)): ONNX Gelu (opset 20), torch's `nn.GELU()`.
    case gelu
    /// x / 2 (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))): Gelu with `approximate="tanh"`.
    case geluTanh

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
        case .gelu: "gelu"
        case .geluTanh: "gelu(tanh)"
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
        case .gelu: return ScalarMath.gelu(x)
        case .geluTanh: return ScalarMath.geluTanh(x)
        }
    }

    /// Whether `f(x) = x` everywhere, so an epilogue can skip it.
    package var isIdentity: Bool { self == .none }
}

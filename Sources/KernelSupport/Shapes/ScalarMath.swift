// The activations' scalar functions through the C library, shared by the plain definitions
// (`Activation.reference`) and the kernels' loop tails.
import Foundation

/// Scalar versions through the C library, used by the reference kernels and for loop tails.
package enum ScalarMath {
    @inline(__always) package static func exp(_ x: Float) -> Float { expf(x) }
    @inline(__always) package static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inline(__always) package static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
    @inline(__always) package static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    /// x / 2 (1 + erf(x / sqrt 2)).
    @inline(__always) package static func gelu(_ x: Float) -> Float { 0.5 * x * (1 + erff(x * 0.707_106_78)) }
    /// x / 2 (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
    @inline(__always) package static func geluTanh(_ x: Float) -> Float {
        0.5 * x * (1 + tanhf(0.797_884_56 * (x + 0.044_715 * x * x * x)))
    }
}

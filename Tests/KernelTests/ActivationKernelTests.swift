import Foundation
import Testing
import TestSupport
@testable import Runtime
#if NETDISSECT_ISA_AVX512
@testable import KernelsWithAVX512
#elseif NETDISSECT_ISA_AVX2
@testable import KernelsWithAVX2
#else
@testable import KernelsBaseline
#endif
import KernelSupport

/// Vectorised activations and vector math against the C library.
@Suite(.kernelVariant) struct ActivationKernelTests {
    static let all: [Activation] = [
        .none, .relu, .clip(min: 0, max: 6), .leakyRelu(alpha: 0.01), .sigmoid,
        .hardSigmoid(alpha: 0.2, beta: 0.5), .hardSwish, .tanh, .gelu, .geluTanh,
    ]

    @Test func vectorExpMatchesExpf() {
        var x: [Float] = stride(from: -87.0 as Float, through: 88, by: 0.0137).map { $0 }
        x += [0, -0.0, 1e-8, -1e-8, 0.5, -0.5, 88.7, -87.3]
        var worst: Float = 0
        var i = 0
        while i + 8 <= x.count {
            let v = x.withUnsafeBufferPointer { $0.baseAddress!.vec8(i) }
            let e = VectorMath.exp(v)
            for lane in 0..<8 {
                let want = ScalarMath.exp(x[i + lane])
                worst = max(worst, abs(e[lane] - want) / want)
            }
            i += 8
        }
        #expect(Double(worst) < VectorMathAccuracy.exp, "worst relative error \(worst)")
    }

    @Test func vectorTanhAndSigmoid() {
        let x: [Float] = stride(from: -20.0 as Float, through: 20, by: 0.00731).map { $0 } + [0, 1e-6, -1e-6]
        var tanhWorst: Float = 0, sigmoidWorst: Float = 0
        var i = 0
        while i + 8 <= x.count {
            let v = x.withUnsafeBufferPointer { $0.baseAddress!.vec8(i) }
            let t = VectorMath.tanh(v), s = VectorMath.sigmoid(v)
            for lane in 0..<8 {
                let xi = x[i + lane]
                tanhWorst = max(tanhWorst, abs(t[lane] - ScalarMath.tanh(xi)) / max(abs(ScalarMath.tanh(xi)), 1e-30))
                sigmoidWorst = max(sigmoidWorst, abs(s[lane] - ScalarMath.sigmoid(xi)) / ScalarMath.sigmoid(xi))
            }
            i += 8
        }
        #expect(Double(tanhWorst) < VectorMathAccuracy.tanhAndSigmoid, "tanh worst relative error \(tanhWorst)")
        #expect(Double(sigmoidWorst) < VectorMathAccuracy.tanhAndSigmoid, "sigmoid worst relative error \(sigmoidWorst)")
    }

    @Test func vectorErfMatchesErff() {
        var x: [Float] = stride(from: -6.0 as Float, through: 6, by: 0.000_731).map { $0 }
        x += [0, -0.0, 1e-30, -1e-30, 1e-8, 1, -1, 1.000_000_1, 0.999_999_9, 4, -4, 4.000_001, 100, -100, .infinity, -.infinity]
        var worst: Double = 0, worstAt: Float = 0
        for xi in x {
            let got = Double(VectorMath.erf(xi)), want = Double(erff(xi))
            if abs(got - want) > worst { worst = abs(got - want); worstAt = xi }
            #expect(got.sign == want.sign || want == 0, "erf(\(xi)) = \(got), erff \(want)")
        }
        #expect(worst < VectorMathAccuracy.erf, "erf worst absolute error \(worst) at \(worstAt)")
        // Near zero erf(x) ~ 2x/sqrt(pi): relative accuracy holds there too.
        for xi: Float in [1e-30, 1e-10, 1e-4, -3e-3] {
            #expect(abs(Double(VectorMath.erf(xi)) / Double(erff(xi)) - 1) < 1e-6, "erf(\(xi))")
        }
        #expect(VectorMath.erf(Float.nan).isNaN)
        // The array form is the same arithmetic, tails included.
        let many = Array(x.prefix(21))
        var y = [Float](repeating: 0, count: many.count)
        many.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { VectorMath.erf(xp.baseAddress!, $0.baseAddress!, count: many.count) } }
        #expect(y == many.map { VectorMath.erf($0) })
    }

    @Test func saturatesAtTheExtremes() {
        let big = Vec8(100, -100, 1000, -1000, 88.8, -88.8, .infinity, -.infinity)
        let t = VectorMath.tanh(big), s = VectorMath.sigmoid(big)
        for lane in 0..<8 {
            #expect(abs(t[lane]) == 1)
            #expect(s[lane] >= 0 && s[lane] <= 1)
            #expect(!t[lane].isNaN && !s[lane].isNaN)
        }
    }

    @Test func applyMatchesReferenceOnEveryLength() {
        var rng = SeededGenerator(seed: 7)
        withEvery("activation", in: Self.all) { activation in
            for count in [0, 1, 7, 8, 9, 16, 31, 100] {
                let x = rng.floats(count, in: -8...8)
                let addend = rng.floats(count, in: -1...1)
                var y = [Float](repeating: 0, count: count)
                var z = y
                x.withUnsafeBufferPointer { xb in
                    addend.withUnsafeBufferPointer { ab in
                        y.withUnsafeMutableBufferPointer { yb in
                            guard count > 0 else { return }
                            activation.apply(xb.baseAddress!, yb.baseAddress!, count: count, bias: 0.25)
                        }
                        z.withUnsafeMutableBufferPointer { zb in
                            guard count > 0 else { return }
                            activation.apply(xb.baseAddress!, ab.baseAddress!, zb.baseAddress!,
                                             count: count, bias: -0.5)
                        }
                    }
                }
                // The sums round the same way on both sides; what may differ is the function's
                // evaluation (the vector approximations, 1/6 rounded or not).
                let plain = x.map { $0 + 0.25 }, added = zip(x, addend).map { $0 + $1 - 0.5 }
                assertClose(y, plain.map(activation.reference),
                            bounds: plain.map { Float(activation.evaluationSlack($0)) }, "count \(count)")
                assertClose(z, added.map(activation.reference),
                            bounds: added.map { Float(activation.evaluationSlack($0)) }, "count \(count) with addend")
            }
        }
    }
}

// Exact Gelu written out as Erf (torch's export before opset 20) becomes one Gelu activation
// when planning, fused into the linear layer before it; the values stay those of the five nodes.
import Foundation
import Testing
import TestSupport
@testable import Runtime

@Suite struct GeluFusionTests {
    static let weights: [Float] = (0..<24).map { Float(($0 * 7) % 11) / 11 - 0.45 }
    static let bias: [Float] = [0.1, -0.2, 0.3, 0, 0.25, -0.5]

    /// x (N, 3, 4, 4) -> MatMul w (4, 6) + b "h" -> Div sqrt(2) "d" -> Erf "e" -> Add 1 "s" ->
    /// Mul h "m" -> Mul 0.5 "y", with the operand orders torch writes (`swapped` flips each
    /// commutative pair, and `one` replaces the 1 of the Add).
    func model(swapped: Bool = false, one: Float = 1, divisor: Float = 1.414_213_5) throws -> ONNXModel {
        var m = ModelBuilder(inputDims: ["N", 3, 4, 4])
        m.initializer("w", [4, 6], Self.weights)
        m.initializer("b", [6], Self.bias)
        m.initializer("root2", [], [divisor])
        m.initializer("one", [], [one])
        m.initializer("half", [], [0.5])
        m.node("MatMul", ["x", "w"], ["xw"], name: "fc/MatMul")
        m.node("Add", ["xw", "b"], ["h"], name: "fc/Add")
        m.node("Div", ["h", "root2"], ["d"], name: "gelu/Div")
        m.node("Erf", ["d"], ["e"], name: "gelu/Erf")
        m.node("Add", swapped ? ["one", "e"] : ["e", "one"], ["s"], name: "gelu/Add")
        m.node("Mul", swapped ? ["s", "h"] : ["h", "s"], ["m"], name: "gelu/Mul")
        m.node("Mul", swapped ? ["half", "m"] : ["m", "half"], ["y"], name: "gelu/Mul_1")
        m.outputs = ["y"]
        return try m.load()
    }

    /// gelu(x w + b) in Double.
    func expected(_ x: Tensor, one: Double = 1) -> [Double] {
        var y: [Double] = []
        for row in 0..<(x.data.count / 4) {
            for j in 0..<6 {
                var h = Double(Self.bias[j])
                for k in 0..<4 { h += Double(x.data[row * 4 + k]) * Double(Self.weights[k * 6 + j]) }
                y.append(0.5 * h * (one + erf(h / 2.0.squareRoot())))
            }
        }
        return y
    }

    @Test func erfFormIsOneGeluFusedIntoTheLinearLayer() throws {
        let x = Tensor.random([2, 3, 4, 4], seed: 41)
        for swapped in [false, true] {
            let session = try model(swapped: swapped).session(height: 4, width: 4, taps: ["y"])
            let steps = try session.planSummary(batch: 2)
            #expect(steps.count == 1, "\(steps)")
            #expect(steps.first?.contains("fc/MatMul + fc/Add + gelu/Mul_1") == true, "\(steps)")
            let y = try session.run(x)["y"]!.data
            for (got, want) in zip(y, expected(x)) {
                #expect(abs(Double(got) - want) < 2e-6, "swapped \(swapped): \(got) vs \(want)")
            }
            // The reference operators run the same rewritten graph.
            let plain = try model(swapped: swapped).session(height: 4, width: 4, taps: ["y"], providers: [])
            let plainSteps = try plain.planSummary(batch: 2)
            #expect(plainSteps.count == 1 && plainSteps[0].contains("gelu/Mul_1"), "\(plainSteps)")
            for (got, want) in zip(try plain.run(x)["y"]!.data, expected(x)) {
                #expect(abs(Double(got) - want) < 2e-6)
            }
        }
    }

    @Test func otherConstantsOrATappedStepKeepTheNodes() throws {
        let x = Tensor.random([1, 3, 4, 4], seed: 42)
        // 2 + erf is not Gelu: the five nodes stay, and compute what they say.
        let notGelu = try model(one: 2).session(height: 4, width: 4, taps: ["y"])
        #expect(try notGelu.planSummary().contains { $0.contains("gelu/Erf") })
        for (got, want) in zip(try notGelu.run(x)["y"]!.data, expected(x, one: 2)) {
            #expect(abs(Double(got) - want) < 4e-6)
        }
        // Dividing by 2 is not Gelu either.
        #expect(try model(divisor: 2).session(height: 4, width: 4, taps: ["y"]).planSummary().contains { $0.contains("gelu/Erf") })
        // A tapped value inside the pattern must still be computed.
        let tapped = try model().session(height: 4, width: 4, taps: ["e", "y"])
        #expect(try tapped.planSummary().contains { $0.contains("gelu/Erf") })
        let out = try tapped.run(x)
        for (got, want) in zip(out["y"]!.data, expected(x)) { #expect(abs(Double(got) - want) < 2e-6) }
    }
}

// Whole-model golden tests: every case of Fixtures/golden/manifest.json (written by
// make_fixtures.py with onnxruntime and torch) loads, runs, and matches its recorded outputs:
// graph outputs and inner values by ONNX name, PyTorch module paths by forward-hook outputs.
import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Paths of the bundled fixtures.
enum Fixtures {
    static func path(_ relative: String) -> String {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(relative).path
    }
}

/// One case of the golden manifest.
struct GoldenCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let model: String
    let input: String
    /// Layer name (value, node or module path) -> .npy of its expected value.
    let expected: [String: String]
    let note: String

    var testDescription: String { name }

    struct Manifest: Decodable { let cases: [GoldenCase] }

    static let all: [GoldenCase] = {
        guard let data = FileManager.default.contents(atPath: Fixtures.path("golden/manifest.json")),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else { return [] }
        return manifest.cases
    }()
}

@Suite struct GoldenModelTests {
    @Test func manifestListsEveryCase() {
        #expect(GoldenCase.all.count >= 25, "Fixtures/golden/manifest.json is missing or incomplete")
        let torchCases = GoldenCase.all.filter { $0.name.hasPrefix("torch_") }
        #expect(torchCases.contains { $0.name.hasSuffix("_legacy") } && torchCases.contains { $0.name.hasSuffix("_dynamo") })
    }

    @Test(arguments: GoldenCase.all)
    func matchesReference(_ golden: GoldenCase) throws {
        let model = try ONNXModel.load(path: Fixtures.path("golden/\(golden.model)"))
        let x = try NPY.read(Fixtures.path("golden/\(golden.input)"))
        let names = golden.expected.keys.sorted()
        let session = try model.session(height: x.shape[2], width: x.shape[3], taps: names)
        let outputs = try session.run(x)
        for name in names {
            let expected = try NPY.read(Fixtures.path("golden/\(golden.expected[name]!)"))
            let actual = try #require(outputs[name], "no output '\(name)'")
            assertClose(actual.data, expected.data, normwise: WholeModel.tolerance,
                        shape: actual.shape, expectedShape: expected.shape, "\(golden.name): \(name)")
        }
    }

    /// The reference executor and a plan with every BatchNormalization unfolded agree too, so
    /// the folding is checked against the plain operator.
    @Test func batchNormalizationFoldingMatchesStandaloneBatchNorm() throws {
        let model = try ONNXModel.load(path: Fixtures.path("golden/batchnorm.onnx"))
        let x = try NPY.read(Fixtures.path("golden/batchnorm.input.npy"))
        let folded = try model.session(height: 6, width: 6).run(x)["y"]!
        // Tapping every conv output keeps every BatchNormalization standalone.
        let unfolded = try model.session(height: 6, width: 6, taps: ["y", "c1", "c2"]).run(x)["y"]!
        assertClose(folded.data, unfolded.data, normwise: WholeModel.tolerance, "folded against unfolded")
        #expect(try model.session(height: 6, width: 6).planSummary().contains { $0.contains("BatchNormalization") } == true,
                "the BatchNormalization after Concat stays standalone")
    }
}

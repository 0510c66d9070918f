// Whole-model golden tests: every case of Fixtures/golden/manifest.json and
// Fixtures/transformers/manifest.json (each written by the make_fixtures.py beside it, with
// onnxruntime and torch) loads, runs, and matches its recorded outputs: graph outputs and inner
// values by ONNX name, PyTorch module paths by forward-hook outputs.
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
    /// The fixture folder the manifest is in.
    var folder = "golden"

    var testDescription: String { name }

    private enum CodingKeys: String, CodingKey { case name, model, input, expected, note }
    struct Manifest: Decodable { let cases: [GoldenCase] }

    /// The CNN cases (Fixtures/golden).
    static let all: [GoldenCase] = load("golden")
    /// ViT, Swin, ConvNeXt and their operators (Fixtures/transformers).
    static let transformers: [GoldenCase] = load("transformers")

    private static func load(_ folder: String) -> [GoldenCase] {
        guard let data = FileManager.default.contents(atPath: Fixtures.path("\(folder)/manifest.json")),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else { return [] }
        return manifest.cases.map { var c = $0; c.folder = folder; return c }
    }

    /// A file of this case's folder.
    func path(_ file: String) -> String { Fixtures.path("\(folder)/\(file)") }
}

@Suite struct GoldenModelTests {
    @Test func manifestListsEveryCase() {
        #expect(GoldenCase.all.count >= 25, "Fixtures/golden/manifest.json is missing or incomplete")
        let torchCases = GoldenCase.all.filter { $0.name.hasPrefix("torch_") }
        #expect(torchCases.contains { $0.name.hasSuffix("_legacy") } && torchCases.contains { $0.name.hasSuffix("_dynamo") })
        // Each transformer family under both exporters.
        let transformerCases = Set(GoldenCase.transformers.map(\.name))
        for family in ["vit", "swin", "convnext"] {
            for exporter in ["legacy", "dynamo"] {
                #expect(transformerCases.contains("torch_\(family)_\(exporter)"), "Fixtures/transformers lacks torch_\(family)_\(exporter)")
            }
        }
    }

    @Test(arguments: GoldenCase.all + GoldenCase.transformers)
    func matchesReference(_ golden: GoldenCase) throws {
        let model = try ONNXModel.load(path: golden.path(golden.model))
        let x = try NPY.read(golden.path(golden.input))
        let names = golden.expected.keys.sorted()
        let session = try model.session(height: x.shape[2], width: x.shape[3], taps: names)
        let outputs = try session.run(x)
        for name in names {
            let expected = try NPY.read(golden.path(golden.expected[name]!))
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

// A ViT block and a ConvNeXt stage dissected end to end on a synthetic probe, through the real
// commands as a user runs them: `synth`, `dissect`, then `summary`, `unit` and `report` on the
// run. The models are the small torchvision configurations of the runtime's golden fixtures
// (Tests/RuntimeTests/Fixtures/transformers), one per exporter.
import DissectionTestSupport
import Foundation
import TestSupport
import Testing
@testable import Dissection

@Suite struct TransformerDissectionTests {
    /// (model, layer, units, grid): a ViT block's 1 + 4 x 4 tokens of 16 channels, a ConvNeXt
    /// stage's (8, 6, 6) map, a Swin stage's channels-last 5 x 5 x 16.
    static let cases: [(String, String, Int, Int)] = [
        ("torch_vit_legacy.onnx", "encoder.layers.encoder_layer_1", 16, 4),
        ("torch_convnext_dynamo.onnx", "features.1", 8, 6),
        ("torch_swin_dynamo.onnx", "features.3", 16, 5),
    ]

    @Test func blocksAndStagesDissectAndReport() throws {
        guard requireNetdissectBinary() != nil else { return }
        let dir = try makeTemporaryDirectory("nd-transformers")
        let synth = try runNetdissect(["synth", "--out", dir + "/probe", "--images", "60", "--size", "48"])
        #expect(synth.status == 0, "\(synth.stderr)")
        for (index, (file, layer, units, side)) in Self.cases.enumerated() {
            let model = packagePath("Tests/RuntimeTests/Fixtures/transformers/\(file)")
            let run = dir + "/run\(index)"
            let dissect = try runNetdissect(["dissect", "--model", model, "--dataset", dir + "/probe", "--layer", layer,
                                             "--out", run, "--batch", "16"])
            #expect(dissect.status == 0, "\(file): \(dissect.stderr)")
            guard dissect.status == 0 else { continue }
            let reader = try RunReader.open(run)
            let stored = try reader.layers().first
            #expect(stored?.name == layer && stored?.units == units && stored?.height == side && stored?.width == side,
                    "\(file): \(String(describing: stored))")
            let results = try reader.units(layer: layer)
            #expect(results.count == units && results.allSatisfy { $0.isFinal && $0.threshold != nil }, "\(file)")

            let summary = try runNetdissect(["summary", run])
            #expect(summary.status == 0 && summary.stdout.contains("\(layer)  \(units) units"), "\(file): \(summary.stdout)")
            let unit = try runNetdissect(["unit", run, layer, "1", "--graphics", "none"])
            #expect(unit.status == 0 && unit.stdout.contains("\(layer) · unit 1 of \(units)"), "\(file): \(unit.stdout) \(unit.stderr)")
            let report = try runNetdissect(["report", run, "--out", dir + "/report\(index)"])
            #expect(report.status == 0, "\(file): \(report.stderr)")
            #expect(FileManager.default.fileExists(atPath: dir + "/report\(index)/index.html"))
        }
    }
}

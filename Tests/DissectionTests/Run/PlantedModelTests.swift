// The planted model (Fixtures/planted/planted.onnx, made by make_planted_model.py) on the planted
// probe, through the real command: unit 0 must come out as red-c, unit 1 as vertical, and the two
// noise units must not pass the detector threshold.
import DissectionTestSupport
import Foundation
import TestSupport
import Testing
@testable import Dissection

@Suite struct PlantedModelTests {
    @Test func plantedUnitsGetTheirConcepts() throws {
        guard requireNetdissectBinary() != nil else { return }
        let dir = try makeTemporaryDirectory("nd-planted")
        try PlantedProbe().write(to: dir + "/probe")
        let model = PlantedProbe.modelPath
        let (status, _, text) = try runCommand(["dissect", "--model", model, "--dataset", dir + "/probe", "--layer", "features",
                                                "--out", dir + "/run", "--batch", "16", "--checkpoint-every", "32"])
        #expect(status == 0, "\(text)")
        let reader = try RunReader.open(dir + "/run")
        let units = try reader.units(layer: "features")
        #expect(units.count == 4)
        guard units.count == 4 else { return }
        #expect(units[0].labelName == "red-c" && units[0].isDetector, "unit 0: \(units[0].labelName) \(units[0].iou)")
        #expect(units[1].labelName == "vertical" && units[1].isDetector, "unit 1: \(units[1].labelName) \(units[1].iou)")
        #expect(!units[2].isDetector && !units[3].isDetector, "noise: \(units[2].labelName) \(units[2].iou), \(units[3].labelName) \(units[3].iou)")
        #expect(try reader.layers().first?.uniqueDetectors == 2)
        // The top images of the red unit all hold a red square.
        let top = try reader.topImages(layer: "features", unit: 0)
        #expect(top.count == 10 && top.allSatisfy { $0.image % 8 == 0 && $0.map.count == 64 })
    }

    /// The same units written as a ViT block's tokens (class token first) and as a Swin stage's
    /// channels-last map are the same units on the same grid: every unit's threshold, label and
    /// IoU match the convolutional layer's exactly, so the class token is dropped, rows and
    /// columns are not swapped, and a unit is a channel.
    @Test func tokenAndChannelsLastLayersAreTheSameUnits() throws {
        guard requireNetdissectBinary() != nil else { return }
        let dir = try makeTemporaryDirectory("nd-planted-tokens")
        try PlantedProbe().write(to: dir + "/probe")
        let (status, _, text) = try runCommand(["dissect", "--model", PlantedProbe.tokensModelPath, "--dataset", dir + "/probe",
                                                "--layer", "features", "--layer", "blocks", "--layer", "stage",
                                                "--out", dir + "/run", "--batch", "16"])
        #expect(status == 0, "\(text)")
        let reader = try RunReader.open(dir + "/run")
        let features = try reader.units(layer: "features")
        #expect(features.count == 4 && features[0].labelName == "red-c" && features[1].labelName == "vertical")
        for layer in ["blocks", "stage"] {
            let units = try reader.units(layer: layer)
            #expect(units.count == 4, "\(layer): \(units.count) units")
            for (a, b) in zip(features, units) {
                #expect(a.threshold == b.threshold && a.label == b.label && a.iou == b.iou && a.perCategory == b.perCategory,
                        "\(layer) unit \(b.unit): \(b.labelName) \(b.iou), features: \(a.labelName) \(a.iou)")
            }
            let layerRecord = try reader.layers().first { $0.name == layer }
            #expect(layerRecord?.height == 8 && layerRecord?.width == 8, "\(layer): \(String(describing: layerRecord))")
        }
    }
}

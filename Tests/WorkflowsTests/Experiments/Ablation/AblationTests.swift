// Unit ablation: balanced accuracy per class by hand, the labels file and its refusals, and on the
// planted classifier (PlantedClassifier.swift): removing the red unit hurts red and no other
// class, ranking finds it, keeping only the green unit hurts red and blue; choosing units by
// concept from a dissection of the engine's planted model.
import DissectionTestSupport
import Foundation
import Testing
import TestSupport
@testable import Dissection
@testable import Workflows

private func request(_ dir: String, _ selection: AblateRequest.Selection, keep: Bool = false) -> AblateRequest {
    AblateRequest(model: dir + "/planted-classifier.onnx", layer: "features", images: dir + "/images", labels: dir + "/labels.csv",
                  classNames: dir + "/classes.txt", selection: selection, keep: keep, mean: [0, 0, 0], std: [1, 1, 1],
                  preprocessing: .exact, batch: 3, threads: 2)
}

@Suite struct AblationTests {
    @Test func balancedAccuracyByHand() {
        let empty = ClassAccuracy(labels: [], predictions: [])
        #expect(empty.classes.isEmpty && empty.accuracy == 0 && empty.meanBalancedAccuracy == 0)
        let one = ClassAccuracy(labels: [3], predictions: [3])
        #expect(one.classes.map(\.balancedAccuracy) == [1] && one.score(3)?.specificity == nil)
        // Truth   0 0 0 1 1 2
        // Pred    0 0 1 1 2 0
        let a = ClassAccuracy(labels: [0, 0, 0, 1, 1, 2], predictions: [0, 0, 1, 1, 2, 0])
        #expect(a.accuracy == 3.0 / 6)
        let c0 = a.score(0)!, c1 = a.score(1)!, c2 = a.score(2)!
        // Class 0: recall 2/3; of the 3 others, image 6 is predicted 0: specificity 2/3.
        #expect(c0.recall == 2.0 / 3 && c0.specificity == 2.0 / 3 && c0.balancedAccuracy == 2.0 / 3)
        // Class 1: recall 1/2; of the 4 others, image 3 predicted 1: specificity 3/4.
        #expect(c1.recall == 0.5 && c1.specificity == 0.75 && c1.balancedAccuracy == 0.625)
        // Class 2: recall 0; of the 5 others, image 5 predicted 2: specificity 4/5.
        #expect(c2.recall == 0 && c2.specificity == 0.8 && abs(c2.balancedAccuracy - 0.4) < 1e-12)
        #expect(a.score(7) == nil)
    }

    @Test func labelsFileRowsAndRefusals() throws {
        let dir = try makeTemporaryDirectory("nd-labels")
        func write(_ text: String) throws -> String {
            let path = dir + "/labels-\(text.hashValue).csv"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        let good = try LabelledImages.read(labelsFile: try write("image,class\na.png,285\nsub/b.jpg,Egyptian Cat\n\"c,d.png\",tabby\n"),
                                           directory: dir, classes: 1000)
        #expect(good.images.map(\.label) == [285, 285, 281] && good.images.map(\.line) == [2, 3, 4])
        #expect(good.images[2].path == "c,d.png" && good.classesPresent == [281, 285])
        let headerless = try LabelledImages.read(labelsFile: try write("x.png,0\n"), directory: dir, classes: 3)
        #expect(headerless.images.map(\.label) == [0] && headerless.classNames == ["class 0", "class 1", "class 2"])
        let cases: [(String, Int, [String]?, String)] = [
            ("", 1000, nil, "no labelled images"),
            ("a.png,1000\n", 1000, nil, ":1: class 1000 is out of range"),
            ("a.png,-1\n", 1000, nil, "out of range"),
            ("a.png,unicorn\n", 1000, nil, ":1: no class named 'unicorn'"),
            ("a.png,cat\n", 2, nil, "is a name, but the model's 2 outputs have none"),
            ("a.png,cat\n", 2, ["cat", "Cat"], "shared by classes 0, 1"),
            ("a.png,cat\n", 2, ["cat"], "1 class names for a model of 2 outputs"),
            ("../a.png,1\n", 1000, nil, "leaves the images folder"),
            ("/etc/passwd,1\n", 1000, nil, "leaves the images folder"),
            ("image,class\na.png,1,2\n", 1000, nil, ":2: expected 2 non-empty fields"),
            ("a.png\n", 1000, nil, ":1: expected 2 non-empty fields"),
            ("a.png,\"1\n", 1000, nil, ":1:"),
        ]
        withEvery("labels file", in: cases) { text, classes, names, expected in
            do {
                _ = try LabelledImages.read(labelsFile: try write(text), directory: dir, classes: classes, names: names)
                Issue.record("accepted \(text.debugDescription)")
            } catch let error as AblationError {
                #expect(error.description.contains(expected) && error.description.contains(dir), "\(error)")
            }
        }
        do {
            _ = try LabelledImages.read(labelsFile: dir + "/missing.csv", directory: dir, classes: 10)
            Issue.record("accepted a missing file")
        } catch {
            #expect(error.description.contains("missing.csv"))
        }
    }

    @Test func removingThePlantedRedUnitHurtsRedOnly() throws {
        let dir = try makeTemporaryDirectory("nd-ablate")
        try PlantedClassifier.write(to: dir)
        let report = try AblationRunner.run(request(dir, .units("1")))
        #expect(report.units == 3 && report.images == 12 && report.ablated == [0])
        #expect(report.baseline.accuracy == 1 && report.baseline.classes.map(\.balancedAccuracy) == [1, 1, 1])
        let after = report.ablatedAccuracy.classes.map(\.balancedAccuracy)
        #expect(after == [0.5, 1, 1], "\(after)")
        #expect(report.ablatedAccuracy.score(0)?.recall == 0)
        let text = AblationTable.lines(report)
        #expect(text[0] == "removed 1 of 3 units of features in planted-classifier.onnx, measured on 12 images of 3 classes")
        #expect(text.contains { $0.contains("red (0)") && $0.contains("−0.500") })
    }

    @Test func rankingFindsTheUnitThatDrivesTheClass() throws {
        let dir = try makeTemporaryDirectory("nd-rank")
        try PlantedClassifier.write(to: dir)
        let report = try AblationRunner.run(request(dir, .rank(className: "blue", count: 1)))
        #expect(report.chosen == [2])
        #expect(report.ranking?.label == 2)
        #expect(report.ranking?.effects.map(\.unit) == [2, 0, 1])
        #expect(report.ranking?.effects.map(\.change) == [-0.5, 0, 0])
        #expect(report.ablatedAccuracy.classes.map(\.balancedAccuracy) == [1, 1, 0.5])
    }

    @Test func keepingOnlyTheGreenUnitHurtsTheOthers() throws {
        let dir = try makeTemporaryDirectory("nd-keep")
        try PlantedClassifier.write(to: dir)
        let report = try AblationRunner.run(request(dir, .units("2"), keep: true))
        #expect(report.chosen == [1] && report.ablated == [0, 2])
        #expect(report.ablatedAccuracy.classes.map(\.balancedAccuracy) == [0.5, 1, 0.5])
        #expect(throws: AblationError.self) { try AblationRunner.run(request(dir, .units("4"))) }
        #expect(throws: AblationError.self) { try AblationRunner.run(request(dir, .units("2-1"))) }
        #expect(throws: AblationError.self) { try AblationRunner.run(request(dir, .rank(className: "purple", count: 1))) }
        #expect(try UnitSelection.parse("3, 1-2,2", units: 5) == [0, 1, 2])
    }

    @Test func unitsChosenByConceptFromADissection() throws {
        let dir = try makeTemporaryDirectory("nd-concept")
        try PlantedProbe().write(to: dir + "/probe")
        let model = PlantedProbe.modelPath
        try DissectRunner.run(DissectRequest(
            model: model, activations: nil, dataset: dir + "/probe", layers: ["features"], out: dir + "/run",
            quantile: 0.005, iouThreshold: 0.04, categories: nil, union: "original", topK: 5, batch: 16, threads: 2,
            limit: nil, mean: RunConfiguration.imagenetMean, std: RunConfiguration.imagenetStd, bgr: false,
            checkpointEvery: 64, force: false))
        let red = try UnitSelection.bestDetectors(of: "red-c", count: 2, run: dir + "/run", layer: "features")
        #expect(red.first?.unit == 0 && red.first?.bestLabel == "red-c" && red.count == 2 && red[0].iou > red[1].iou)
        #expect(try UnitSelection.bestDetectors(of: "Vertical", count: 1, run: dir + "/run", layer: "features").map(\.unit) == [1])
        #expect(throws: AblationError.self) { try UnitSelection.bestDetectors(of: "dog", count: 1, run: dir + "/run", layer: "features") }
        #expect(throws: AblationError.self) { try UnitSelection.bestDetectors(of: "red-c", count: 1, run: dir + "/run", layer: "pooled") }
        #expect(throws: AblationError.self) { try UnitSelection.bestDetectors(of: "red-c", count: 1, run: dir + "/nothing", layer: "features") }
    }
}

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

    /// Pass 1 keeps the label masks for pass 2 (RUN/cache/labels.bin): a run killed in either pass
    /// resumes to the uninterrupted run's results; a damaged mask file stops the resume with one
    /// line naming it; with the files deleted, pass 2 decodes the segmentations again, same results.
    @Test func keptLabelMasksResumeAndAreChecked() throws {
        guard requireNetdissectBinary() != nil else { return }
        let dir = try makeTemporaryDirectory("nd-planted-masks")
        try PlantedProbe().write(to: dir + "/probe")
        func arguments(_ out: String) -> [String] {
            ["dissect", "--model", PlantedProbe.modelPath, "--dataset", dir + "/probe", "--layer", "features",
             "--out", out, "--batch", "8", "--checkpoint-every", "16"]
        }
        let (status, _, text) = try runCommand(arguments(dir + "/reference"))
        #expect(status == 0, "\(text)")
        let reference = try RunSnapshot(directory: dir + "/reference", layer: "features")
        for hook in ["1:24", "2:24"] {
            let out = dir + "/kill-" + hook.replacingOccurrences(of: ":", with: "-")
            let (signal, signalled, _) = try runCommand(arguments(out), environment: ["NETDISSECT_TEST_KILL": hook])
            #expect(signalled && signal == 9, "hook \(hook): the process was not killed")
            #expect(FileManager.default.fileExists(atPath: out + "/cache/labels.bin"), "hook \(hook)")
            #expect(FileManager.default.fileExists(atPath: out + "/cache/0.maps"), "hook \(hook)")
            #expect(FileManager.default.fileExists(atPath: out + "/cache/0.index"), "hook \(hook)")
            let (again, _, againText) = try runCommand(arguments(out))
            #expect(again == 0, "hook \(hook): \(againText)")
            #expect(try RunSnapshot(directory: out, layer: "features") == reference, "hook \(hook)")
            #expect(!FileManager.default.fileExists(atPath: out + "/cache"), "hook \(hook): the cache outlived the run")
        }

        // Stopped in pass 2 after its cache is gone (the end of a run deletes it while the results
        // are written): the resume tallies the rest from the model and the segmentations.
        let lost = dir + "/lost-cache"
        _ = try runCommand(arguments(lost), environment: ["NETDISSECT_TEST_KILL": "2:24"])
        try FileManager.default.removeItem(atPath: lost + "/cache")
        let (recomputed, _, recomputedText) = try runCommand(arguments(lost))
        #expect(recomputed == 0, "\(recomputedText)")
        #expect(try RunSnapshot(directory: lost, layer: "features") == reference)

        let out = dir + "/damaged"
        _ = try runCommand(arguments(out), environment: ["NETDISSECT_TEST_KILL": "2:8"])
        let bin = out + "/cache/labels.bin"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bin)))
        for k in 8..<min(bytes.count, 64) { bytes[k] = 0xFF }
        try Data(bytes).write(to: URL(fileURLWithPath: bin))
        let (failed, _, failedText) = try runCommand(arguments(out))
        #expect(failed == 1)
        // The progress lines, then one line: the file, the cause, what to do. (Killed before pass
        // 1's last commit landed, which runs beside pass 2's first batches, the resume finishes
        // pass 1's last images first, may pass a checkpoint on the way, and says "thresholds done".)
        let lines = failedText.split(separator: "\n").filter {
            !$0.contains("resuming at pass") && !$0.contains(": checkpoint: pass 1/2") && !$0.contains("thresholds done")
        }
        #expect(lines.count == 1 && lines[0].hasPrefix("netdissect: ") && lines[0].contains("labels.bin: the record of image")
                && lines[0].contains("damaged; delete labels.bin and labels.offsets"), "\(failedText)")
        try FileManager.default.removeItem(atPath: bin)
        try FileManager.default.removeItem(atPath: out + "/cache/labels.offsets")
        let (resumed, _, resumedText) = try runCommand(arguments(out))
        #expect(resumed == 0, "\(resumedText)")
        #expect(try RunSnapshot(directory: out, layer: "features") == reference)

        // The same for the activations: a stored map altered stops the resume with one line; with
        // the layer's files deleted, pass 2 runs the model again, same results.
        let maps = dir + "/damaged-maps"
        _ = try runCommand(arguments(maps), environment: ["NETDISSECT_TEST_KILL": "2:8"])
        let mapsFile = maps + "/cache/0.maps"
        var mapBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: mapsFile)))
        // The first stored map: one the resume reads whether it starts in pass 2 or, killed before
        // pass 1's last commit landed, finishes pass 1's last images first (rewriting their rows).
        mapBytes[2] ^= 0x10
        try Data(mapBytes).write(to: URL(fileURLWithPath: mapsFile))
        let (stopped, _, stoppedText) = try runCommand(arguments(maps))
        #expect(stopped == 1)
        // The progress up to the damaged batch, then one line: the file, the cause, what to do.
        let stoppedLines = stoppedText.split(separator: "\n")
        #expect(stoppedLines.filter { $0.contains("0.maps") }.count == 1)
        #expect(stoppedLines.last.map { $0.hasPrefix("netdissect: ") && $0.contains("/cache/0.maps: the maps of image")
                && $0.contains("do not match their check in 0.index; delete 0.maps and 0.index in that folder") } == true, "\(stoppedText)")
        try FileManager.default.removeItem(atPath: mapsFile)
        try FileManager.default.removeItem(atPath: maps + "/cache/0.index")
        let (again, _, againText) = try runCommand(arguments(maps))
        #expect(again == 0, "\(againText)")
        #expect(try RunSnapshot(directory: maps, layer: "features") == reference)
    }

    /// In one process, the planted model's run with the activation cache (which leaves most of its
    /// maps out at the default quantile) ends as one without it and as the command's, tally.csv
    /// byte for byte.
    @Test func theActivationCacheGivesTheResultsOfNoCache() throws {
        guard requireNetdissectBinary() != nil else { return }
        let dir = try makeTemporaryDirectory("nd-planted-cache")
        try PlantedProbe().write(to: dir + "/probe")
        let (status, _, text) = try runCommand(["dissect", "--model", PlantedProbe.modelPath, "--dataset", dir + "/probe",
                                                "--layer", "features", "--out", dir + "/command", "--batch", "8"])
        #expect(status == 0, "\(text)")
        let reference = try RunSnapshot(directory: dir + "/command", layer: "features")
        func dissector(_ out: String, cacheLimit: Int) throws -> Dissector {
            let dataset = try ProbeDataset.open(directory: dir + "/probe")
            let configuration = RunConfiguration(model: PlantedProbe.modelPath, dataset: dir + "/probe", layers: ["features"])
            var options = RunOptions(batchSize: 8, threads: 2, checkpointEvery: 16)
            options.cacheLimit = cacheLimit
            let source = try ProbeSampleSource(dataset: dataset, categories: nil, limit: nil, workers: options.workerCount)
            let first = try #require(dataset.records.first)
            let producer = try ModelActivations(path: PlantedProbe.modelPath, layers: ["features"], inputHeight: first.imageHeight,
                                                inputWidth: first.imageWidth, mean: configuration.mean, std: configuration.std,
                                                bgr: false, workers: options.workerCount)
            return Dissector(configuration: configuration, directory: out, source: source, producer: producer, options: options)
        }
        try dissector(dir + "/none", cacheLimit: 0).run()
        #expect(try RunReader.open(dir + "/none").meta(RunStore.activationCacheKey) == "no")
        #expect(try RunSnapshot(directory: dir + "/none", layer: "features") == reference)

        // Stopped as pass 2 begins: the cache holds under half of the maps.
        let cached = dir + "/cached"
        let control = RunControl()
        #expect(throws: RunError.cancelled) {
            try dissector(cached, cacheLimit: 1 << 30).run(control: control) { event in
                if case let .progress(p) = event, p.pass == 2 { control.cancel() }
            }
        }
        let file = try MapFile(directory: cached + "/cache", layer: 0, units: 4, mapSize: 64, firstRow: 0, mode: .skipping,
                               create: false, writable: false)
        let stored = try file.checkedEnd(rows: 100)
        #expect(stored > 0 && stored < 200, "\(stored) of 400 maps stored")
        try dissector(cached, cacheLimit: 1 << 30).run()
        let got = try RunSnapshot(directory: cached, layer: "features")
        #expect(got == reference)
        #expect(got.tallyCSV == reference.tallyCSV && !got.tallyCSV.isEmpty)
    }
}

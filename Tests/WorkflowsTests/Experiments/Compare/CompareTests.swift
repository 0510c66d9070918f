// Comparing two known runs: the planted-axes layer (every unit detects its own concept), and the
// same layer after a "fine-tuning" that swaps units 1 and 2, silences unit 3 and wakes unit 12.
// The fates, the counts and the whole printed comparison are fixed (golden file
// Fixtures/compare/planted.txt; re-record with NETDISSECT_RECORD=1).
import Foundation
import Runtime
import Testing
import TestSupport
@testable import Dissection
@testable import Workflows

/// Runs the planted-axes layer, with its activations rewritten by `edit`, into `directory`.
private func plantedRun(_ planted: PlantedAxes, in directory: String, name: String,
                        edit: (inout [Float], _ unit: Int, _ image: Int, _ map: Int) -> Void) throws -> String {
    var acts = planted.activations
    let hw = PlantedAxes.map * PlantedAxes.map
    for i in 0..<planted.count {
        for u in 0..<planted.units { edit(&acts, u, i, hw) }
    }
    let path = directory + "/\(name).npy"
    try NPY.write(Tensor(shape: [planted.count, planted.units, PlantedAxes.map, PlantedAxes.map], data: acts), to: path)
    let out = directory + "/" + name
    let configuration = RunConfiguration(activations: path, dataset: "/memory", layers: ["layer4"], quantile: 0.02, topK: 3)
    try Dissector(configuration: configuration, directory: out, source: planted,
                  producer: try NPYActivations(path: path, layerName: "layer4", images: planted.count),
                  options: RunOptions(batchSize: 16, threads: 2, checkpointEvery: 64)).run()
    return out
}

/// Replaces unit `u` of image `i` by a copy of unit `from`, or by faint noise when `from` is nil.
private func rewrite(_ acts: inout [Float], original: [Float], units: Int, u: Int, i: Int, hw: Int, from: Int?) {
    let dst = (i * units + u) * hw
    for p in 0..<hw {
        acts[dst + p] = from.map { original[(i * units + $0) * hw + p] } ?? Float((p * 7919 + i * 104729 + u) % 97) / 9700
    }
}

@Suite struct CompareTests {
    func makeRuns() throws -> (String, String, PlantedAxes) {
        let dir = try makeTemporaryDirectory("nd-compare")
        let planted = PlantedAxes()
        let original = planted.activations
        let before = try plantedRun(planted, in: dir, name: "epoch1") { acts, u, i, hw in
            if u == 11 { rewrite(&acts, original: original, units: 12, u: u, i: i, hw: hw, from: nil) }
        }
        let after = try plantedRun(planted, in: dir, name: "epoch2") { acts, u, i, hw in
            switch u {
            case 0: rewrite(&acts, original: original, units: 12, u: u, i: i, hw: hw, from: 1)
            case 1: rewrite(&acts, original: original, units: 12, u: u, i: i, hw: hw, from: 0)
            case 2: rewrite(&acts, original: original, units: 12, u: u, i: i, hw: hw, from: nil)
            default: break
            }
        }
        return (before, after, planted)
    }

    @Test func runsOnOtherProbesOrImageCountsComeWithACaveat() throws {
        let (before, after, _) = try makeRuns()
        var c = try RunComparison.load([before, after])
        #expect(c.caveats.isEmpty, "the same probe and images: \(c.caveats)")
        c.runs[1].progress.imagesTotal -= 10
        #expect(c.caveats.count == 1 && c.caveats[0].hasPrefix("the runs used different numbers of images (epoch1: "))
        c.runs[1].configuration.dataset = "/elsewhere/broden1_224"
        #expect(c.caveats.count == 2 && c.caveats[0].contains("epoch2: /elsewhere/broden1_224"))
    }

    @Test func fatesAndCountsOfTwoKnownRuns() throws {
        let (before, after, _) = try makeRuns()
        let c = try RunComparison.load([before, after])
        #expect(c.runs.map(\.name) == ["epoch1", "epoch2"])
        #expect(c.layers.count == 1)
        let layer = c.layers[0]
        #expect(layer.counts.map(\.detectors) == [11, 11])
        #expect(layer.counts.map(\.unique) == [11, 11])
        #expect(layer.units.map(\.change) == [.relabelled, .relabelled, .vanished] + [UnitChange](repeating: .kept, count: 8) + [.emerged])
        #expect(layer.units[0].results.map { $0?.labelName } == ["concept1", "concept2"])
        #expect(layer.units[1].results.map { $0?.labelName } == ["concept2", "concept1"])
        #expect(layer.changeTally.map(\.1) == [8, 2, 1, 1])
        // The same runs in the other order: the fates mirror.
        let reversed = try RunComparison.load([after, before])
        #expect(reversed.layers[0].units.map(\.change) == [.relabelled, .relabelled, .emerged] + [UnitChange](repeating: .kept, count: 8) + [.vanished])
    }

    @Test func printedComparisonMatchesTheGoldenFile() throws {
        let (before, after, _) = try makeRuns()
        let c = try RunComparison.load([before, after])
        var text = ComparisonTable.lines(c, units: .changed).joined(separator: "\n") + "\n"
        text += "\n" + ComparisonTable.unit(c.layers[0].units[0], layer: c.layers[0], runs: c.runs).joined(separator: "\n") + "\n"
        text += "\n" + ComparisonTable.csv(c)
        let golden = URL(fileURLWithPath: packagePath("Tests/WorkflowsTests/Fixtures/compare/planted.txt"))
        if ProcessInfo.processInfo.environment["NETDISSECT_RECORD"] == "1" {
            try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: golden)
        }
        let expected = try String(contentsOf: Bundle.module.url(forResource: "Fixtures/compare/planted", withExtension: "txt")!, encoding: .utf8)
        #expect(text == expected)
    }

    @Test func layersAreChosenOrRefusedWithTheReason() throws {
        let (before, after, _) = try makeRuns()
        #expect(try RunComparison.load([before, after], layers: ["layer4"]).layers.count == 1)
        #expect(try RunComparison.load([before, after], layers: ["layer4", "layer4"]).layers.count == 1)
        #expect(throws: CompareError.self) { try RunComparison.load([before]) }
        do {
            _ = try RunComparison.load([before, after], layers: ["conv9"])
            Issue.record("an unknown layer was accepted")
        } catch {
            #expect(error.description.contains("no layer 'conv9'") && error.description.contains("layer4"))
        }
        do {
            _ = try RunComparison.load([before, before + "/nothing"])
            Issue.record("a missing run was accepted")
        } catch {
            #expect(error.description.contains("nothing"))
        }
        #expect(throws: CompareError.self) { try RunComparison.load([before, after], layers: ["a", "b", "c"]) }
    }

    @Test func fatesFromResults() {
        func r(_ label: String, _ detector: Bool) -> UnitResult? {
            UnitResult(layer: "l", unit: 0, threshold: 1, label: 1, labelName: label, category: 0, categoryName: "object",
                       iou: detector ? 0.1 : 0.01, isDetector: detector, isFinal: true, perCategory: [])
        }
        #expect(UnitChange.of([]) == .none)
        #expect(UnitChange.of([r("dog", true)]) == .kept)
        #expect(UnitChange.of([r("dog", true), r("dog", true)]) == .kept)
        #expect(UnitChange.of([r("dog", true), r("waterfall", true)]) == .relabelled)
        #expect(UnitChange.of([r("dog", true), r("dog", false), r("dog", true)]) == .relabelled)
        #expect(UnitChange.of([r("dog", false), r("dog", true)]) == .emerged)
        #expect(UnitChange.of([r("dog", true), nil]) == .vanished)
        #expect(UnitChange.of([r("dog", false), r("sky", true), r("dog", false)]) == .transient)
        #expect(UnitChange.of([nil, r("dog", false)]) == .none)
    }
}

// The rotation experiment end to end: the edit applied after the tap equals the session's edit
// bit for bit; α = 0 reproduces a plain dissection exactly; on the planted model (whose detectors
// are axis-aligned by construction) unique detectors fall as α grows; a rotation run resumes like
// a dissection and refuses to continue with another rotation.
import DissectionTestSupport
import Foundation
import Render
import Runtime
import Testing
import TestSupport
@testable import Dissection
@testable import Workflows

private let plantedModel = PlantedProbe.modelPath

/// A rotate request over the planted probe in `dir/probe`.
private func plantedRequest(_ dir: String, out: String, alphas: String, seed: UInt64, force: Bool = false) -> RotateRequest {
    RotateRequest(dissect: DissectRequest(
        model: plantedModel, activations: nil, dataset: dir + "/probe", layers: ["features"], out: out,
        quantile: 0.005, iouThreshold: 0.04, categories: nil, union: "original", topK: 10, batch: 16, threads: 2,
        limit: nil, mean: RunConfiguration.imagenetMean, std: RunConfiguration.imagenetStd, bgr: false,
        checkpointEvery: 32, force: force), alphas: alphas, seed: seed)
}

private let quiet = ProgressPrinter(isTerminal: false, write: { _ in })

@Suite struct RotationRunTests {
    @Test func editAfterTheTapEqualsTheSessionsEdit() throws {
        let model = try ONNXModel.load(path: plantedModel)
        var g = SeededGenerator(seed: 4)
        let rotation = try FractionalRotation(try RandomRotation.make(size: 4, seed: 8))
        let edits: [LayerEdit] = [.channelMatrix(rotation.power(0.6).floats), .zeroUnits([1, 3]), .channelMatrix(DenseMatrix.identity(4).floats)]
        try withEvery("batch", in: [1, 3]) { batch in
            let input = Tensor(shape: [batch, 3, 32, 32], data: g.floats(batch * 3 * 32 * 32))
            let plain = try model.session(taps: ["features"]).run(input)["features"]!
            for edit in edits {
                let edited = try model.session(taps: ["features"], edits: ["features": edit]).run(input)["features"]!
                var after = plain
                edit.apply(to: &after)
                #expect(after == edited, "\(edit)")
            }
        }
    }

    @Test func alphaZeroEqualsAPlainDissection() throws {
        let dir = try makeTemporaryDirectory("nd-rot0")
        let probe = RandomProbe(seed: 21, N: 19, C: 5)
        let acts = try writeActivations(probe, in: dir)
        let options = RunOptions(batchSize: 4, threads: 2, checkpointEvery: 8)
        let plain = makeConfiguration(activations: acts)
        try Dissector(configuration: plain, directory: dir + "/plain", source: MemorySource(probe: probe),
                      producer: try NPYActivations(path: acts, layerName: "acts", images: probe.N), options: options).run()

        let manifest = RotationManifest(layer: "acts", units: probe.C, seed: 3, alphas: [0, 1])
        var rotated = plain
        rotated.layers = manifest.layers
        let producer = RotatedActivations(inner: try NPYActivations(path: acts, layerName: "acts", images: probe.N),
                                          rotation: try FractionalRotation(try RandomRotation.make(size: probe.C, seed: 3)),
                                          manifest: manifest)
        try Dissector(configuration: rotated, directory: dir + "/rotated", source: MemorySource(probe: probe),
                      producer: producer, options: options).run()

        let a = try RunSnapshot(directory: dir + "/plain", layer: "acts")
        let b = try RunSnapshot(directory: dir + "/rotated", layer: "acts@alpha=0")
        #expect(a.units.map { var u = $0; u.layer = ""; return u } == b.units.map { var u = $0; u.layer = ""; return u })
        #expect(a.top.map { $0.map { var t = $0; t.layer = ""; return t } } == b.top.map { $0.map { var t = $0; t.layer = ""; return t } })
        #expect(a.tally == b.tally)
        #expect(a.tallyCSV == b.tallyCSV && !a.tallyCSV.isEmpty)
        // The full rotation really changes the units.
        let full = try RunSnapshot(directory: dir + "/rotated", layer: "acts@alpha=1")
        #expect(full.units.map(\.threshold) != a.units.map(\.threshold))
    }

    @Test func atAlphaZeroThePlantedModelIsDissectedAsWithoutRotation() throws {
        let dir = try makeTemporaryDirectory("nd-rotp")
        try PlantedProbe().write(to: dir + "/probe")
        try RotationRunner.run(plantedRequest(dir, out: dir + "/rot", alphas: "0,1", seed: 1), printer: quiet) { _ in }
        var plain = plantedRequest(dir, out: dir + "/plain", alphas: "0", seed: 0).dissect
        plain.layers = ["features"]
        try DissectRunner.run(plain)
        let a = try RunSnapshot(directory: dir + "/plain", layer: "features")
        let b = try RunSnapshot(directory: dir + "/rot", layer: "features@alpha=0")
        #expect(a.units.map { var u = $0; u.layer = ""; return u } == b.units.map { var u = $0; u.layer = ""; return u })
        #expect(a.tallyCSV == b.tallyCSV)
        #expect(b.units.map(\.labelName).prefix(2) == ["red-c", "vertical"])
        #expect(try RotationResult.read(directory: dir + "/rot").points[0].counts.unique == 2)

        // The summary and the report show the curve; a plain run gets neither.
        let summary = try ExperimentSummary.lines(view: try RunView.open(dir + "/rot"), colored: nil, width: 80)
        #expect(summary.contains { $0.hasPrefix("unique detectors against α") })
        #expect(try ExperimentSummary.lines(view: try RunView.open(dir + "/plain"), colored: nil, width: 80).isEmpty)
        let index = try RunReport.write(ReportRequest(run: dir + "/rot", out: dir + "/report"), progress: { _ in }, problems: { _ in })
        let html = try String(contentsOfFile: index, encoding: .utf8)
        #expect(html.contains("Rotation: unique detectors against α") && html.contains(#"<svg xmlns="http://www.w3.org/2000/svg" class="chart""#))
        #expect(html.contains("features@alpha=1"))
        try RunReport.write(ReportRequest(run: dir + "/plain", out: dir + "/report-plain"), progress: { _ in }, problems: { _ in })
        #expect(try !String(contentsOfFile: dir + "/report-plain/index.html", encoding: .utf8).contains("Rotation"))
    }

    @Test func lineChartDrawsEverySeriesEscaped() {
        let chart = LineChart(x: [0, 0.5, 1], xLabels: ["0", "0.5", "1"], xTitle: "α", yTitle: "unique",
                              series: [ChartSeries(name: "all", values: [4, 2, 1], color: RGBColor(0, 0, 0), emphasised: true),
                                       ChartSeries(name: "<b>&", values: [1, .nan, 0], color: RGBColor(255, 0, 0))])
        let svg = chart.svg
        #expect(svg.components(separatedBy: "<polyline").count == 3)
        #expect(svg.components(separatedBy: "<circle").count == 1 + 3 + 2)
        #expect(svg.contains("&lt;b&gt;&amp;") && !svg.contains("<b>"))
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
    }

    @Test func uniqueDetectorsFallAsAlphaGrows() throws {
        let dir = try makeTemporaryDirectory("nd-rotf")
        let planted = PlantedAxes()
        let acts = try planted.writeActivations(in: dir)
        // A single rotation may bump the count up between two α (two units happen to trade
        // their dominant concepts); the mean over rotations falls steadily.
        var curves: [[Int]] = []
        withEvery("seed", in: [1, 2, 3, 4]) { seed in
            let manifest = RotationManifest(layer: "planted", units: planted.units, seed: UInt64(seed), alphas: [0, 0.25, 0.5, 0.75, 1])
            let configuration = RunConfiguration(activations: acts, dataset: "/memory", layers: manifest.layers, quantile: 0.02)
            let producer = RotatedActivations(inner: try NPYActivations(path: acts, layerName: "planted", images: planted.count),
                                              rotation: try FractionalRotation(try RandomRotation.make(size: planted.units, seed: UInt64(seed))),
                                              manifest: manifest)
            let out = dir + "/run\(seed)"
            try Dissector(configuration: configuration, directory: out, source: planted, producer: producer,
                          options: RunOptions(batchSize: 16, threads: 2, checkpointEvery: 64)).run()
            try manifest.write(directory: out)
            let unique = try RotationResult.read(directory: out).points.map(\.counts.unique)
            #expect(unique[0] == planted.units, "every planted unit detects its own concept: \(unique)")
            #expect(unique.last! < unique[0] - 2, "\(unique)")
            curves.append(unique)
        }
        let mean = (0..<5).map { a in Double(curves.map { $0[a] }.reduce(0, +)) / Double(max(1, curves.count)) }
        #expect(curves.count == 4 && zip(mean, mean.dropFirst()).allSatisfy { $0 >= $1 } && mean[4] < mean[0] - 2, "\(curves)")
    }

    @Test func aRotationRunResumesAndRefusesAnotherRotation() throws {
        let dir = try makeTemporaryDirectory("nd-rotr")
        try PlantedProbe().write(to: dir + "/probe")
        // Uninterrupted reference.
        try RotationRunner.run(plantedRequest(dir, out: dir + "/whole", alphas: "0,0.4,1", seed: 5), printer: quiet) { _ in }
        // Cancelled after the first batch of pass 2 (the run stops at the next batch boundary,
        // after a checkpoint), then the same command again. The cancel comes from the run's own
        // thread: a checkpoint's line may be reported only after the last batch (its commit runs
        // on the checkpoint writer's thread), too late to cancel anything.
        let control = RunControl()
        #expect(throws: DissectFailure.self) {
            try RotationRunner.run(plantedRequest(dir, out: dir + "/resumed", alphas: "0,0.4,1", seed: 5), printer: quiet,
                                   control: control, onEvent: { event in
                                       if case let .progress(p) = event, p.pass == 2 { control.cancel() }
                                   }) { _ in }
        }
        #expect(try RunReader.open(dir + "/resumed").progress().status == .cancelled)
        #expect(try RotationManifest.read(directory: dir + "/resumed")?.seed == 5)
        // Another seed is refused while the run is unfinished, naming the stored rotation.
        do {
            try RotationRunner.run(plantedRequest(dir, out: dir + "/resumed", alphas: "0,0.4,1", seed: 6), printer: quiet) { _ in }
            Issue.record("a different seed was accepted")
        } catch let failure as DissectFailure {
            #expect(failure.message.contains("rotation.json") && failure.message.contains("seed 5") && failure.message.contains("--force"))
        }
        try RotationRunner.run(plantedRequest(dir, out: dir + "/resumed", alphas: "0,0.4,1", seed: 5), printer: quiet) { _ in }
        for layer in RotationManifest(layer: "features", units: 4, seed: 5, alphas: [0, 0.4, 1]).layers {
            #expect(try RunSnapshot(directory: dir + "/whole", layer: layer) == RunSnapshot(directory: dir + "/resumed", layer: layer))
        }
        // --force starts over with the new rotation and rewrites rotation.json.
        try RotationRunner.run(plantedRequest(dir, out: dir + "/resumed", alphas: "0,1", seed: 6, force: true), printer: quiet) { _ in }
        #expect(try RotationManifest.read(directory: dir + "/resumed")?.alphas == [0, 1])
        #expect(try RunReader.open(dir + "/resumed").layers().map(\.name) == ["features@alpha=0", "features@alpha=1"])
    }

    @Test func alphasAreParsedAndNamed() throws {
        #expect(try RotationManifest.parseAlphas("1, 0,0.25") == [0, 0.25, 1])
        #expect(RotationManifest.layerName("features.13", alpha: 0.4) == "features.13@alpha=0.4")
        #expect(RotationManifest.layerName("f", alpha: 1) == "f@alpha=1")
        withEvery("bad", in: ["", "0,,1", "x", "1.5", "-0.1", "0.2,0.2", "nan"]) { text in
            #expect(throws: RunError.self) { try RotationManifest.parseAlphas(text) }
        }
    }

    @Test func chartAndTablePresentTheCounts() {
        func counts(_ perCategory: [(String, Int, Int)], final: Bool = true) -> DetectorCounts {
            DetectorCounts(units: 8, detectors: perCategory.map(\.2).reduce(0, +), unique: perCategory.map(\.1).reduce(0, +),
                           perCategory: perCategory.map { CategoryCount(category: $0.0, unique: $0.1, detectors: $0.2) }, isFinal: final)
        }
        let manifest = RotationManifest(layer: "conv5", units: 8, seed: 0, alphas: [0, 0.5, 1])
        let result = RotationResult(manifest: manifest, categories: ["object", "part", "color"], points: [
            RotationPoint(alpha: 0, layer: manifest.layers[0], counts: counts([("object", 3, 4), ("part", 0, 0), ("color", 1, 2)])),
            RotationPoint(alpha: 0.5, layer: manifest.layers[1], counts: counts([("object", 2, 2), ("part", 0, 0), ("color", 0, 0)])),
            RotationPoint(alpha: 1, layer: manifest.layers[2], counts: counts([("object", 0, 0), ("part", 0, 0), ("color", 0, 0)], final: false)),
        ], iouThreshold: 0.04)
        #expect(RotationChart.table(result) == [
            "rotation of conv5 (8 units), seed 0; detector: IoU ≥ 0.040",
            "  α  detectors  unique  object  color",
            "  0          6       4   3 (4)  1 (2)",
            "0.5          2       2   2 (2)  0 (0)",
            " 1*          0       0   0 (0)  0 (0)",
            "per category: unique detectors (detector units)",
            "* provisional: the run has not finished this layer",
        ])
        let chart = RotationChart.chart(result, colored: nil, width: 40)
        #expect(chart.count == 5)
        #expect(chart[1] == "α 0      4 " + String(repeating: "█", count: 20) + String(repeating: "▓", count: 7))
        #expect(chart[2] == "α 0.5    2 " + String(repeating: "█", count: 14))
        #expect(chart[3] == "α 1*     0 ")
        #expect(chart[4] == "  █ object  ▓ color")
        // The report's section holds the same numbers, as plain values for Render's writer.
        let section = ExperimentReport.rotation(result)
        #expect(section.table?.columns.map(\.title) == ["α", "layer", "detectors", "unique", "object", "color"])
        #expect(section.table?.rows == [["0", "conv5@alpha=0", "6", "4", "3", "1"],
                                        ["0.5", "conv5@alpha=0.5", "2", "2", "2", "0"],
                                        ["1*", "conv5@alpha=1", "0", "0", "0", "0"]])
        #expect(section.chart?.series.map(\.name) == ["all categories", "object", "color"])
        #expect(section.chart?.series[0].values == [4, 2, 0])
        #expect(section.note?.hasPrefix("conv5 (8 units) seen through fractional powers") == true)
        #expect(section.note?.contains("(seed 0); detector: IoU ≥ 0.040.") == true)
        #expect(section.footnote == "* provisional: the run has not finished that layer.")
    }
}

extension RotationRunTests {
    @Test func aManifestThatIsALinkOrAFIFOIsRefusedNotFollowed() throws {
        let dir = try makeTemporaryDirectory("nd-rotation-hostile")
        #expect(try RotationManifest.read(directory: dir) == nil)
        let good = RotationManifest(layer: "acts", units: 3, seed: 1, alphas: [0, 1])
        try FileManager.default.createDirectory(atPath: dir + "/ok", withIntermediateDirectories: true)
        try good.write(directory: dir + "/ok")
        #expect(try RotationManifest.read(directory: dir + "/ok")?.alphas == [0, 1])
        // A link to a valid manifest elsewhere, and a FIFO (which used to block the read).
        try FileManager.default.createDirectory(atPath: dir + "/linked", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/linked/rotation.json", withDestinationPath: dir + "/ok/rotation.json")
        #expect(throws: Dissection.RunError.self) { try RotationManifest.read(directory: dir + "/linked") }
        try FileManager.default.createDirectory(atPath: dir + "/fifo", withIntermediateDirectories: true)
        #expect(mkfifo(dir + "/fifo/rotation.json", 0o600) == 0)
        let start = Date()
        #expect(throws: Dissection.RunError.self) { try RotationManifest.read(directory: dir + "/fifo") }
        #expect(Date().timeIntervalSince(start) < 5)
    }
}

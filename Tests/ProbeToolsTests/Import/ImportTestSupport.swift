// Running what a user runs on an imported probe: `probe check`, and a dissection whose units fire
// exactly on one quadrant of every image, so each unit must find the label drawn there.
import Dissection
import Foundation
import Runtime
import TestSupport
import Testing
@testable import ProbeTools

enum Quadrant: CaseIterable { case topLeft, topRight, bottomLeft, bottomRight }

/// Imports `source` into a new directory beside it and returns the probe directory and summary,
/// with the problems reported.
func importProbe(_ source: String, _ format: ImportFormat, options: (inout ImportOptions) -> Void = { _ in },
                 out: String? = nil) throws -> (dir: String, summary: ImportSummary, problems: [ImportProblem]) {
    var o = ImportOptions(format: format)
    o.workers = 2
    options(&o)
    let dir = out ?? (source as NSString).deletingLastPathComponent + "/probe-\(format.rawValue)"
    var problems: [ImportProblem] = []
    let summary = try ProbeImport.run(source: source, out: dir, options: o, report: { problems.append($0) })
    return (dir, summary, problems)
}

/// `probe check` of `dir`: usable, no problem.
func expectCleanCheck(_ dir: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ProbeCheckReport {
    let report = try ProbeDataset.check(directory: dir, workers: 2)
    #expect(report.isUsable, "\(report.lines().joined(separator: "\n"))", sourceLocation: sourceLocation)
    #expect(report.problems.isEmpty, "\(report.problems)", sourceLocation: sourceLocation)
    #expect(report.usable == report.records, sourceLocation: sourceLocation)
    return report
}

/// The label name and category at pixel (x, y) of record `row` (in category `category`).
func labelName(_ dir: String, row: Int, category: String, x: Int, y: Int) throws -> String? {
    let dataset = try ProbeDataset.open(directory: dir)
    let c = try #require(dataset.category(named: category))
    let sample = try dataset.sample(dataset.records[row])
    guard let map = sample.layers[c].first else { return nil }
    let id = map.labels[y * map.width + x]
    return id == 0 ? nil : dataset.label(id: Int(id))?.name
}

/// Dissects `dir` with one unit per quadrant of `units`: the unit is 1 on that quadrant of every
/// image and 0 elsewhere, at the probe's segmentation size. Returns each unit's result.
func dissectQuadrants(_ dir: String, units: [Quadrant], side: Int = ImportFixtures.side) throws -> [UnitResult] {
    let dataset = try ProbeDataset.open(directory: dir)
    let n = dataset.records.count
    // (N, C, H, W)
    var acts = [Float](repeating: 0, count: n * units.count * side * side)
    for i in 0..<n {
        for (u, quadrant) in units.enumerated() {
            for y in 0..<side {
                for x in 0..<side {
                    let here: Quadrant = y < side / 2 ? (x < side / 2 ? .topLeft : .topRight) : (x < side / 2 ? .bottomLeft : .bottomRight)
                    if here == quadrant { acts[((i * units.count + u) * side + y) * side + x] = 1 }
                }
            }
        }
    }
    let work = dir + "-run"
    try? FileManager.default.removeItem(atPath: work)
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    try NPY.write(Tensor(shape: [n, units.count, side, side], data: acts), to: work + "/acts.npy")
    // A quadrant is a quarter of every image: the top quarter of the values is the unit's mask.
    let configuration = RunConfiguration(activations: work + "/acts.npy", dataset: dir, layers: ["acts"],
                                         quantile: 0.25, iouThreshold: 0.04, union: .original, topK: 2)
    let source = try ProbeSampleSource(dataset: dataset, categories: nil, limit: nil, workers: 1)
    let producer = try NPYActivations(path: work + "/acts.npy", layerName: "acts", images: source.count)
    try Dissector(configuration: configuration, directory: work + "/run", source: source, producer: producer,
                  options: RunOptions(batchSize: 2, threads: 1, checkpointEvery: 2)).run()
    return try RunReader.open(work + "/run").units(layer: "acts")
}


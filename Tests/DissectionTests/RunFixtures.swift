// Helpers for run tests: an in-memory probe as a SampleSource, its activations as a .npy file,
// and a snapshot of everything a run directory reports, for comparing two runs.
import Foundation
import Runtime
import TestSupport
@testable import Dissection

/// A RandomProbe served as a SampleSource; images without annotation are skips.
struct MemorySource: SampleSource {
    let probe: RandomProbe
    var catalog: ConceptCatalog { probe.catalog }
    var count: Int { probe.N }
    func path(of index: Int) -> String { "random/\(index).jpg" }
    func samples(_ range: Range<Int>, decodeImages: Bool) -> AnyIterator<SampleItem> {
        var i = range.lowerBound
        return AnyIterator {
            guard i < range.upperBound else { return nil }
            defer { i += 1 }
            if let a = probe.annotations[i] { return .sample(index: i, annotation: a, image: nil) }
            return .skip(index: i, path: path(of: i), reason: "unreadable (test)")
        }
    }
}

/// Writes the probe's activations as float32 (N, C, H, W) .npy and returns the path.
func writeActivations(_ probe: RandomProbe, in directory: String) throws -> String {
    let path = directory + "/acts.npy"
    try NPY.write(Tensor(shape: [probe.N, probe.C, probe.H, probe.W], data: probe.activations), to: path)
    return path
}

/// Everything a run reports, comparable between runs.
struct RunSnapshot: Equatable {
    var units: [UnitResult]
    var top: [[TopImage]]
    var tally: LayerTally?
    var skipped: [SkippedInput]
    var tallyCSV: String
    var status: RunStatus

    init(directory: String, layer: String) throws {
        let reader = try RunReader.open(directory)
        units = try reader.units(layer: layer)
        top = try units.map { try reader.topImages(layer: layer, unit: $0.unit) }
        tally = try reader.tally(layer: layer)
        skipped = try reader.skipped()
        let csv = directory + "/" + RunDirectory.layerFolder(layer) + "/tally.csv"
        tallyCSV = (try? String(contentsOfFile: csv, encoding: .utf8)) ?? ""
        status = try reader.progress().status
    }
}

func makeConfiguration(activations: String, layer: String = "acts", quantile: Double = 0.1,
                       union: UnionRule = .original) -> RunConfiguration {
    RunConfiguration(activations: activations, dataset: "/memory", layers: [layer], quantile: quantile,
                     iouThreshold: 0.04, union: union, topK: 3)
}

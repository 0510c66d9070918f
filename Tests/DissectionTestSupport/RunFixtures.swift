// Helpers for run tests: an in-memory probe as a SampleSource, its activations as a .npy file,
// and a snapshot of everything a run directory reports, for comparing two runs.
import Foundation
import Runtime
import TestSupport
import Dissection

/// A RandomProbe served as a SampleSource; images without annotation are skips.
public struct MemorySource: SampleSource {
    /// The probe served.
    public let probe: RandomProbe
    /// Serves `probe`.
    public init(probe: RandomProbe) { self.probe = probe }
    public var catalog: ConceptCatalog { probe.catalog }
    public var count: Int { probe.N }
    public func path(of index: Int) -> String { "random/\(index).jpg" }
    public func samples(_ range: Range<Int>, decodeImages: Bool) -> AnyIterator<SampleItem> {
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
public func writeActivations(_ probe: RandomProbe, in directory: String) throws -> String {
    let path = directory + "/acts.npy"
    try NPY.write(Tensor(shape: [probe.N, probe.C, probe.H, probe.W], data: probe.activations), to: path)
    return path
}

/// Everything a run reports, comparable between runs.
public struct RunSnapshot: Equatable {
    /// Every unit's result.
    public var units: [UnitResult]
    /// Every unit's top images.
    public var top: [[TopImage]]
    /// The stored tally.
    public var tally: LayerTally?
    /// Skipped inputs.
    public var skipped: [SkippedInput]
    /// The layer's tally.csv.
    public var tallyCSV: String
    /// The run's status.
    public var status: RunStatus

    /// Reads `layer` of the run in `directory`.
    public init(directory: String, layer: String) throws {
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

/// A run configuration over precomputed activations (quantile 0.1, top 3 images).
public func makeConfiguration(activations: String, layer: String = "acts", quantile: Double = 0.1,
                       union: UnionRule = .original) -> RunConfiguration {
    RunConfiguration(activations: activations, dataset: "/memory", layers: [layer], quantile: quantile,
                     iouThreshold: 0.04, union: union, topK: 3)
}

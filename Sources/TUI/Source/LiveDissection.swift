// Starting a dissection inside the explorer: the same settings as `netdissect dissect`, turned
// into the engine's `Dissector` without running it, so the explorer can drive it.
//
// This mirrors the setup in `DissectRunner.run` (engine); when the engine exposes that setup as
// a function of its own, this file should call it instead.

import Dissection
import Foundation

/// What `explore --dataset ... --out RUN` asks for.
public struct LiveDissectionRequest: Sendable {
    /// ONNX model, or nil with `activations`.
    public var model: String?
    /// Precomputed float32 `(N, C, H, W)` activations, or nil with `model`.
    public var activations: String?
    /// Probe dataset directory.
    public var dataset: String
    /// Layers to dissect.
    public var layers: [String]
    /// Run directory.
    public var out: String
    /// Settings with `netdissect dissect`'s meaning and defaults.
    public var quantile = 0.005, iouThreshold = 0.04, topK = 10, batch = 32, checkpointEvery = 512
    /// Only the first `limit` images.
    public var limit: Int?
    /// Categories to score (nil: all).
    public var categories: [String]?

    /// A request from its required parts.
    public init(model: String?, activations: String?, dataset: String, layers: [String], out: String) {
        self.model = model; self.activations = activations; self.dataset = dataset; self.layers = layers; self.out = out
    }
}

/// Builds the engine objects for a live dissection.
public enum LiveDissection {
    /// A dissector ready to run, or a one-line failure.
    public static func prepare(_ r: LiveDissectionRequest) throws(ExploreFailure) -> Dissector {
        do {
            guard r.model != nil || r.activations != nil else {
                throw ExploreFailure("explore: give --model or --activations with --dataset to start a dissection")
            }
            guard r.batch >= 1, r.batch <= 4096 else { throw RunError.badSetting("--batch must lie in [1, 4096]") }
            guard r.checkpointEvery >= 1 else { throw RunError.badSetting("--checkpoint-every must be at least 1") }
            var layers = r.layers
            if let activations = r.activations {
                guard layers.count <= 1 else {
                    throw RunError.badSetting("--activations holds one layer; give at most one --layer to name it")
                }
                if layers.isEmpty { layers = [((activations as NSString).lastPathComponent as NSString).deletingPathExtension] }
            }
            guard !layers.isEmpty else { throw RunError.badSetting("--layer: name at least one layer to dissect") }
            let configuration = RunConfiguration(
                model: r.model.map(absolute), activations: r.activations.map(absolute), dataset: absolute(r.dataset),
                layers: layers, quantile: r.quantile, iouThreshold: r.iouThreshold, categories: r.categories,
                topK: r.topK, limit: r.limit)
            try configuration.validate()
            let options = RunOptions(batchSize: r.batch, checkpointEvery: r.checkpointEvery)
            let dataset: ProbeDataset
            do { dataset = try ProbeDataset.open(directory: configuration.dataset) } catch {
                throw ExploreFailure(error.description)
            }
            let source = try ProbeSampleSource(dataset: dataset, categories: configuration.categories,
                                               limit: configuration.limit, workers: options.workerCount)
            guard let activations = configuration.activations else {
                throw RunError.badSetting("--model is not available in this build yet; use --activations")
            }
            var producer: ActivationProducer
            do {
                producer = try NPYActivations(path: activations, layerName: layers[0], images: source.count)
            } catch let error as RunError {
                throw error
            } catch {
                throw RunError.input(path: activations, reason: "\(error)",
                                     hint: "save the activations with numpy.save as float32 (N, C, H, W)")
            }
            if let delay = ProcessInfo.processInfo.environment["NETDISSECT_TEST_BATCH_DELAY_MS"].flatMap(Int.init), delay > 0 {
                producer = ThrottledProducer(producer, delay: delay)
            }
            return Dissector(configuration: configuration, directory: absolute(r.out), source: source,
                             producer: producer, options: options)
        } catch let error as ExploreFailure {
            throw error
        } catch let error as RunError {
            throw ExploreFailure(error.description)
        } catch {
            throw ExploreFailure("explore: \(error)")
        }
    }

    /// Absolute, standardised path.
    static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let full = expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded
        return (full as NSString).standardizingPath
    }
}

/// A test hook (`NETDISSECT_TEST_BATCH_DELAY_MS`): slows every batch down so end-to-end tests
/// can watch a run, pause it and resume it before it ends.
final class ThrottledProducer: ActivationProducer {
    let inner: ActivationProducer
    let delay: Int
    init(_ inner: ActivationProducer, delay: Int) { self.inner = inner; self.delay = delay }
    var layers: [LayerShape] { inner.layers }
    var needsImages: Bool { inner.needsImages }
    var isRereadable: Bool { inner.isRereadable }
    func produce(_ items: [SampleItem], into output: inout [[Float]]) throws -> [String?] {
        usleep(useconds_t(delay * 1000))
        return try inner.produce(items, into: &output)
    }
}

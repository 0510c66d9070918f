// What `netdissect dissect` does once its arguments are parsed: open the dataset and the
// activation source, run, print progress, and turn every failure into one line.
import Dissection
import Foundation
import Render
import Runtime

/// The dissect command's arguments, as typed (also what `explore` starts a run from).
public struct DissectRequest: Sendable {
    public var model: String?, activations: String?, dataset: String, layers: [String], out: String
    public var quantile: Double, iouThreshold: Double, categories: [String]?, union: String, topK: Int
    public var batch: Int, threads: Int, limit: Int?, mean: [Float], std: [Float], bgr: Bool
    public var checkpointEvery: Int, force: Bool
    /// All of the run, or a step of a sharded run (`--prepare-shards`, `--shard`, `merge`).
    public var work: RunWork = .whole

    public init(model: String?, activations: String?, dataset: String, layers: [String], out: String,
                quantile: Double, iouThreshold: Double, categories: [String]?, union: String, topK: Int,
                batch: Int, threads: Int, limit: Int?, mean: [Float], std: [Float], bgr: Bool,
                checkpointEvery: Int, force: Bool) {
        self.model = model; self.activations = activations; self.dataset = dataset; self.layers = layers
        self.out = out; self.quantile = quantile; self.iouThreshold = iouThreshold; self.categories = categories
        self.union = union; self.topK = topK; self.batch = batch; self.threads = threads; self.limit = limit
        self.mean = mean; self.std = std; self.bgr = bgr; self.checkpointEvery = checkpointEvery; self.force = force
    }
}

extension DissectRequest {
    /// The request that opens the run `configuration` describes, in `out` (what `merge` runs).
    public init(configuration c: RunConfiguration, out: String, threads: Int) {
        self.init(model: c.model, activations: c.activations, dataset: c.dataset, layers: c.layers, out: out,
                  quantile: c.quantile, iouThreshold: c.iouThreshold, categories: c.categories, union: c.union.rawValue,
                  topK: c.topK, batch: 32, threads: threads, limit: c.limit, mean: c.mean, std: c.std, bgr: c.bgr,
                  checkpointEvery: 512, force: false)
    }
}

/// A failure of the dissect command: the one-line message to print.
public struct DissectFailure: Error {
    /// `<file>: <cause>; <hint>`.
    public let message: String
    /// Whether the run was cancelled (exit status 130).
    public let isCancel: Bool
}

/// Runs `netdissect dissect`.
public enum DissectRunner {
    /// Absolute, standardised path.
    static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let full = expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded
        return (full as NSString).standardizingPath
    }

    /// Parses, opens, runs; prints progress on stderr. Ctrl-C, SIGTERM and SIGHUP stop the run
    /// after a checkpoint (`StopSignals`).
    /// - Throws: `DissectFailure` only.
    public static func run(_ r: DissectRequest) throws {
        let dissector = try prepare(r)
        let printer = ProgressPrinter()
        let control = RunControl()
        let signals = StopSignals(control: control) { printer.note($0) }
        defer { signals.remove() }
        do {
            try dissector.run(control: control) { printer.handle($0) }
            if let outcome = dissector.outcome { printer.note(outcome) }
        } catch let error as RunError {
            throw DissectFailure(message: error.description, isCancel: error == .cancelled)
        } catch {
            throw DissectFailure(message: "dissect: \(error)", isCancel: false)
        }
    }

    /// Checks the request and opens the dataset and the activation source, without running:
    /// the dissector that `run` runs, and that the explorer drives itself.
    /// - Parameter wrapProducer: lets a caller interpose on the activation source (test hooks).
    /// - Throws: `DissectFailure` only.
    public static func prepare(_ r: DissectRequest,
                               wrapProducer: (ActivationProducer) -> ActivationProducer = { $0 }) throws -> Dissector {
        do {
            guard let union = UnionRule(rawValue: r.union) else {
                throw RunError.badSetting("--union must be 'original' or 'lite', not '\(r.union)'")
            }
            guard r.batch >= 1, r.batch <= 4096 else { throw RunError.badSetting("--batch must lie in [1, 4096]") }
            guard r.threads >= 0, r.threads <= 1024 else { throw RunError.badSetting("--threads must lie in [0, 1024]") }
            guard r.checkpointEvery >= 1 else { throw RunError.badSetting("--checkpoint-every must be at least 1") }
            var layers = r.layers
            if let activations = r.activations {
                guard layers.count <= 1 else {
                    throw RunError.badSetting("--activations holds one layer; give at most one --layer to name it")
                }
                if layers.isEmpty { layers = [((activations as NSString).lastPathComponent as NSString).deletingPathExtension] }
            }
            let configuration = RunConfiguration(
                model: r.model.map(absolute), activations: r.activations.map(absolute), dataset: absolute(r.dataset),
                layers: layers, quantile: r.quantile, iouThreshold: r.iouThreshold, categories: r.categories,
                union: union, topK: r.topK, limit: r.limit, mean: r.mean, std: r.std, bgr: r.bgr)
            try configuration.validate()
            var options = RunOptions(batchSize: r.batch, threads: r.threads, checkpointEvery: r.checkpointEvery, force: r.force)
            options.work = r.work
            let dataset: ProbeDataset
            do { dataset = try ProbeDataset.open(directory: configuration.dataset) } catch {
                throw DissectFailure(message: error.message(directory: configuration.dataset), isCancel: false)
            }
            let source = try ProbeSampleSource(dataset: dataset, categories: configuration.categories,
                                               limit: configuration.limit, workers: options.workerCount)
            // Rows the reader already refused need no pass over the images to be found unusable.
            let rows = dataset.records.prefix(source.count)
            if let first = rows.first, let defect = first.defect, rows.allSatisfy({ $0.defect != nil }) {
                let index = ProbePaths.join(configuration.dataset, "index.csv")
                throw DissectFailure(message: TerminalText.sanitize("\(index): none of the \(rows.count) rows can be used (line \(first.line): \(defect)); run netdissect probe check \(configuration.dataset) to see every problem"),
                                     isCancel: false)
            }
            let producer = try makeProducer(configuration, images: source.count, dataset: dataset, options: options)
            return Dissector(configuration: configuration, directory: absolute(r.out), source: source,
                             producer: wrapProducer(producer), options: options)
        } catch let error as RunError {
            throw DissectFailure(message: error.description, isCancel: error == .cancelled)
        } catch let error as DissectFailure {
            throw error
        } catch {
            throw DissectFailure(message: "dissect: \(error)", isCancel: false)
        }
    }

    /// The activation source the configuration names.
    static func makeProducer(_ c: RunConfiguration, images: Int, dataset: ProbeDataset, options: RunOptions) throws -> ActivationProducer {
        if let activations = c.activations {
            do {
                return try NPYActivations(path: activations, layerName: c.layers[0], images: images)
            } catch let error as RunError {
                throw error
            } catch let error as NPYError {
                // The path once, and one hint: the file's own when it has one.
                throw RunError.input(path: error.path, reason: error.cause,
                                     hint: error.hint ?? "save the activations with numpy.save as float32 (N, C, H, W)")
            } catch {
                throw RunError.input(path: activations, reason: "\(error)", hint: "save the activations with numpy.save as float32 (N, C, H, W)")
            }
        }
        guard let model = c.model else { throw RunError.badSetting("give either --model or --activations") }
        // The model sees the probe images at their stored size: that of the first row (a model
        // exported with a fixed input size uses its own). Loaded once, for the size and the sessions.
        let loaded: ONNXModel
        do { loaded = try ONNXModel.load(path: model) } catch { throw RunError.other("\(error)") }
        let size = loaded.declaredInputSize ?? (dataset.records.first?.imageHeight ?? 224, dataset.records.first?.imageWidth ?? 224)
        return try ModelActivations(model: loaded, path: model, layers: c.layers, inputHeight: size.height, inputWidth: size.width,
                                    mean: c.mean, std: c.std, bgr: c.bgr, workers: options.workerCount)
    }
}

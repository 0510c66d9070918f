// What `netdissect rotate` does once its arguments are parsed: draw the random rotation R of the
// layer's channel space, check a resumed run asks for the same rotation, dissect the layer under
// every R^α in one resumable run, and print the table of detectors against α.
import Dissection
import Foundation

/// The rotate command's arguments, as typed.
public struct RotateRequest: Sendable {
    /// The dissection settings; `layers` holds the one layer to rotate.
    public var dissect: DissectRequest
    /// `--alphas` as typed (comma-separated).
    public var alphas: String
    /// Seed of the random rotation.
    public var seed: UInt64

    public init(dissect: DissectRequest, alphas: String, seed: UInt64) {
        self.dissect = dissect
        self.alphas = alphas
        self.seed = seed
    }
}

/// Runs `netdissect rotate`.
public enum RotationRunner {
    /// Parses, checks, runs; reports progress to `printer` (stderr by default), hands every run
    /// event to `onEvent` as well (on the run's thread, in order; a driver that steers the run
    /// through `control`), and gives the table's lines to `output`.
    /// - Throws: `DissectFailure` only (one-line message).
    public static func run(_ r: RotateRequest, printer: ProgressPrinter = ProgressPrinter(),
                           control: RunControl = RunControl(), onEvent: @escaping (RunEvent) -> Void = { _ in },
                           output: (String) -> Void) throws {
        do {
            let (dissector, manifest) = try prepare(r)
            var manifestError: Error?
            try dissector.run(control: control) { event in
                // The run directory is locked and (re)initialised by now: record the rotation.
                if case .started = event, manifestError == nil {
                    do { try manifest.write(directory: dissector.directory) } catch {
                        manifestError = error
                        control.cancel()
                    }
                }
                onEvent(event)
                printer.handle(event)
            }
            if let manifestError { throw manifestError }
            let result = try RotationResult.read(directory: dissector.directory)
            for line in RotationChart.table(result) { output(line) }
        } catch let error as RunError {
            throw DissectFailure(message: message(error), isCancel: error == .cancelled)
        } catch let error as DissectFailure {
            throw error
        } catch {
            throw DissectFailure(message: "rotate: \(error)", isCancel: false)
        }
    }

    /// The command's wording of a run error.
    static func message(_ error: RunError) -> String {
        switch error {
        case let .badSetting(text): return "rotate: " + text
        case .cancelled: return "rotate: cancelled; run the same command again to continue from the last checkpoint"
        default: return error.description
        }
    }

    /// Everything up to the first image: settings, dataset, rotation, the refusal of a resumed
    /// run that asks for another rotation.
    static func prepare(_ r: RotateRequest) throws -> (Dissector, RotationManifest) {
        let d = r.dissect
        guard d.layers.count == 1 else {
            throw RunError.badSetting("name exactly one --layer to rotate (got \(d.layers.count))")
        }
        let alphas = try RotationManifest.parseAlphas(r.alphas)
        guard let union = UnionRule(rawValue: d.union) else {
            throw RunError.badSetting("--union must be 'original' or 'lite', not '\(d.union)'")
        }
        guard d.batch >= 1, d.batch <= 4096 else { throw RunError.badSetting("--batch must lie in [1, 4096]") }
        guard d.threads >= 0, d.threads <= 1024 else { throw RunError.badSetting("--threads must lie in [0, 1024]") }
        guard d.checkpointEvery >= 1 else { throw RunError.badSetting("--checkpoint-every must be at least 1") }
        let layer = d.layers[0]
        let out = DissectRunner.absolute(d.out)
        // The unrotated layer's configuration, for the inner source.
        let base = RunConfiguration(
            model: d.model.map(DissectRunner.absolute), activations: d.activations.map(DissectRunner.absolute),
            dataset: DissectRunner.absolute(d.dataset), layers: [layer], quantile: d.quantile,
            iouThreshold: d.iouThreshold, categories: d.categories, union: union, topK: d.topK, limit: d.limit,
            mean: d.mean, std: d.std, bgr: d.bgr)
        try base.validate()
        let options = RunOptions(batchSize: d.batch, threads: d.threads, checkpointEvery: d.checkpointEvery, force: d.force)
        let dataset: ProbeDataset
        do { dataset = try ProbeDataset.open(directory: base.dataset) } catch {
            throw DissectFailure(message: error.description, isCancel: false)
        }
        let source = try ProbeSampleSource(dataset: dataset, categories: base.categories, limit: base.limit,
                                           workers: options.workerCount)
        let inner = try DissectRunner.makeProducer(base, images: source.count, dataset: dataset, options: options)
        let units = inner.layers[0].units
        let manifest = RotationManifest(layer: layer, units: units, seed: r.seed, alphas: alphas)
        if !d.force, let stored = try? RotationManifest.read(directory: out), stored != manifest,
           FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent(RunReader.databaseName)) {
            throw RunError.input(path: (out as NSString).appendingPathComponent(RotationManifest.fileName),
                                 reason: "holds a rotation of \(stored.summary); this command asks for \(manifest.summary)",
                                 hint: "repeat the original command to resume, pass --force to start over, or choose another --out")
        }
        let rotation: FractionalRotation
        do { rotation = try FractionalRotation(try RandomRotation.make(size: units, seed: r.seed)) } catch {
            throw RunError.other("rotate: the random rotation of \(units) channels failed: \(error)")
        }
        var configuration = base
        configuration.layers = manifest.layers
        let producer = RotatedActivations(inner: inner, rotation: rotation, manifest: manifest)
        let dissector = Dissector(configuration: configuration, directory: out, source: source,
                                  producer: producer, options: options)
        return (dissector, manifest)
    }
}

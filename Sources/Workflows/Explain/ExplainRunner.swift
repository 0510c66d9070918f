// `netdissect explain RUN`: compositional explanations of a finished run's units.
//
// Opens the run (finished, locked while explain writes), finds the units not yet explained with
// these settings, makes one pass over the probe with the run's model (or activations file),
// thresholds and upsampling to gather the units' masks (compressed, Dissection/Explanations) and,
// the first time for a probe, the label masks into RUN/explain/labels.runs (mapped afterwards),
// then searches each unit's formulas on worker threads and writes them in batches, one
// transaction each, printing each unit's formula as it is found. Ctrl-C stops after the batch
// being written; the same command continues with the units left. `--memory` bounds the units'
// masks of a pass, the shared sweeps and the label file's resident pages together.
import Dissection
import Foundation
import Render
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// What `netdissect explain` was asked.
public struct ExplainRequest: Sendable {
    public var run: String
    /// Layers (all when empty).
    public var layers: [String]
    /// Units, 1-based as in tally.csv (all when nil), e.g. "1-10,12".
    public var units: String?
    public var settings: ExplainSettings
    public var batch: Int, threads: Int
    /// Probe directory when it has moved since the run.
    public var dataset: String?
    /// Write the masks dense to this directory instead of searching (ExplanationDump).
    public var dump: String?
    /// Budget in bytes (`--memory`, given in MB) for what explain holds: half for the units'
    /// masks of a pass, a quarter for the shared probe sweeps, a quarter for the label file's
    /// resident pages.
    public var memoryBytes: Int

    public init(run: String, layers: [String] = [], units: String? = nil, settings: ExplainSettings = ExplainSettings(),
                batch: Int = 16, threads: Int = 0, dataset: String? = nil, dump: String? = nil, memoryBytes: Int = 1 << 30) {
        self.run = run
        self.layers = layers
        self.units = units
        self.settings = settings
        self.batch = batch
        self.threads = threads
        self.dataset = dataset
        self.dump = dump
        self.memoryBytes = memoryBytes
    }
}

/// Runs `netdissect explain`.
public enum ExplainRunner {
    /// Explains the units; `output` gets one line per unit and length-bound result, `note` the
    /// progress (stderr).
    /// `stopOnSignals`: Ctrl-C, SIGTERM and SIGHUP stop it after the batch being written.
    /// - Throws: `DissectFailure` (one line; `isCancel` after Ctrl-C).
    public static func run(_ r: ExplainRequest, control: RunControl = RunControl(), stopOnSignals: Bool = false,
                           output: (String) -> Void, note: @escaping @Sendable (String) -> Void) throws {
        let signals = stopOnSignals ? StopSignals(control: control, announce: note) : nil
        defer { signals?.remove() }
        do {
            try explain(r, control: control, output: output, note: note)
        } catch let error as RunError {
            if error == .cancelled {
                throw DissectFailure(message: "explain: stopped; the units written so far are kept, and the same command continues with the rest",
                                     isCancel: true)
            }
            throw DissectFailure(message: error.description, isCancel: false)
        } catch let error as DissectFailure {
            throw error
        } catch {
            throw DissectFailure(message: "explain: \(error)", isCancel: false)
        }
    }

    /// Parses a 1-based unit list ("1-10,12") against `count` units into 0-based indices, ascending.
    public static func parseUnits(_ text: String, count: Int) throws -> [Int] {
        var units = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(bounds.count), let lo = bounds.first!, let hi = bounds.last!, lo >= 1, lo <= hi else {
                throw RunError.badSetting("--units: '\(part)' is not a unit or a range such as 3-7 (units are 1-based)")
            }
            guard hi <= count else { throw RunError.badSetting("--units: unit \(hi) is past the layer's \(count) units") }
            units.formUnion((lo - 1)..<hi)
        }
        return units.sorted()
    }

    private static func explain(_ r: ExplainRequest, control: RunControl, output: (String) -> Void,
                                note: @escaping @Sendable (String) -> Void) throws {
        let s = r.settings
        guard (1...ExplainLimits.maxLength).contains(s.maxLength) else {
            throw RunError.badSetting("--length must lie in [1, \(ExplainLimits.maxLength)]")
        }
        guard (1...ExplainLimits.maxBeam).contains(s.beam) else { throw RunError.badSetting("--beam must lie in [1, \(ExplainLimits.maxBeam)]") }
        guard s.minPixels >= 0 else { throw RunError.badSetting("--min-pixels must be at least 0") }
        guard (1...4096).contains(r.batch) else { throw RunError.badSetting("--batch must lie in [1, 4096]") }
        guard (0...1024).contains(r.threads) else { throw RunError.badSetting("--threads must lie in [0, 1024]") }
        guard r.memoryBytes >= 1 else { throw RunError.badSetting("--memory must be at least 1 (MB)") }
        let directory = DissectRunner.absolute(r.run)
        let store = try ExplanationStore.open(directory: directory)
        defer { store.close() }
        let reader = try RunReader.open(directory)
        var configuration = try reader.configuration()
        if let dataset = r.dataset { configuration.dataset = DissectRunner.absolute(dataset) }
        let runLayers = try reader.layers()
        for name in r.layers where !runLayers.contains(where: { $0.name == name }) {
            throw RunError.badSetting("--layer \(name): the run has layers \(runLayers.map(\.name).joined(separator: ", "))")
        }
        let chosen = r.layers.isEmpty ? runLayers : r.layers.compactMap { n in runLayers.first { $0.name == n } }

        // Units left per layer, and their thresholds.
        var plan: [ExplainLayer] = []
        for layer in chosen {
            let all = try r.units.map { try parseUnits($0, count: layer.units) } ?? Array(0..<layer.units)
            let done = r.dump == nil ? try store.doneUnits(layer: layer.name, settings: s) : []
            let left = all.filter { !done.contains($0) }
            if left.count < all.count { note("\(layer.name): \(all.count - left.count) of \(all.count) units already explained") }
            guard !left.isEmpty else { continue }
            let results = try reader.units(layer: layer.name)
            var thresholds = [Float](repeating: .nan, count: layer.units)
            for u in results { if let t = u.threshold, (0..<layer.units).contains(u.unit) { thresholds[u.unit] = t } }
            if let missing = left.first(where: { thresholds[$0].isNaN }) {
                throw RunError.damaged(path: reader.databasePath, place: "table units, layer \(layer.name), unit \(missing + 1)",
                                       reason: "the threshold is missing")
            }
            plan.append(ExplainLayer(name: layer.name, index: runLayers.firstIndex(of: layer)!, thresholds: thresholds, units: left))
        }
        guard !plan.isEmpty else { note("nothing to explain: every unit asked is explained with these settings"); return }

        // The probe and the activations, as the run had them.
        let options = RunOptions(batchSize: r.batch, threads: r.threads)
        let dataset: ProbeDataset
        do { dataset = try ProbeDataset.open(directory: configuration.dataset) } catch {
            throw DissectFailure(message: error.message(directory: configuration.dataset), isCancel: false)
        }
        let source = try ProbeSampleSource(dataset: dataset, categories: configuration.categories,
                                           limit: configuration.limit, workers: options.workerCount)
        let total = try reader.progress().imagesTotal
        guard source.count == total, source.catalog == (try reader.catalog()) else {
            throw RunError.input(path: configuration.dataset, reason: "is not the probe the run was made on (\(source.count) images, the run has \(total))",
                                 hint: "give the run's probe with --dataset")
        }
        let producer = try DissectRunner.makeProducer(configuration, images: total, dataset: dataset, options: options)
        let meter = Meter(note: note)
        let catalog = source.catalog
        let name: (Int32) -> String = { catalog.label(Int($0))?.name ?? "#\($0)" }

        // --memory: a quarter for the label file's resident pages (at least 1 MB: fewer would
        // drop them at every image), a quarter for the shared probe sweeps, the rest for the
        // units' masks of one pass.
        let budget = r.memoryBytes
        let labelBudget = max(1 << 20, budget / 4), unitBudget = max(1, budget - 2 * (budget / 4))
        let cache = SweepCache(budget: budget / 4)
        // The labels: the label file of this probe when there is a sound one, else built (and
        // written) during the first pass.
        let records = dataset.records.prefix(total)
        let identity = LabelRunFile.Identity(fingerprint: LabelRunFile.fingerprint(records: records, catalog: catalog), imageCount: total,
                                             labelIDs: catalog.labels.map { Int32($0.id) },
                                             maxPixels: records.map(\.segmentationPixels).max() ?? 0)
        let labelFile = "\(LabelRunFile.folder)/\(LabelRunFile.name)"
        var labels: ProbeLabels?
        switch ProbeLabels.open(runDirectory: directory, identity: identity, catalog: catalog, residentBudget: labelBudget) {
        case let .success(found): labels = found
        case .failure(.missing): note("labels: writing \(labelFile) during the first pass")
        case let .failure(problem): note("labels: \(labelFile) is \(problem); rebuilding it during the first pass")
        }
        /// One pass over the probe for the units of `layers` (and the labels, when not known yet).
        func pass(_ layers: [ExplainLayer], unitBudget: Int) throws -> ExplanationInputs {
            let started = Date()
            let from: LabelSource = try labels.map { .known($0) }
                ?? .build(LabelRunWriter(runDirectory: directory, catalog: catalog, identity: identity, residentBudget: labelBudget))
            let inputs = try ExplanationInputs.collect(source: source, producer: producer, layers: layers, labels: from,
                                                       unitBudget: unitBudget, batchSize: r.batch, workers: options.workerCount,
                                                       control: control) { done, total in
                meter.show("explain: reading the probe", done, total)
            }
            meter.end()
            labels = inputs.labels
            let units = inputs.units.reduce(0) { $0 + $1.count }
            note("read \(total) images in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; held: "
                 + "\(units) unit\(units == 1 ? "" : "s") \(megabytes(inputs.unitBytes)); labels \(megabytes(inputs.labels.bytes)) "
                 + "mapped from \(labelFile) (resident at most about \(megabytes(labelBudget)))")
            return inputs
        }
        if let dump = r.dump {
            let path = DissectRunner.absolute(dump)
            try ExplanationDump.prepare(path)  // before the pass, so a bad path costs no pass
            let inputs = try pass(plan, unitBudget: .max)
            let candidates = Explainer.candidates(inputs.labels, minPixels: s.minPixels)
            try ExplanationDump.write(inputs, plan: plan, candidates: candidates, name: name, to: path)
            note("wrote \(candidates.count) label masks and \(plan.reduce(0) { $0 + $1.units.count }) unit masks to \(path)")
            return
        }

        // Units in passes: each pass over the probe keeps the units whose masks fit the units'
        // budget (ExplanationInputs drops the last ones as they outgrow it) and considers at
        // most twice as many as the pass before kept (every unit covers about the same share of
        // the probe, q). The searches of one pass's units are written before the next pass.
        let chunk = max(4, 2 * options.workerCount)
        for layer in plan {
            var done = 0, seconds = 0.0, window = layer.units.count
            while done < layer.units.count {
                let base = done
                var group = layer
                group.units = Array(layer.units[base..<min(layer.units.count, base + window)])
                let inputs = try pass([group], unitBudget: unitBudget)
                let size = inputs.units[0].count
                group.units = Array(group.units.prefix(size))
                window = 2 * size
                if size < layer.units.count {
                    note("\(layer.name): units \(base + 1)-\(base + size) of the \(layer.units.count) left in one pass "
                         + "(--memory \(megabytes(budget)): \(megabytes(unitBudget)) for units' masks)")
                }
                let candidates = Explainer.candidates(inputs.labels, minPixels: s.minPixels)
                let searchStart = Date()
                for start in stride(from: 0, to: size, by: chunk) {
                    if control.isCancelled { throw RunError.cancelled }
                    let slots = Array(start..<min(start + chunk, size))
                    let found = Explainer.explain(inputs, layer: 0, units: slots, candidates: candidates, settings: s,
                                                  workers: options.workerCount, cache: cache)
                    var rows: [UnitExplanation] = []
                    for (slot, scores) in zip(slots, found) {
                        let unit = group.units[slot], m = inputs.units[0][slot].pixels
                        for (k, score) in scores.enumerated() {
                            rows.append(UnitExplanation(layer: layer.name, unit: unit, length: k + 1, search: s.search, score: score, unitPixels: m))
                        }
                        meter.end()
                        output(line(layer: layer.name, unit: unit, best: scores.last ?? nil, name: name))
                    }
                    try store.write(rows, settings: s, name: name)
                    done += slots.count
                    meter.show("explain: \(TerminalText.sanitize(layer.name))", done, layer.units.count)
                }
                seconds += Date().timeIntervalSince(searchStart)
            }
            meter.end()
            note("\(layer.name): \(layer.units.count) units explained (\(s.search.rawValue), length \(s.maxLength)) in \(String(format: "%.1f", seconds)) s, \(String(format: "%.4f", seconds / Double(max(1, layer.units.count)))) s per unit; \(cache.hits) of \(cache.lookups) probe sweeps shared")
        }
    }

    /// `12 MB`, or `300 KB` below a megabyte.
    static func megabytes(_ bytes: Int) -> String {
        bytes < 1 << 20 ? "\(max(1, (bytes + 512) >> 10)) KB" : "\((bytes + (1 << 19)) >> 20) MB"
    }

    /// `layer unit 12  IoU 0.153  (water OR river) AND NOT blue-c`, safe for a terminal.
    static func line(layer: String, unit: Int, best: FormulaScore?, name: (Int32) -> String) -> String {
        let text = best.map { $0.formula.text(name) } ?? "(no label meets the unit's mask)"
        return TerminalText.sanitize("\(layer) unit \(unit + 1)  IoU \(String(format: "%.4f", best?.iou ?? 0))  \(text)")
    }
}

/// Limits on explain's settings.
public enum ExplainLimits {
    public static let maxLength = 16
    public static let maxBeam = 100_000
}

/// A progress line redrawn in place on a terminal, a line per tenth otherwise.
private final class Meter: @unchecked Sendable {
    private let note: @Sendable (String) -> Void
    private let terminal = isatty(2) == 1
    private var shown = false, lastTenth = -1
    private var last = Date.distantPast

    init(note: @escaping @Sendable (String) -> Void) { self.note = note }

    func show(_ what: String, _ done: Int, _ total: Int) {
        if terminal {
            guard Date().timeIntervalSince(last) > 0.1 || done == total else { return }
            last = Date()
            FileHandle.standardError.write(Data("\r\(what) \(done)/\(total)\u{1B}[K".utf8))
            shown = true
        } else {
            let tenth = total > 0 ? done * 10 / total : 10
            if tenth != lastTenth { lastTenth = tenth; note("\(what) \(done)/\(total)") }
        }
    }

    func end() {
        if shown { FileHandle.standardError.write(Data("\n".utf8)); shown = false }
    }
}

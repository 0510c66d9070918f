// The explorer's view of a run directory, read through the engine's `RunReader`.
//
// Thin on purpose: it maps the engine's records to the explorer's plain types (unit numbers
// become 1-based, as in tally.csv), and says a run's writer is gone when its database claims it
// is running or paused but no process holds its lock (`RunReader.writerIsGone`).

import Dissection
import Workflows
import Foundation
import Render

/// Reads a run directory for the explorer. Safe to call from any thread.
public final class RunReaderSource: RunSource, @unchecked Sendable {
    public let reader: RunReader
    private let lock = NSLock()
    private var cachedInfo: RunInfo?
    private var cachedImageLoader: UnitPictureLoader?
    /// The run's probe as the engine reads it (for the labels of a formula's outline); nil until
    /// first needed, then kept (`.failure` when it could not be opened: no outlines then).
    private var cachedProbe: Result<ProbeSampleSource, Error>?

    /// Opens the run at `path` (a run directory or its run.sqlite).
    public init(path: String) throws {
        reader = try RunReader.open(path)
    }

    /// The run now: configuration, progress and every layer's units. A sharded run's progress is
    /// summed over its shards' status files (no process holds its lock: its writers are the shards).
    public func snapshot() throws -> RunSnapshot {
        let progress = try reader.progress()
        let info = try runInfo(imagesTotal: progress.imagesTotal)
        let shown: ProgressInfo
        if let sharded = try ShardedProgress.read(reader) {
            shown = Self.progress(sharded)
        } else {
            shown = Self.progress(progress, writerGone: reader.writerIsGone(progress))
        }
        var layers: [LayerResult] = []
        let names = Dictionary(try reader.labels().map { (Int32($0.id), $0.name) }, uniquingKeysWith: { a, _ in a })
        for layer in try reader.layers() {
            let formulas = Self.formulas(try reader.explanations(layer: layer.name), names: names)
            let units = try reader.units(layer: layer.name).map { u in
                var row = Self.row(u)
                row.formula = formulas[u.unit]
                return row
            }
            layers.append(LayerResult(name: layer.name, unitCount: layer.units, units: units,
                                      provisional: !layer.finished))
        }
        return RunSnapshot(info: info, progress: shown, layers: layers)
    }

    /// The unit's top images with its mask overlaid, read from the dataset.
    public func topImages(of key: UnitKey, limit: Int) throws -> [UnitImage] {
        let config = try reader.configuration()
        let top = try reader.topImages(layer: key.layer, unit: key.unit - 1)
        let loader = lock.withLock { () -> UnitPictureLoader in
            if let l = cachedImageLoader { return l }
            let l = UnitPictureLoader(dataset: config.dataset)
            cachedImageLoader = l
            return l
        }
        // The shown formula (as the unit pane's), outlined on each image when the probe's labels can be read.
        let formula = ShownFormula.perUnit(try reader.explanations(layer: key.layer))[key.unit - 1]?.formula
        let probe = formula == nil ? nil : try? self.probe(config).get()
        return try top.prefix(limit).map { t in
            var image = try loader.picture(for: t)
            if let formula, let probe, (0..<probe.count).contains(t.image),
               case let .sample(_, annotation, _)? = probe.samples(t.image..<(t.image + 1), decodeImages: false).next() {
                let mask = FormulaOutline.mask(formula, masks: LabelMasks(annotation, catalog: probe.catalog))
                image.formulaPicture = FormulaOutline.draw(mask, on: image.picture)
            }
            return image
        }
    }

    /// The run's probe, opened once.
    private func probe(_ config: RunConfiguration) -> Result<ProbeSampleSource, Error> {
        lock.withLock {
            if let cachedProbe { return cachedProbe }
            let opened = Result<ProbeSampleSource, Error> {
                try ProbeSampleSource(dataset: try ProbeDataset.open(directory: config.dataset), categories: config.categories,
                                      limit: config.limit, workers: 1)
            }
            cachedProbe = opened
            return opened
        }
    }

    /// Run information, read once (it does not change during a run).
    func runInfo(imagesTotal: Int) throws -> RunInfo {
        if let cached = lock.withLock({ cachedInfo }) {
            var info = cached
            info.imageCount = imagesTotal
            return info
        }
        let config = try reader.configuration()
        let categories = try reader.categories().map(\.name)
        let labels = try reader.labels()
        var info = RunInfo(directory: reader.directory, model: config.model ?? config.activations ?? "(activations)",
                           dataset: config.dataset, imageCount: imagesTotal, categories: categories,
                           labelCount: labels.count, quantile: config.quantile,
                           detectorThreshold: config.iouThreshold, topK: config.topK)
        info.fromActivations = config.model == nil
        info.syntheticProbe = SyntheticMarker.isSynthetic(dataset: config.dataset)
        lock.withLock { cachedInfo = info }
        return info
    }

    /// Per 0-based unit: the formula a viewer shows (`ShownFormula`), named.
    static func formulas(_ rows: [StoredExplanation], names: [Int32: String]) -> [Int: FormulaSummary] {
        let best = ShownFormula.perUnit(rows)
        return best.mapValues { r in
            FormulaSummary(text: r.formula!.text { names[$0] ?? "#\($0)" }, iou: r.iou, search: r.search.rawValue, length: r.length)
        }
    }

    /// An engine unit result as a table row.
    static func row(_ u: Dissection.UnitResult) -> UnitRow {
        UnitRow(unit: u.unit + 1, label: u.labelName, category: u.categoryName, iou: u.iou,
                perCategory: u.perCategory.map { CategoryBest(category: $0.categoryName, label: $0.labelName, iou: $0.iou) })
    }

    /// The engine's progress as the explorer shows it.
    static func progress(_ p: Dissection.RunProgress, writerGone: Bool) -> ProgressInfo {
        let phase: ProgressInfo.Phase
        switch p.status {
        case .running: phase = writerGone ? .writerGone : .running
        case .paused: phase = writerGone ? .writerGone : .paused
        case .finished: phase = .finished
        case .cancelled: phase = .cancelled
        case .failed: phase = .failed(p.message ?? "unknown error")
        }
        return ProgressInfo(phase: phase, pass: p.pass, passCount: p.passes, passName: p.passName,
                            done: p.imagesDone, total: p.imagesTotal, rate: p.rate, eta: p.etaSeconds,
                            skipped: p.imagesSkipped)
    }

    /// A sharded run's combined progress, with a line per shard of the current pass.
    static func progress(_ sharded: ShardedProgress) -> ProgressInfo {
        var info = progress(sharded.combined, writerGone: false)
        let share = sharded.combined.imagesTotal
        info.shards = sharded.shards.enumerated().map { k, status in
            let images = (k + 1) * share / sharded.shardCount - k * share / sharded.shardCount
            guard let s = status else { return ShardLine(index: k, state: "waiting", total: images) }
            return ShardLine(index: k, state: s.state.rawValue, node: s.host, done: s.imagesDone, total: s.images,
                             lastCheckpoint: s.updatedAt, failure: s.state == .failed ? (s.message ?? "no reason recorded") : nil)
        }
        return info
    }
}

// Pass 1: exact per-unit thresholds and top images, and the activation cache for pass 2.
import Foundation
import Render

extension Dissector {
    static let thresholdStateKind = "thresholds-state"
    static let thresholdsKind = "thresholds"

    func thresholdPass(_ session: inout Session) throws {
        let store = session.store, layers = session.layers, total = session.total
        var states: [ThresholdPass] = []
        for (layer, method) in zip(layers, session.methods) {
            let fresh = ThresholdPass(units: layer.units, mapSize: layer.mapSize, quantile: configuration.quantile,
                                      topK: configuration.topK, maxImages: total, method: method)
            if session.progress.imagesDone > 0 {
                guard let bytes = try store.blob(layer: layer.name, kind: Self.thresholdStateKind),
                      let state = ThresholdPass(serialized: bytes),
                      state.units == fresh.units, state.mapSize == fresh.mapSize, state.method == fresh.method,
                      state.selectors.first?.keep == fresh.selectors.first?.keep else {
                    throw RunError.corruptState(path: store.databasePath, reason: "the pass-1 checkpoint of layer \(layer.name) is missing or unreadable")
                }
                states.append(state)
            } else {
                states.append(fresh)
            }
        }
        let cache = try activationCacheForPassOne(session)
        let masks = try labelMaskCacheForPassOne(session)
        var pendingSkips: [SkippedInput] = []
        var skippedCount = session.progress.imagesSkipped
        var firstSkip: SkippedInput?

        // A whole run's periodic checkpoints are committed on another thread (CheckpointWriter);
        // a pause, a cancel and a shard's checkpoints are committed before the loop goes on.
        let writer = session.shard == nil ? CheckpointWriter() : nil
        defer { _ = try? writer?.wait() }
        let checkpoint: (inout Session) throws -> Void = { session in
            try cache?.sync()
            try masks?.sync()
            session.progress.imagesSkipped = skippedCount
            let progress = session.progress
            let skips = pendingSkips
            pendingSkips = []
            let snapshot = states
            try self.commit({
                try Self.saveThresholdState(store: store, progress: progress, layers: layers, states: snapshot, skips: skips)
                return .checkpoint(progress, provisional: [:])
            }, on: writer, running: progress.status == .running)
        }

        let workers = options.workerCount
        // Per map of a batch, whether the cache stores it (`ThresholdPass.add` decides).
        var stored = [UInt8]()
        // Per layer, the peaks of the batch's maps, measured by the model's workers as they make
        // each row (`MapPeaks`).
        let peaks = layers.map { MapPeaks(units: $0.units, mapSize: $0.mapSize) }
        let measure: ProducedRowVisitor = { k, maps in
            for (l, table) in peaks.enumerated() { table.measure(row: k, maps: maps[l]) }
        }
        try runBatches(&session, decodeImages: producer.needsImages, segmentations: masks == nil ? .decode : .masks,
                       secondPassFactor: producer.isRereadable || session.useCache ? 4 : 1, checkpoint: checkpoint,
                       writer: writer,
                       activations: { items, _, buffers in
            for table in peaks { table.start(rows: items.count) }
            return try producer.produce(items, into: &buffers, visit: measure)
        }) { items, start, reasons, buffers, progress in
            if let event = try writer?.poll() { emit(event) }
            var indices: [Int?] = []
            for (item, reason) in zip(items, reasons) {
                switch item {
                case let .skip(index, path, why):
                    pendingSkips.append(SkippedInput(image: index, path: path, reason: why, pass: 1))
                    firstSkip = firstSkip ?? pendingSkips.last
                    skippedCount += 1
                    indices.append(nil)
                case let .sample(index, _, _):
                    if let reason {
                        pendingSkips.append(SkippedInput(image: index, path: source.path(of: index), reason: reason, pass: 1))
                        firstSkip = firstSkip ?? pendingSkips.last
                        skippedCount += 1
                        indices.append(nil)
                    } else {
                        indices.append(index)
                    }
                }
            }
            let used = indices.map { $0 != nil }
            for l in layers.indices {
                let needed = items.count * layers[l].valuesPerImage
                precondition(buffers[l].count >= needed, "producer returned too few values for \(layers[l].name)")
                guard let cache else {
                    buffers[l].withUnsafeBufferPointer { b in
                        states[l].add(UnsafeBufferPointer(rebasing: b[0..<needed]), indices: indices, workers: workers,
                                      peaks: peaks[l])
                    }
                    continue
                }
                let maps = items.count * layers[l].units
                if stored.count < maps { stored = [UInt8](repeating: 0, count: maps) }
                try buffers[l].withUnsafeBufferPointer { b in
                    try stored.withUnsafeMutableBufferPointer { flags in
                        states[l].add(UnsafeBufferPointer(rebasing: b[0..<needed]), indices: indices, workers: workers,
                                      stored: flags.baseAddress!, peaks: peaks[l])
                        try cache.write(layer: l, rows: start, count: items.count, from: b.baseAddress!,
                                        stored: flags.baseAddress!, used: used)
                    }
                }
            }
            // The label masks the loader built, for pass 2 (none for an image left out).
            try masks?.write(rows: start, masks: zip(items, indices).map { item, index in
                guard index != nil, case let .sample(_, annotation, _) = item else { return nil }
                return annotation.masks
            })
            progress.imagesSkipped = skippedCount
        }

        try cache?.sync()
        try masks?.sync()
        if let event = try writer?.wait() { emit(event) }
        if session.shard != nil {
            try completeShard(&session, checkpoint: checkpoint)
            return
        }
        try completeThresholds(&session, states: states, skippedCount: skippedCount, pendingSkips: pendingSkips, firstSkip: firstSkip,
                               handOff: session.progress.passes == 2)
    }

    /// Commits pass-1 state: progress, every layer's state and top images, newly skipped inputs.
    static func saveThresholdState(store: RunStore, progress: RunProgress, layers: [LayerShape], states: [ThresholdPass],
                                   skips: [SkippedInput]) throws {
        try store.write { transaction in
            CrashHook.inCheckpoint(pass: 1, done: progress.imagesDone)
            try transaction.setProgress(progress)
            for (layer, state) in zip(layers, states) {
                try transaction.setBlob(layer: layer.name, kind: Self.thresholdStateKind, state.serialized())
                try transaction.setTopImages(layer: layer.name, state.top, height: layer.height, width: layer.width)
            }
            try transaction.addSkipped(skips)
        }
    }

    /// The end of pass 1 over every image (one process, or the merge of its shards): the run
    /// fails when no image could be used; else the top images are final, and the thresholds too
    /// unless a refine pass must finish them.
    /// - Parameters:
    ///   - skipBounds: per layer and unit, the largest peak of a map left out of an activation
    ///     cache (the states' own when nil; the largest over the shards' for a merge).
    ///   - cacheFolders: the activation caches those maps were left out of (the session's when nil).
    ///   - handOff: commit on another thread and leave `session.handoff` for the tally pass that
    ///     follows in this process (pass 1 of a whole run without a refine pass); else commit here.
    func completeThresholds(_ session: inout Session, states: [ThresholdPass], skipBounds: [[Float]]? = nil,
                            cacheFolders: [String]? = nil, skippedCount: Int,
                            pendingSkips: [SkippedInput], firstSkip: SkippedInput?, handOff: Bool = false) throws {
        let store = session.store, layers = session.layers, total = session.total
        // A pass in which no image could be used leaves nothing to tally: the run fails here
        // (its state checkpointed, marked failed) instead of finishing with empty results.
        if skippedCount >= total {
            let example = firstSkip.map { " (the first: \($0.path): \($0.reason))" } ?? ""
            session.progress.status = .failed
            session.progress.message = "none of the \(total) images could be used"
            session.progress.imagesSkipped = skippedCount
            try Self.saveThresholdState(store: store, progress: session.progress, layers: layers, states: states, skips: pendingSkips)
            throw RunError.input(path: TerminalText.sanitize(configuration.dataset),
                                 reason: TerminalText.sanitize("none of its \(total) images could be used\(example)"),
                                 hint: "run netdissect probe check on it, fix what it reports, then dissect again with --force")
        }

        // Pass 1 is done: top images are final; thresholds too, unless a refine pass must
        // finish them. The next pass starts at image 0.
        var states = states
        let refine = session.progress.passes == 3
        if refine {
            for l in states.indices { states[l].startRefine() }
        }
        let thresholds = refine ? [] : states.map { $0.thresholds(workers: options.workerCount) }
        // The passes after this one take a map left out of the cache for one that never passes its
        // threshold: the cache goes (before the commit that starts them) unless every threshold
        // is at least the bound of the maps left out. Those of selection layers are final already.
        let folders = cacheFolders ?? (session.useCache ? [session.cacheFolder] : [])
        if !folders.isEmpty {
            let final = refine ? states.map { $0.method == .selection ? $0.thresholds(workers: options.workerCount) : [] } : thresholds
            let bounds = skipBounds ?? states.map(\.skipBounds)
            if let (l, u) = Self.thresholdBelowSkipBound(final, bounds: bounds) {
                for folder in folders { ActivationCache.removeMaps(runDirectory: directory, folder: folder, layerCount: layers.count) }
                emit(.warning(TerminalText.sanitize("layer \(layers[l].name) unit \(u + 1): its threshold \(final[l][u]) lies below maps pass 1 left out of the activation cache (up to \(bounds[l][u])); the cache is dropped and the model runs again")))
            }
        }
        session.progress.pass = 2
        session.progress.passName = refine ? "refine" : "tally"
        session.progress.imagesDone = 0
        session.progress.imagesSkipped = skippedCount
        session.progress.rate = nil
        session.progress.updatedAt = RunStore.now()
        let progress = session.progress
        let skips = pendingSkips
        let finalStates = states
        let commit: @Sendable () throws -> Void = {
            try store.write { transaction in
                try transaction.addSkipped(skips)
                for (l, layer) in layers.enumerated() {
                    try transaction.setNonFinite(layer: layer.name, finalStates[l].nonFinite)
                    try transaction.setTopImages(layer: layer.name, finalStates[l].top, height: layer.height, width: layer.width)
                    if refine {
                        try transaction.setBlob(layer: layer.name, kind: Self.thresholdStateKind, finalStates[l].serialized())
                    } else {
                        try Self.storeThresholds(thresholds[l], layer: layer.name, in: transaction)
                    }
                }
                try transaction.setProgress(progress)
            }
        }
        for (layer, state) in zip(layers, states) where !state.nonFinite.isEmpty {
            emit(.warning(TerminalText.sanitize(state.nonFinite.sentence(layer: layer.name))))
        }
        guard handOff && !refine else {
            try commit()
            if !refine { emit(.thresholdsReady(progress)) }
            return
        }
        // The tally starts while the commit (top images, thresholds: tens of milliseconds) runs.
        let skipped = try store.skippedIndices().union(skips.map(\.image))
        let writer = CheckpointWriter()
        writer.start {
            try commit()
            return .thresholdsReady(progress)
        }
        session.handoff = PassHandoff(writer: writer, thresholds: thresholds, skipped: skipped)
    }

    /// The first unit (layer, unit) whose threshold lies below the largest peak of the maps left
    /// out of the activation cache, or nil (a layer without `thresholds` is not checked).
    static func thresholdBelowSkipBound(_ thresholds: [[Float]], bounds: [[Float]]) -> (layer: Int, unit: Int)? {
        for (l, (t, b)) in zip(thresholds, bounds).enumerated() {
            precondition(t.isEmpty || t.count == b.count, "thresholdBelowSkipBound: unit counts")
            for u in t.indices where t[u] < b[u] { return (l, u) }
        }
        return nil
    }

    /// Stores a layer's final thresholds (the table, and the blob the tally pass reads) and drops
    /// its pass-1 state; pass 1 does it when no refine pass follows, the refine pass otherwise.
    static func storeThresholds(_ thresholds: [Float], layer: String, in transaction: RunStore.Transaction) throws {
        try transaction.setThresholds(layer: layer, thresholds)
        var w = ByteWriter()
        w.scalars(thresholds)
        try transaction.setBlob(layer: layer, kind: thresholdsKind, w.bytes)
        try transaction.removeBlob(layer: layer, kind: thresholdStateKind)
    }
}

// Pass 2: the tally against the segmentations, provisional scores at every checkpoint, and the
// final results (scores, tally.csv, rows of sums) when the pass ends.
import Foundation

extension Dissector {
    static let tallyKind = "tally"

    func tallyPass(_ session: inout Session) throws {
        let store = session.store, layers = session.layers, catalog = session.catalog
        // Pass 1 of this process may still be committing: its thresholds and skipped images come
        // with it, and its writer is this pass's, so every write below waits for that commit.
        let handoff = session.handoff
        session.handoff = nil
        var thresholds: [[Float]] = []
        var tallies: [LayerTally] = []
        for (l, layer) in layers.enumerated() {
            if let handoff {
                thresholds.append(handoff.thresholds[l])
            } else {
                guard let bytes = try store.blob(layer: layer.name, kind: Self.thresholdsKind),
                      bytes.count == layer.units * 4 else {
                    throw RunError.corruptState(path: store.databasePath, reason: "the thresholds of layer \(layer.name) are missing")
                }
                var r = ByteReader(bytes)
                thresholds.append(r.scalars(layer.units, of: Float.self)!)
            }
            let fresh = LayerTally(units: layer.units, catalog: catalog)
            if session.progress.imagesDone > 0 {
                guard let bytes = try store.blob(layer: layer.name, kind: Self.tallyKind),
                      let t = LayerTally(serialized: bytes, catalog: catalog), t.units == fresh.units,
                      t.labelSlots == fresh.labelSlots, t.categoryCount == fresh.categoryCount else {
                    throw RunError.corruptState(path: store.databasePath, reason: "the tally checkpoint of layer \(layer.name) is missing or unreadable")
                }
                tallies.append(t)
            } else {
                tallies.append(fresh)
            }
        }
        var skipped = try handoff?.skipped ?? store.skippedIndices()
        var cache = try secondPassCache(session)
        let recompute = cache == nil
        var storedMasks = try labelMaskCacheForLaterPasses(session)
        let kernels = layers.map { TallyKernel(units: $0.units, height: $0.height, width: $0.width,
                                               rule: configuration.union, workers: options.workerCount) }
        let maskBatch = LabelMaskBatch(catalog: catalog, workers: options.workerCount)
        var pendingSkips: [SkippedInput] = []
        var skippedCount = session.progress.imagesSkipped
        let iouThreshold = configuration.iouThreshold

        // A whole run's periodic checkpoints are scored and committed on another thread, as in
        // pass 1 (`commit`); a pause, a cancel and a shard's checkpoints before the loop goes on.
        let writer = handoff?.writer ?? (session.shard == nil ? CheckpointWriter() : nil)
        defer { _ = try? writer?.wait() }
        let checkpoint: (inout Session) throws -> Void = { session in
            session.progress.imagesSkipped = skippedCount
            let progress = session.progress
            let skips = pendingSkips
            let snapshot = tallies
            let save: @Sendable () throws -> RunEvent = {
                var provisional: [String: [UnitScore]] = [:]
                for (layer, tally) in zip(layers, snapshot) {
                    provisional[layer.name] = Scoring.score(tally, catalog: catalog, iouThreshold: iouThreshold)
                }
                try store.write { transaction in
                    CrashHook.inCheckpoint(pass: progress.pass, done: progress.imagesDone)
                    try transaction.setProgress(progress)
                    try transaction.addSkipped(skips)
                    for (layer, tally) in zip(layers, snapshot) {
                        try transaction.setBlob(layer: layer.name, kind: Self.tallyKind, tally.serialized())
                        try transaction.setScores(layer: layer.name, provisional[layer.name]!, final: false)
                    }
                }
                return .checkpoint(progress, provisional: provisional)
            }
            try self.commit(save, on: writer, running: progress.status == .running)
            pendingSkips = []
        }

        // Activations: from the cache, or produced again (a file re-read, or the model re-run).
        var maps: [MapTable?] = []
        try runBatches(&session, decodeImages: recompute && producer.needsImages,
                       segmentations: storedMasks == nil ? .decode : .skip, secondPassFactor: 1, checkpoint: checkpoint,
                       writer: writer,
                       activations: { items, start, buffers in
                           try secondReading(items, start: start, cache: cache, layers: layers, into: &buffers, maps: &maps)
                       }) { items, start, reasons, buffers, progress in
            if let event = try writer?.poll() { emit(event) }
            // Annotations of the images still in; an image first found unusable now is recorded too.
            var annotations: [ImageAnnotation?] = []
            for (item, reason) in zip(items, reasons) {
                if skipped.contains(item.index) { annotations.append(nil); continue }
                switch item {
                case let .skip(index, path, why):
                    pendingSkips.append(SkippedInput(image: index, path: path, reason: why, pass: 2))
                    skipped.insert(index); skippedCount += 1
                    annotations.append(nil)
                case let .sample(index, annotation, _):
                    if let reason {
                        pendingSkips.append(SkippedInput(image: index, path: source.path(of: index), reason: reason, pass: 2))
                        skipped.insert(index); skippedCount += 1
                        annotations.append(nil)
                    } else {
                        annotations.append(annotation)
                    }
                }
            }
            let masks = try storedMasks.map { try $0.masks(start: start, annotations: annotations, catalog: catalog) }
                ?? maskBatch.build(annotations)
            try checkCachedRows(maps, cache: cache, start: start) { annotations[$0] != nil }
            for l in layers.indices {
                buffers[l].withUnsafeBufferPointer { b in
                    kernels[l].add(b, maps: maps[l], masks: masks, thresholds: thresholds[l], to: &tallies[l])
                }
            }
            progress.imagesSkipped = skippedCount
        }
        if session.shard != nil {
            try completeShard(&session, checkpoint: checkpoint)
            return
        }
        // The cache has been read for the last time: its files are closed, and deleted on another
        // thread while the results are scored and written (freeing a large file's pages takes a
        // while). A run stopped before the results are committed tallies the images after its last
        // checkpoint again without it (from the model and the segmentations): the same results.
        cache = nil
        storedMasks = nil
        let removal = ActivationCache.removeInBackground(runDirectory: directory, folder: session.cacheFolder)
        defer { removal.wait() }
        if let event = try writer?.wait() { emit(event) }
        try finish(&session, tallies: tallies, pendingSkips: pendingSkips, skippedCount: skippedCount)
    }

    /// Final scores, tally.csv files, rows of sums, and the finished status, in one transaction
    /// (tally.csv files are written last inside it, before the commit: a finished run has them, and
    /// rewriting them on a resume gives the same bytes; the files' fsync comes after the rows are
    /// inserted, when the cache's deletion on another thread has freed the file system's journal).
    /// One process does it at the end of its tally pass, `merge` with the sum of its shards'.
    func finish(_ session: inout Session, tallies: [LayerTally], pendingSkips: [SkippedInput], skippedCount: Int) throws {
        let catalog = session.catalog, layers = session.layers
        var finals: [[UnitScore]] = []
        var uniques: [Int] = []
        var csvs: [[UInt8]] = []
        for tally in tallies {
            let scores = Scoring.score(tally, catalog: catalog, iouThreshold: configuration.iouThreshold)
            finals.append(scores)
            uniques.append(Scoring.uniqueDetectors(scores, categoryCount: catalog.categories.count).labels.count)
            csvs.append(Array(TallyCSV.render(scores, catalog: catalog).utf8))
        }
        session.progress.status = .finished
        session.progress.imagesSkipped = skippedCount
        session.progress.etaSeconds = 0
        session.progress.updatedAt = RunStore.now()
        session.progress.finishedAt = session.progress.updatedAt
        let progress = session.progress
        let directory = directory
        try session.store.write { transaction in
            try transaction.addSkipped(pendingSkips)
            for (l, layer) in layers.enumerated() {
                try transaction.setBlob(layer: layer.name, kind: Self.tallyKind, tallies[l].serialized())
                try transaction.setScores(layer: layer.name, finals[l], final: true)
                try transaction.finishLayer(layer: layer.name, tally: tallies[l], catalog: catalog, uniqueDetectors: uniques[l])
            }
            try transaction.setProgress(progress)
            for (layer, csv) in zip(layers, csvs) {
                try RunDirectory.writeLayerFile(csv, directory: directory, layer: layer.name, file: "tally.csv")
            }
        }
        for (layer, unique) in zip(layers, uniques) { emit(.layerFinished(layer: layer.name, uniqueDetectors: unique)) }
        emit(.finished(progress))
    }
}

extension Dissector {
    /// Pass 1's label-mask cache: kept beside the activation cache, created by a fresh pass 1; a
    /// pass 1 resumed without one (a run begun by an older netdissect) goes on without it.
    func labelMaskCacheForPassOne(_ session: Session) throws -> LabelMaskCache? {
        guard session.useCache else { return nil }
        let exists = LabelMaskCache.exists(runDirectory: directory, folder: session.cacheFolder)
        guard session.progress.imagesDone == 0 || exists else { return nil }
        return try LabelMaskCache(runDirectory: directory, folder: session.cacheFolder,
                                  firstRow: session.range.lowerBound, writable: true)
    }

    /// The label masks pass 1 kept, for the passes after it (nil: decode the segmentations again).
    func labelMaskCacheForLaterPasses(_ session: Session) throws -> LabelMaskCache? {
        guard session.useCache, LabelMaskCache.exists(runDirectory: directory, folder: session.cacheFolder) else { return nil }
        return try LabelMaskCache(runDirectory: directory, folder: session.cacheFolder,
                                  firstRow: session.range.lowerBound, writable: false)
    }
}

extension LabelMaskCache {
    /// The stored masks of a batch (images from `start`), nil where `annotations` is nil (an
    /// image left out); an image still in must have its record.
    func masks(start: Int, annotations: [ImageAnnotation?],
               catalog: ConceptCatalog) throws -> [LabelMasks?] {
        let sizes = annotations.map { a in (height: a?.height ?? 0, width: a?.width ?? 0) }
        let stored = try read(rows: start, sizes: sizes, catalog: catalog)
        return try zip(annotations, stored).enumerated().map { k, pair in
            guard pair.0 != nil else { return nil }
            guard let masks = pair.1 else { throw damaged("image \(start + k) has no label masks though pass 1 used it") }
            return masks
        }
    }
}

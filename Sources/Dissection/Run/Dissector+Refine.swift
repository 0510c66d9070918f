// The refine pass (only for layers whose quantiles use histograms): count, within the histogram
// bins that hold each unit's two order statistics, the low bits of every value; the thresholds
// follow exactly. Reads the activations a second time (cache, file, or the model again).
import Foundation

extension Dissector {
    func refinePass(_ session: inout Session) throws {
        let store = session.store, layers = session.layers
        var states: [ThresholdPass] = []
        for layer in layers {
            guard let bytes = try store.blob(layer: layer.name, kind: Self.thresholdStateKind),
                  let state = ThresholdPass(serialized: bytes), state.units == layer.units, state.mapSize == layer.mapSize else {
                throw RunError.corruptState(path: store.databasePath, reason: "the refine state of layer \(layer.name) is missing or unreadable")
            }
            states.append(state)
        }
        let skipped = try store.skippedIndices()
        let cache = try secondPassCache(session)

        let checkpoint: (inout Session) throws -> Void = { session in
            let progress = session.progress
            try store.write { transaction in
                CrashHook.inCheckpoint(pass: progress.pass, done: progress.imagesDone)
                try transaction.setProgress(progress)
                for (layer, state) in zip(layers, states) where state.needsRefine {
                    try transaction.setBlob(layer: layer.name, kind: Self.thresholdStateKind, state.serialized())
                }
            }
            self.emit(.checkpoint(progress, provisional: [:]))
        }

        let workers = options.workerCount
        // The segmentations are not needed here; with pass 1's label masks kept, they are not read.
        let segmentations: SegmentationUse = try labelMaskCacheForLaterPasses(session) == nil ? .decode : .skip
        var maps: [MapTable?] = []
        try runBatches(&session, decodeImages: cache == nil && producer.needsImages, segmentations: segmentations,
                       secondPassFactor: 1, checkpoint: checkpoint,
                       activations: { items, start, buffers in
                           try secondReading(items, start: start, cache: cache, layers: layers, into: &buffers, maps: &maps)
                       }) { items, start, reasons, buffers, _ in
            // The histograms of pass 1 hold exactly the images not skipped then; an image that
            // cannot be read now would make the counts disagree.
            var indices: [Int?] = []
            for (item, reason) in zip(items, reasons) {
                if skipped.contains(item.index) { indices.append(nil); continue }
                if case let .skip(_, path, why) = item {
                    throw RunError.input(path: path, reason: "became unreadable during the run (\(why))",
                                         hint: "restore it and run the same command again, or pass --force to start over")
                }
                if let reason {
                    throw RunError.input(path: source.path(of: item.index), reason: "became unusable during the run (\(reason))",
                                         hint: "restore it and run the same command again, or pass --force to start over")
                }
                indices.append(item.index)
            }
            try checkCachedRows(maps, cache: cache, start: start) { indices[$0] != nil }
            for l in layers.indices where states[l].needsRefine {
                buffers[l].withUnsafeBufferPointer { b in
                    states[l].refine(b, maps: maps[l], indices: indices, workers: workers)
                }
            }
        }

        if session.shard != nil {
            try completeShard(&session, checkpoint: checkpoint)
            return
        }
        try completeRefine(&session, states: states)
    }

    /// The end of the refine pass over every image (one process, or the merge of its shards):
    /// the thresholds are final; the tally pass starts at image 0.
    func completeRefine(_ session: inout Session, states: [ThresholdPass]) throws {
        let store = session.store, layers = session.layers
        let thresholds = states.map { $0.thresholds(workers: options.workerCount) }
        session.progress.pass = 3
        session.progress.passName = "tally"
        session.progress.imagesDone = 0
        session.progress.rate = nil
        session.progress.updatedAt = RunStore.now()
        let progress = session.progress
        try store.write { transaction in
            for (l, layer) in layers.enumerated() {
                try Self.storeThresholds(thresholds[l], layer: layer.name, in: transaction)
            }
            try transaction.setProgress(progress)
        }
        emit(.thresholdsReady(progress))
    }
}

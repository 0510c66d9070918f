// The refine pass (only for layers whose quantiles use histograms): count, within the histogram
// bins that hold each unit's two order statistics, the low bits of every value; the thresholds
// follow exactly. Reads the activations a second time (cache, file, or the model again).
import Foundation

extension Dissector {
    func refinePass(_ session: inout Session) throws {
        let store = session.store, layers = session.layers, total = session.total
        var states: [ThresholdPass] = []
        for layer in layers {
            guard let bytes = try store.blob(layer: layer.name, kind: Self.thresholdStateKind),
                  let state = ThresholdPass(serialized: bytes), state.units == layer.units, state.mapSize == layer.mapSize else {
                throw RunError.corruptState(path: store.databasePath, reason: "the refine state of layer \(layer.name) is missing or unreadable")
            }
            states.append(state)
        }
        let skipped = try store.skippedIndices()
        let fromCache = session.useCache && ActivationCache.exists(runDirectory: directory, layerCount: layers.count)
        let cache = fromCache ? try ActivationCache(runDirectory: directory, layers: layers) : nil

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

        let startTime = Date(), doneAtStart = session.progress.imagesDone
        var iterator = source.samples(session.progress.imagesDone..<total, decodeImages: cache == nil && producer.needsImages)
        var buffers = [[Float]](repeating: [], count: layers.count)
        let interval = checkpointInterval, workers = options.workerCount
        while session.progress.imagesDone < total {
            try honourControl(&session, checkpoint: checkpoint)
            let start = session.progress.imagesDone
            let items = try nextBatch(&iterator, expectedStart: start, limit: min(options.batchSize, total - start), total: total)
            let reasons = try secondReading(items, start: start, cache: cache, layers: layers, into: &buffers)
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
            for l in layers.indices where states[l].needsRefine {
                let needed = items.count * layers[l].valuesPerImage
                buffers[l].withUnsafeBufferPointer { b in
                    states[l].refine(UnsafeBufferPointer(rebasing: b[0..<needed]), indices: indices, workers: workers)
                }
            }
            session.progress.imagesDone = start + items.count
            updateRate(&session.progress, doneAtStart: doneAtStart, startTime: startTime, secondPassFactor: 1)
            emit(.progress(session.progress))
            CrashHook.afterBatch(pass: session.progress.pass, done: session.progress.imagesDone)
            if session.progress.imagesDone % interval == 0 && session.progress.imagesDone < total {
                try checkpoint(&session)
            }
        }

        let thresholds = states.map { $0.thresholds() }
        session.progress.pass = 3
        session.progress.passName = "tally"
        session.progress.imagesDone = 0
        session.progress.rate = nil
        session.progress.updatedAt = RunStore.now()
        let progress = session.progress
        try store.write { transaction in
            for (l, layer) in layers.enumerated() {
                try transaction.setThresholds(layer: layer.name, thresholds[l])
                var w = ByteWriter()
                w.scalars(thresholds[l])
                try transaction.setBlob(layer: layer.name, kind: Self.thresholdsKind, w.bytes)
                try transaction.removeBlob(layer: layer.name, kind: Self.thresholdStateKind)
            }
            try transaction.setProgress(progress)
        }
        emit(.thresholdsReady(progress))
    }
}

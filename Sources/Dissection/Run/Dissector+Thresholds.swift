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
        let cache = session.useCache ? try ActivationCache(runDirectory: directory, layers: layers) : nil
        var pendingSkips: [SkippedInput] = []
        var skippedCount = session.progress.imagesSkipped
        var firstSkip: SkippedInput?

        let checkpoint: (inout Session) throws -> Void = { session in
            try cache?.sync()
            session.progress.imagesSkipped = skippedCount
            let progress = session.progress
            let skips = pendingSkips
            try store.write { transaction in
                CrashHook.inCheckpoint(pass: 1, done: progress.imagesDone)
                try transaction.setProgress(progress)
                for (layer, state) in zip(layers, states) {
                    try transaction.setBlob(layer: layer.name, kind: Self.thresholdStateKind, state.serialized())
                    try transaction.setTopImages(layer: layer.name, state.top, height: layer.height, width: layer.width)
                }
                try transaction.addSkipped(skips)
            }
            pendingSkips = []
            self.emit(.checkpoint(progress, provisional: [:]))
        }

        let startTime = Date(), doneAtStart = session.progress.imagesDone
        var iterator = source.samples(session.progress.imagesDone..<total, decodeImages: producer.needsImages)
        var buffers = [[Float]](repeating: [], count: layers.count)
        let interval = checkpointInterval, workers = options.workerCount
        while session.progress.imagesDone < total {
            try honourControl(&session, checkpoint: checkpoint)
            let start = session.progress.imagesDone
            let items = try nextBatch(&iterator, expectedStart: start, limit: min(options.batchSize, total - start), total: total)
            let reasons = try producer.produce(items, into: &buffers)
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
            for l in layers.indices {
                let needed = items.count * layers[l].valuesPerImage
                precondition(buffers[l].count >= needed, "producer returned too few values for \(layers[l].name)")
                try buffers[l].withUnsafeBufferPointer { b in
                    try cache?.files[l].write(rows: start, count: items.count, from: b.baseAddress!)
                    states[l].add(UnsafeBufferPointer(rebasing: b[0..<needed]), indices: indices, workers: workers)
                }
            }
            session.progress.imagesDone = start + items.count
            session.progress.imagesSkipped = skippedCount
            updateRate(&session.progress, doneAtStart: doneAtStart, startTime: startTime,
                       secondPassFactor: producer.isRereadable || session.useCache ? 4 : 1)
            emit(.progress(session.progress))
            CrashHook.afterBatch(pass: 1, done: session.progress.imagesDone)
            if session.progress.imagesDone % interval == 0 && session.progress.imagesDone < total {
                try checkpoint(&session)
            }
        }

        // A pass in which no image could be used leaves nothing to tally: the run fails here
        // (its state checkpointed, marked failed) instead of finishing with empty results.
        if skippedCount >= total {
            let example = firstSkip.map { " (the first: \($0.path): \($0.reason))" } ?? ""
            session.progress.status = .failed
            session.progress.message = "none of the \(total) images could be used"
            try checkpoint(&session)
            throw RunError.input(path: TerminalText.sanitize(configuration.dataset),
                                 reason: TerminalText.sanitize("none of its \(total) images could be used\(example)"),
                                 hint: "run netdissect probe check on it, fix what it reports, then dissect again with --force")
        }

        // Pass 1 is done: top images are final; thresholds too, unless a refine pass must
        // finish them. The next pass starts at image 0.
        try cache?.sync()
        let refine = session.progress.passes == 3
        if refine {
            for l in states.indices { states[l].startRefine() }
        }
        let thresholds = refine ? [] : states.map { $0.thresholds() }
        session.progress.pass = 2
        session.progress.passName = refine ? "refine" : "tally"
        session.progress.imagesDone = 0
        session.progress.imagesSkipped = skippedCount
        session.progress.rate = nil
        session.progress.updatedAt = RunStore.now()
        let progress = session.progress
        let skips = pendingSkips
        try store.write { transaction in
            try transaction.addSkipped(skips)
            for (l, layer) in layers.enumerated() {
                try transaction.setTopImages(layer: layer.name, states[l].top, height: layer.height, width: layer.width)
                if refine {
                    try transaction.setBlob(layer: layer.name, kind: Self.thresholdStateKind, states[l].serialized())
                } else {
                    try transaction.setThresholds(layer: layer.name, thresholds[l])
                    var w = ByteWriter()
                    w.scalars(thresholds[l])
                    try transaction.setBlob(layer: layer.name, kind: Self.thresholdsKind, w.bytes)
                    try transaction.removeBlob(layer: layer.name, kind: Self.thresholdStateKind)
                }
            }
            try transaction.setProgress(progress)
        }
        if !refine { emit(.thresholdsReady(progress)) }
    }
}

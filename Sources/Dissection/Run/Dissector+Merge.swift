// `merge`: the end of a sharded run's pass (see Dissector+Shards.swift). Every shard's database is
// checked to belong to this run, this pass and this shard, and to be done, before anything is
// merged; then the merged state ends the pass through the same code one process runs.
import Foundation
import Render

extension Dissector {
    /// One shard's database of a pass, checked; its states are read one layer at a time (a
    /// pass-1 state can take hundreds of megabytes: one shard's at a time is held).
    private struct ShardResult {
        let spec: ShardSpec
        let path: String
        let reader: RunReader
        let kind: String
        let skipped: [SkippedInput]

        /// The pass's state blob of `layer`.
        func blob(_ layer: String) throws -> [UInt8] {
            guard let bytes = try reader.blob(layer: layer, kind: kind) else {
                throw RunError.corruptState(path: path, reason: "the \(kind) of layer \(layer) is missing")
            }
            return bytes
        }
    }

    func mergeShards(pass wanted: Int?, _ setup: Setup) throws -> RunProgress {
        let reader = try RunReader.open(directory)
        guard let count = try reader.shardCount() else {
            throw RunError.input(path: directory, reason: "holds no run prepared for shards", hint: "there is nothing to merge")
        }
        let before = try reader.progress()
        if let done = try nothingToDo(before, wanted: wanted) {
            outcome = "nothing to merge: \(done)"
            return before
        }
        let (store, progress) = try openRun(setup)
        defer { store.close() }
        let pass = progress.pass
        let run = try reader.meta(RunStore.shardedRunKey) ?? ""
        let refine = progress.passes == 3 && pass == 2
        let kind = pass == 1 || refine ? Self.thresholdStateKind : Self.tallyKind
        let results = try ShardSpec.all(count).map {
            try readShard($0, pass: pass, passName: progress.passName, run: run, kind: kind, total: setup.total)
        }

        var session = Session(store: store, layers: setup.layers, total: setup.total, progress: progress,
                              useCache: false, catalog: source.catalog, methods: setup.methods, range: 0..<setup.total)
        session.progress.status = .running
        session.progress.imagesDone = setup.total
        emit(.started(session.progress))
        let known = Set(try store.skippedIndices())
        let newSkips = results.flatMap(\.skipped).filter { !known.contains($0.image) }.sorted { $0.image < $1.image }
        let skippedCount = progress.imagesSkipped + newSkips.count

        if pass == 1 || refine {
            var merged: [ThresholdPass] = []
            // Each shard left maps out of its own cache by its own bounds.
            var skipBounds: [[Float]] = []
            for (l, layer) in setup.layers.enumerated() {
                let fresh = ThresholdPass(units: layer.units, mapSize: layer.mapSize, quantile: configuration.quantile,
                                          topK: configuration.topK, maxImages: setup.total, method: setup.methods[l])
                var state: ThresholdPass?
                var bounds = [Float](repeating: -.infinity, count: layer.units)
                for result in results {
                    guard let s = ThresholdPass(serialized: try result.blob(layer.name)), s.isCompatible(with: fresh) else {
                        throw RunError.corruptState(path: result.path, reason: "the state of layer \(layer.name) is unreadable or of other settings")
                    }
                    if !refine { bounds = zip(bounds, s.skipBounds).map { max($0, $1) } }
                    if state == nil { state = s } else if refine { state!.mergeRefine(s) } else { state!.merge(s) }
                }
                merged.append(state!)
                skipBounds.append(bounds)
            }
            if refine {
                try completeRefine(&session, states: merged)
            } else {
                let caches = try store.usesActivationCache() ? ShardSpec.all(count).map { ShardFiles.cacheFolder(spec: $0) } : []
                try completeThresholds(&session, states: merged, skipBounds: skipBounds, cacheFolders: caches,
                                       skippedCount: skippedCount, pendingSkips: newSkips, firstSkip: newSkips.first)
            }
        } else {
            var merged: [LayerTally] = []
            for layer in setup.layers {
                var tally: LayerTally?
                for result in results {
                    guard let t = LayerTally(serialized: try result.blob(layer.name), catalog: source.catalog), t.units == layer.units,
                          t.categoryCount == source.catalog.categories.count else {
                        throw RunError.corruptState(path: result.path, reason: "the tally of layer \(layer.name) is unreadable or of another shape")
                    }
                    if tally == nil { tally = t } else { tally!.merge(t) }
                }
                merged.append(tally!)
            }
            try finish(&session, tallies: merged, pendingSkips: newSkips, skippedCount: skippedCount)
            for spec in ShardSpec.all(count) {
                ActivationCache.remove(runDirectory: directory, folder: ShardFiles.cacheFolder(spec: spec))
            }
        }
        // The merged pass lives in the run's database now; its shards' databases are not needed.
        for result in results { unlink(result.path) }
        let p = session.progress
        outcome = p.isFinished ? "merged pass \(pass) (\(progress.passName)) of \(count) shards: the run is finished"
                               : "merged pass \(pass) (\(progress.passName)) of \(count) shards; next: pass \(p.pass)/\(p.passes) (\(p.passName))"
        return p
    }

    /// Reads and checks shard `spec`'s database of `pass`.
    private func readShard(_ spec: ShardSpec, pass: Int, passName: String, run: String, kind: String, total: Int) throws -> ShardResult {
        let path = ShardFiles.database(runDirectory: directory, pass: pass, spec: spec)
        let range = spec.range(total: total)
        guard let fileKind = RunDirectory.fileKind(path) else {
            let status = ShardStatus.readAll(runDirectory: directory).first { $0.pass == pass && $0.shard == spec.index && $0.shards == spec.count }
            let failure = status.flatMap { s in s.state == .failed ? " (its task failed on \(s.host): \(s.message ?? "no reason recorded"))" : nil } ?? ""
            throw RunError.input(path: path, reason: TerminalText.sanitize("is missing: shard \(spec) has not done pass \(pass) (\(passName))\(failure)"),
                                 hint: "run it (netdissect dissect <the run's options> --shard \(spec) --pass \(pass)) or resubmit (netdissect slurm --resume), then merge again")
        }
        guard fileKind == S_IFREG else {
            throw RunError.input(path: path, reason: "is not a regular file", hint: "remove it and run shard \(spec) again")
        }
        let reader = try RunReader.openShard(path)
        func meta(_ key: String) throws -> String { try reader.meta(key) ?? "" }
        let ownRun = try meta(RunStore.shardRunKey)
        guard ownRun == run else {
            throw RunError.input(path: path, reason: "belongs to another run (made \(TerminalText.sanitize(ownRun)), this one \(run))",
                                 hint: "remove it: it is left from an earlier run in this directory; then run shard \(spec) again")
        }
        let stated = (try meta(RunStore.shardIndexKey), try meta(RunStore.shardCountKey), try meta(RunStore.shardPassKey),
                      try meta(RunStore.shardFirstImageKey))
        guard stated == ("\(spec.index)", "\(spec.count)", "\(pass)", "\(range.lowerBound)") else {
            throw RunError.input(path: path, reason: "says it is shard \(stated.0)/\(stated.1) of pass \(stated.2) from image \(stated.3), not shard \(spec) of pass \(pass) from image \(range.lowerBound)",
                                 hint: "remove it and run shard \(spec) again")
        }
        guard try reader.configuration() == configuration else {
            throw RunError.input(path: path, reason: "was made with other settings than the run", hint: "remove it and run shard \(spec) again")
        }
        let progress = try reader.progress()
        guard progress.isFinished, progress.imagesDone == range.count, progress.imagesTotal == range.count else {
            throw RunError.input(path: path, reason: "shard \(spec) is not done (\(progress.status.rawValue), \(progress.imagesDone) of \(range.count) images)",
                                 hint: "wait for its task, or run it again (it resumes from its last checkpoint)")
        }
        return ShardResult(spec: spec, path: path, reader: reader, kind: kind,
                           skipped: try reader.skipped().filter { range.contains($0.image) })
    }
}

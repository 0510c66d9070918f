// A run done as N shards, by processes that may run on N hosts (docs/method.md#sharded-runs).
//
//   prepare   creates the run (its database at pass 1) and records N; no image is done.
//   shard K   does shard K's images of the run's current pass into a database of its own
//             (`RunStore+Shards.swift`), checkpointed and resumable like a whole run.
//   merge     once every shard of the pass is done: reads their states, merges them
//             (`ThresholdPass+Merge.swift`) and ends the pass exactly as one process would
//             (the same code: `completeThresholds`, `completeRefine`, `finish`), so the next
//             pass's shards start from the same thresholds and the last merge writes the same
//             tally.csv, byte for byte.
//
// The run's database is written by `prepare` and `merge` only, never while shards run; shards read
// it once, when they start. Every step is idempotent: a shard already done, a merge already made,
// or a finished run make a step return at once.
import Foundation
import Render

extension Dissector {
    // MARK: Prepare

    func prepareShards(_ count: Int, _ setup: Setup) throws -> RunProgress {
        guard count >= 1, count <= ShardSpec.maxCount else {
            throw RunError.badSetting("--prepare-shards must lie in [1, \(ShardSpec.maxCount)]")
        }
        let (store, progress) = try openRun(setup)
        defer { store.close() }
        if let existing = try store.shardCount() {
            guard existing == count else {
                throw RunError.input(path: directory, reason: "was prepared for \(existing) shards, not \(count)",
                                     hint: "use --shard K/\(existing), or start over with --force")
            }
            outcome = "\(directory) was already prepared for \(count) shards; the run is at pass \(progress.pass)/\(progress.passes) (\(progress.passName))"
            return progress
        }
        guard progress.pass == 1, progress.imagesDone == 0 else {
            throw RunError.input(path: directory, reason: "holds a run already under way in one process",
                                 hint: "finish it with netdissect dissect, or start over as shards with --force")
        }
        try store.write { transaction in try transaction.setShardCount(count, run: UUID().uuidString) }
        let names = progress.passes == 3 ? "thresholds, refine, tally" : "thresholds, tally"
        outcome = "prepared \(directory) for \(count) shards and \(progress.passes) passes (\(names)): for each pass P, run every shard (netdissect dissect <the same options> --shard K/\(count) --pass P), then netdissect merge \(directory) --pass P"
        return progress
    }

    // MARK: One shard

    func executeShard(_ spec: ShardSpec, pass wanted: Int?, _ setup: Setup) throws -> RunProgress {
        guard RunDirectory.fileKind((directory as NSString).appendingPathComponent(RunReader.databaseName)) != nil else {
            throw RunError.input(path: directory, reason: "holds no run prepared for shards",
                                 hint: "prepare it first: netdissect dissect <the same options> --prepare-shards \(spec.count)")
        }
        let reader = try RunReader.open(directory)
        guard let count = try reader.shardCount() else {
            throw RunError.input(path: directory, reason: "holds no run prepared for shards",
                                 hint: "prepare it first: netdissect dissect <the same options> --prepare-shards \(spec.count)")
        }
        guard count == spec.count else {
            throw RunError.input(path: directory, reason: "was prepared for \(count) shards, not \(spec.count)",
                                 hint: "use --shard K/\(count)")
        }
        let stored = try reader.configuration()
        guard stored == configuration else {
            throw RunError.configurationDiffers(directory: directory, differences: stored.differences(from: configuration))
        }
        var runProgress = try reader.progress()
        guard runProgress.imagesTotal == setup.total else {
            throw RunError.corruptState(path: reader.databasePath, reason: "the run has \(runProgress.imagesTotal) images, the dataset \(setup.total) now")
        }
        if let done = try nothingToDo(runProgress, wanted: wanted) {
            outcome = "shard \(spec): nothing to do, \(done)"
            return runProgress
        }
        let pass = runProgress.pass
        let range = spec.range(total: setup.total)
        let run = try reader.meta(RunStore.shardedRunKey) ?? ""
        let layers = setup.layers
        let origin: () throws -> RunStore.ShardOrigin = { [self] in
            var blobs: [(String, String, [UInt8])] = []
            let kind = pass == 1 ? nil : runProgress.passes == 3 && pass == 2 ? Self.thresholdStateKind : Self.thresholdsKind
            if let kind {
                for layer in layers {
                    guard let bytes = try reader.blob(layer: layer.name, kind: kind) else {
                        throw RunError.corruptState(path: reader.databasePath, reason: "the \(kind) of layer \(layer.name) are missing")
                    }
                    blobs.append((layer.name, kind, bytes))
                }
            }
            return RunStore.ShardOrigin(
                configuration: configuration, catalog: try reader.catalog(),
                layers: layers.map { ($0.name, $0.units, $0.height, $0.width) }, run: run, progress: runProgress,
                usesActivationCache: try reader.meta(RunStore.activationCacheKey) == "yes", blobs: blobs,
                skipped: try reader.skipped().filter { range.contains($0.image) },
                imagePaths: range.map { source.path(of: $0) })
        }
        let host = ProcessInfo.processInfo.hostName
        let writer = "\(host) pid \(getpid()) at \(RunStore.now()), task \(UUID().uuidString.prefix(8))"
        let (store, progress) = try RunStore.openShard(runDirectory: directory, spec: spec, range: range, origin: origin,
                                                       pass: pass, writer: writer)
        defer { store.close() }
        guard progress.pass == pass, progress.imagesTotal == range.count, progress.imagesDone <= range.count else {
            throw RunError.corruptState(path: store.databasePath, reason: "the shard's progress does not match shard \(spec) of pass \(pass)")
        }
        runProgress = progress
        var session = Session(store: store, layers: layers, total: setup.total, progress: progress,
                              useCache: try store.usesActivationCache(), catalog: source.catalog, methods: setup.methods,
                              range: range, shard: spec, cacheFolder: ShardFiles.cacheFolder(spec: spec))
        shardStatus = ShardStatus(run: run, pass: pass, passName: progress.passName, shard: spec.index, shards: spec.count,
                                  firstImage: range.lowerBound, images: range.count, state: .running,
                                  imagesDone: progress.imagesDone, imagesSkipped: progress.imagesSkipped, rate: nil,
                                  host: host, pid: Int(getpid()), startedAt: RunStore.now(), updatedAt: RunStore.now(), message: nil)
        if progress.isFinished {
            outcome = "shard \(spec): pass \(pass) (\(progress.passName)) was done already"
            return progress
        }
        session.progress.status = .running
        session.progress.message = nil
        try store.write { transaction in try transaction.setProgress(session.progress) }
        try reportShard(session)
        emit(.started(session.progress))
        do {
            try runPasses(&session)
        } catch let error as RunError where error != .cancelled {
            // Recorded unless another task took the shard over (its state is the shard's now).
            if store.isWriter() {
                session.progress.status = .failed
                session.progress.message = error.description
                try? store.write { transaction in try transaction.setProgress(session.progress) }
                try? reportShard(session)
            }
            throw error
        }
        let p = session.progress
        outcome = "shard \(spec): pass \(pass)/\(p.passes) (\(p.passName)) done, images \(range.lowerBound)..<\(range.upperBound), \(p.imagesSkipped) skipped"
        return p
    }

    /// Why a step asked for pass `wanted` (any pass when nil) has nothing to do on a run at
    /// `progress` (finished, or past that pass), or nil when it has work.
    /// - Throws: when the run has not reached `wanted` yet, or has no such pass.
    func nothingToDo(_ progress: RunProgress, wanted: Int?) throws -> String? {
        if progress.isFinished { return "the run is finished" }
        guard let wanted else { return nil }
        guard (1...progress.passes).contains(wanted) else {
            throw RunError.badSetting("--pass \(wanted): this run has passes 1 to \(progress.passes)")
        }
        if progress.pass > wanted { return "pass \(wanted) is merged already" }
        if progress.pass < wanted {
            throw RunError.input(path: directory, reason: "is at pass \(progress.pass), not \(wanted)",
                                 hint: "merge pass \(progress.pass) first (netdissect merge \(directory))")
        }
        return nil
    }

    /// The end of a shard's pass: its final state, marked done.
    func completeShard(_ session: inout Session, checkpoint: (inout Session) throws -> Void) throws {
        session.progress.status = .finished
        session.progress.etaSeconds = 0
        session.progress.updatedAt = RunStore.now()
        session.progress.finishedAt = session.progress.updatedAt
        try checkpoint(&session)
        try reportShard(session)
    }

    /// Writes the shard's status file from the session (nothing for a whole run).
    func reportShard(_ session: Session) throws {
        guard session.shard != nil, var status = shardStatus else { return }
        let p = session.progress
        switch p.status {
        case .running: status.state = .running
        case .paused: status.state = .paused
        case .finished: status.state = .done
        case .failed: status.state = .failed
        case .cancelled: status.state = .cancelled
        }
        status.imagesDone = p.imagesDone
        status.imagesSkipped = p.imagesSkipped
        status.rate = p.rate
        status.message = p.message
        status.updatedAt = RunStore.now()
        shardStatus = status
        try status.write(runDirectory: directory)
    }
}

// The progress of a sharded run as a viewer shows it: the run's database says which pass the run
// is at (it changes only at a merge); the shards' status files say how far each shard is in it.
// Images done and skipped are summed over the shards, their rates add up (they run side by side),
// and the ETA is what is left of the pass, and of the passes after it, at that combined rate.
import Foundation

/// A sharded run's progress, from its database and its shards' status files.
public struct ShardedProgress: Sendable, Equatable {
    /// Number of shards.
    public let shardCount: Int
    /// The status of each shard of the current pass (nil: not started yet), by index.
    public let shards: [ShardStatus?]
    /// The run's progress with the current pass's images, rate and ETA summed over its shards.
    public let combined: RunProgress

    /// The shards that failed in the current pass.
    public var failed: [ShardStatus] { shards.compactMap { $0 }.filter { $0.state == .failed } }

    /// Reads the progress of the run `reader` opened; nil for a run of one process.
    public static func read(_ reader: RunReader) throws -> ShardedProgress? {
        guard let count = try reader.shardCount() else { return nil }
        let run = try reader.meta(RunStore.shardedRunKey) ?? ""
        return ShardedProgress(run: try reader.progress(), shardCount: count, runID: run,
                               statuses: ShardStatus.readAll(runDirectory: reader.directory))
    }

    /// Combines `run` with the status files `statuses` (of any pass and run).
    init(run: RunProgress, shardCount count: Int, runID: String, statuses: [ShardStatus]) {
        shardCount = count
        var shards = [ShardStatus?](repeating: nil, count: count)
        for s in statuses where s.run == runID && s.pass == run.pass && s.shards == count && s.shard < count {
            shards[s.shard] = s
        }
        if run.isFinished {
            self.shards = shards
            combined = run
            return
        }
        let present = shards.compactMap { $0 }
        var p = run
        let done = present.reduce(0) { $0 + $1.imagesDone }
        p.imagesDone = min(done, run.imagesTotal)
        let skipped = present.reduce(0) { $0 + $1.imagesSkipped }
        p.imagesSkipped = run.pass == 1 ? skipped : max(run.imagesSkipped, skipped)
        let working = present.filter { $0.state == .running }
        let rate = working.reduce(0.0) { $0 + ($1.rate ?? 0) }
        p.rate = working.isEmpty || rate <= 0 ? nil : min(rate, StoredLimits.maxRate)
        if let r = p.rate {
            let later = Double(run.passes - run.pass) * Double(run.imagesTotal)
            p.etaSeconds = min((Double(run.imagesTotal - p.imagesDone) + later) / r, StoredLimits.maxSeconds)
        } else {
            p.etaSeconds = nil
        }
        if let latest = present.map(\.updatedAt).max(), latest > p.updatedAt { p.updatedAt = latest }
        if !working.isEmpty { p.status = .running }
        let failures = present.filter { $0.state == .failed }
        if let first = failures.first {
            p.status = .failed
            p.message = "shard \(first.shard)/\(count) failed on \(first.host): \(first.message ?? "no reason recorded")"
                + (failures.count > 1 ? " (and \(failures.count - 1) more)" : "")
        }
        self.shards = shards
        combined = p
    }
}

// Which shards of a pass are done: the shard's own status file says `done` for this pass of this
// run (the engine's ShardedProgress), or its Slurm task recorded `state=done`, which it does only
// when its `dissect --shard K/N --pass P` exited 0, and the engine exits 0 only for a complete
// shard (or a pass already merged).
import Dissection
import Foundation

/// The done shards of a pass of a sharded run.
enum ShardCompletion {
    /// The shards of `pass` that are done.
    static func done(layout: SlurmLayout, reader: RunReader?, pass: Int, shards: Int) throws(SlurmFailure) -> Set<Int> {
        var done: Set<Int> = []
        if let reader, let progress = try? ShardedProgress.read(reader), progress.combined.pass == pass,
           progress.shardCount == shards {
            for case let status? in progress.shards where status.state == .done { done.insert(status.shard) }
        }
        for shard in 0..<shards where !done.contains(shard) {
            if let record = try TaskRecord.read(layout, .shards(pass: pass), shard: shard), record.state == .done {
                done.insert(shard)
            }
        }
        return done
    }
}

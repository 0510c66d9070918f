// Which shards of a pass are done. A task records `state=done` only when its
// `dissect --shard K/N` exited 0, which the engine does only for a complete shard.
import Foundation

/// The done shards of a pass of a sharded run.
enum ShardCompletion {
    /// The shards of `pass` whose task finished with exit status 0.
    static func done(layout: SlurmLayout, pass: Int, shards: Int) throws(SlurmFailure) -> Set<Int> {
        var done: Set<Int> = []
        for shard in 0..<shards {
            if let record = try TaskRecord.read(layout, .shards(pass: pass), shard: shard), record.state == .done {
                done.insert(shard)
            }
        }
        return done
    }
}

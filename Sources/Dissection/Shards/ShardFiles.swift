// Where a sharded run keeps its shards' files: `RUN/shards/`, per pass and shard,
//
//     pass<P>-<K>of<N>.sqlite   the shard's database (its state, checkpoints, skipped images)
//     pass<P>-<K>of<N>.json     its status (ShardStatus), for viewers
//     cache-<K>of<N>/           its activation cache between passes (model runs)
//
// Only the task doing shard K of pass P writes its two files, and only `merge` reads the
// databases, so no two processes ever write one file and no lock is needed across hosts.
import Foundation

/// Names of a sharded run's files.
public enum ShardFiles {
    /// The folder inside the run directory.
    public static let directoryName = "shards"

    /// `pass<P>-<K>of<N>.<suffix>`.
    static func name(pass: Int, shard: Int, of count: Int, suffix: String) -> String {
        "pass\(pass)-\(shard)of\(count).\(suffix)"
    }

    /// The pass, shard and count a file name states, or nil for another name.
    static func parse(_ name: String) -> (pass: Int, shard: Int, count: Int)? {
        guard name.hasPrefix("pass"), let dash = name.firstIndex(of: "-"), let dot = name.lastIndex(of: ".") else { return nil }
        let pass = name[name.index(name.startIndex, offsetBy: 4)..<dash]
        let parts = name[name.index(after: dash)..<dot].components(separatedBy: "of")
        guard parts.count == 2, let p = Int(pass), let k = Int(parts[0]), let n = Int(parts[1]) else { return nil }
        return (p, k, n)
    }

    /// The database of shard `spec` in pass `pass`.
    static func database(runDirectory: String, pass: Int, spec: ShardSpec) -> String {
        folder(runDirectory) + "/" + name(pass: pass, shard: spec.index, of: spec.count, suffix: "sqlite")
    }

    /// The activation cache folder of shard `spec`, relative to the run directory.
    static func cacheFolder(spec: ShardSpec) -> String {
        directoryName + "/cache-\(spec.index)of\(spec.count)"
    }

    /// `RUN/shards`.
    static func folder(_ runDirectory: String) -> String {
        (runDirectory as NSString).appendingPathComponent(directoryName)
    }
}

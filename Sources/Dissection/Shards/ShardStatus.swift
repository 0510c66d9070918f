// What one shard task says about itself while it works: a small JSON file beside its database,
// replaced atomically (written to a temporary file, renamed) at its start, at every checkpoint,
// and when it ends, fails or is cancelled.
//
// Viewers (`netdissect status`, the explorer) read these files and never a shard's database: a
// shard may run on another host, and SQLite over NFS or Lustre is safe only for one host at a
// time, while a rename is atomic on every file system a cluster shares. `merge` reads the
// databases, after the tasks that wrote them have ended.
import Foundation

/// The state of one shard of one pass, as its task last wrote it.
public struct ShardStatus: Sendable, Equatable, Codable {
    /// What the task is doing.
    public enum State: String, Sendable, Codable {
        case running, paused, done, failed, cancelled
    }

    /// The run this shard belongs to (`started_at` of the run's database).
    public var run: String
    /// The pass (1-based) and its name.
    public var pass: Int, passName: String
    /// Shard index (0-based) and number of shards.
    public var shard: Int, shards: Int
    /// First image of the shard and its number of images.
    public var firstImage: Int, images: Int
    public var state: State
    /// Images of the shard done in this pass, and left out so far.
    public var imagesDone: Int, imagesSkipped: Int
    /// Images per second of the task, nil before its first batch.
    public var rate: Double?
    /// The host (node) and process of the task that last wrote this.
    public var host: String, pid: Int
    /// ISO 8601 times: the task's start and its last write (a checkpoint).
    public var startedAt: String, updatedAt: String
    /// Why the task failed, or nil.
    public var message: String?

    /// Reads every shard status of the run in `runDirectory` (all passes), ordered by pass and
    /// shard; files that cannot be read are left out (a viewer shows what it can).
    public static func readAll(runDirectory: String) -> [ShardStatus] {
        let folder = (runDirectory as NSString).appendingPathComponent(ShardFiles.directoryName)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var found: [ShardStatus] = []
        for name in names where name.hasSuffix(".json") && ShardFiles.parse(name) != nil {
            let path = (folder as NSString).appendingPathComponent(name)
            guard RunDirectory.fileKind(path) == S_IFREG,
                  let handle = FileHandle(forReadingAtPath: path) else { continue }
            let data = (try? handle.read(upToCount: 1 << 16)) ?? nil
            try? handle.close()
            if let data, let status = try? JSONDecoder().decode(ShardStatus.self, from: data), status.isPlausible {
                found.append(status)
            }
        }
        return found.sorted { ($0.pass, $0.shard) < ($1.pass, $1.shard) }
    }

    /// Whether the numbers can describe a shard (a damaged or hand-edited file is left out).
    var isPlausible: Bool {
        pass >= 1 && pass <= 3 && shards >= 1 && shards <= ShardSpec.maxCount && shard >= 0 && shard < shards
            && firstImage >= 0 && images >= 0 && imagesDone >= 0 && imagesDone <= images
            && imagesSkipped >= 0 && imagesSkipped <= images + firstImage && (rate.map { $0.isFinite && $0 >= 0 } ?? true)
    }

    /// Writes this status over the shard's status file in `runDirectory`, atomically.
    func write(runDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data()
        try RunDirectory.writeFile(Array(data), directory: runDirectory, folder: ShardFiles.directoryName,
                                   file: ShardFiles.name(pass: pass, shard: shard, of: shards, suffix: "json"))
    }
}

// The databases of a sharded run's shards (`ShardFiles`): each is a run database of its own (the
// same schema, so every pass checkpoints into it exactly as into a run's), holding one shard's
// share of one pass: its progress, its state, the images it left out, and what it needs from the
// run (the thresholds a tally pass uses, the refine state, the images left out earlier), copied
// when the shard starts so that it never reads the run's database again.
//
// A shard's database uses a rollback journal, not WAL: it may live on NFS or Lustre and be read
// by `merge` on another host after the task ended; WAL needs shared memory on one host. It is
// created under a temporary name and renamed into place, so a half-made file is never taken for a
// shard. Every write checks that the file still names this process as its writer: a second task
// given the same shard takes it over, and the first then stops with a message instead of
// interleaving its checkpoints with the other's.
import Foundation
import GRDB
import Render

extension RunStore {
    /// `meta` keys of a run prepared for shards: their number, and an identity its shards repeat.
    static let shardsKey = "shards", shardedRunKey = "sharded_run"
    /// `meta` keys of a shard's database.
    static let shardRunKey = "shard_of_run", shardIndexKey = "shard_index", shardCountKey = "shard_count",
               shardPassKey = "shard_pass", shardFirstImageKey = "shard_first_image", writerKey = "writer"

    /// What a shard's database is made from: the run as its database holds it when the shard starts.
    struct ShardOrigin {
        var configuration: RunConfiguration
        var catalog: ConceptCatalog
        var layers: [(name: String, units: Int, height: Int, width: Int)]
        /// The run's identity (`sharded_run`).
        var run: String
        /// The run's progress (pass, passes, pass name).
        var progress: RunProgress
        var usesActivationCache: Bool
        /// Blobs the pass reads: `(layer, kind, bytes)`.
        var blobs: [(String, String, [UInt8])]
        /// Images left out in earlier passes, within the shard.
        var skipped: [SkippedInput]
        /// Paths of the shard's images.
        var imagePaths: [String]
    }

    /// Opens shard `spec`'s database of the current pass, creating it from `origin` when absent.
    /// - Returns: the store (writing as `writer`) and the shard's progress.
    static func openShard(runDirectory: String, spec: ShardSpec, range: Range<Int>, origin: () throws -> ShardOrigin,
                          pass: Int, writer: String) throws -> (RunStore, RunProgress) {
        let path = ShardFiles.database(runDirectory: runDirectory, pass: pass, spec: spec)
        let folder = ShardFiles.folder(runDirectory)
        if mkdir(folder, 0o755) != 0 && errno != EEXIST {
            throw RunError.store(path: folder, reason: "cannot create the folder (\(String(cString: strerror(errno))))")
        }
        guard RunDirectory.fileKind(folder) == S_IFDIR else {
            throw RunError.input(path: folder, reason: "is not a folder (a symbolic link or a file)",
                                 hint: "remove it; netdissect writes only inside the run directory")
        }
        if let kind = RunDirectory.fileKind(path), kind != S_IFREG {
            throw RunError.input(path: path, reason: "is not a regular file", hint: "remove it and run the shard again")
        }
        if RunDirectory.fileKind(path) == nil {
            try createShard(at: path, spec: spec, range: range, origin: try origin(), pass: pass)
        }
        let queue = try shardQueue(path: path, readonly: false)
        let store = RunStore(directory: runDirectory, databasePath: path, pool: queue, lock: nil)
        do {
            try queue.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [writerKey, writer])
            }
        } catch {
            store.close()
            throw RunError.database(error, path: path)
        }
        store.writer = writer
        do { return (store, try store.progress()) } catch { store.close(); throw error }
    }

    /// Writes a new shard database under a temporary name and renames it into place.
    private static func createShard(at path: String, spec: ShardSpec, range: Range<Int>, origin: ShardOrigin, pass: Int) throws {
        let temporary = (path as NSString).deletingLastPathComponent + "/.\((path as NSString).lastPathComponent).\(ProcessInfo.processInfo.hostName).\(getpid()).tmp"
        unlink(temporary)
        defer { unlink(temporary); unlink(temporary + "-journal") }
        do {
            let queue = try shardQueue(path: temporary, readonly: false)
            try RunSchema.migrator.migrate(queue)
            let store = RunStore(directory: (path as NSString).deletingLastPathComponent, databasePath: temporary, pool: queue, lock: nil)
            try store.initialize(configuration: origin.configuration, catalog: origin.catalog, passes: origin.progress.passes,
                                 imagePaths: origin.imagePaths, firstImage: range.lowerBound, layers: origin.layers)
            var progress = origin.progress
            progress.status = .running
            progress.imagesDone = 0
            progress.imagesTotal = range.count
            progress.imagesSkipped = origin.skipped.count
            progress.rate = nil
            progress.etaSeconds = nil
            progress.message = nil
            progress.finishedAt = nil
            progress.updatedAt = now()
            progress.startedAt = progress.updatedAt
            try store.write { t in
                try t.setProgress(progress)
                try t.setActivationCache(origin.usesActivationCache)
                for (key, value) in [(shardRunKey, origin.run), (shardIndexKey, "\(spec.index)"), (shardCountKey, "\(spec.count)"),
                                     (shardPassKey, "\(pass)"), (shardFirstImageKey, "\(range.lowerBound)")] {
                    try t.db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
                }
                for (layer, kind, bytes) in origin.blobs { try t.setBlob(layer: layer, kind: kind, bytes) }
                try t.addSkipped(origin.skipped)
            }
            try queue.close()
        } catch let error as RunError {
            throw error
        } catch {
            throw RunError.database(error, path: path)
        }
        guard rename(temporary, path) == 0 else {
            throw RunError.store(path: path, reason: "cannot create the shard's database (\(String(cString: strerror(errno))))")
        }
    }

    /// A connection to a shard's database: rollback journal, waits for a reader's lock.
    static func shardQueue(path: String, readonly: Bool) throws -> DatabaseQueue {
        var config = Configuration()
        config.readonly = readonly
        config.busyMode = .timeout(10)
        if !readonly {
            config.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        do { return try DatabaseQueue(path: path, configuration: config) } catch {
            throw RunError.store(path: path, reason: "cannot open the shard's database (\(RunReader.describe(error)))")
        }
    }

    /// The number of shards the run was prepared for, nil for a run of one process.
    func shardCount() throws -> Int? {
        guard let text = try read({ db in try RunReader.meta(db, key: Self.shardsKey, path: databasePath) }) else { return nil }
        return try Self.parseShardCount(text, path: databasePath)
    }

    /// The number of shards a `meta` value states.
    static func parseShardCount(_ text: String, path: String) throws -> Int {
        guard let n = Int(text), n >= 1, n <= ShardSpec.maxCount else {
            throw RunError.damaged(path: path, place: "table meta, key \(shardsKey)",
                                   reason: "'\(TerminalText.sanitize(String(text.prefix(20))))' is not a number of shards")
        }
        return n
    }

    /// Whether this process still writes the shard.
    func isWriter() -> Bool {
        (try? read { db in try checkWriter(db) }) != nil
    }

    /// Checks, inside a write, that this store still writes the shard (see the file's comment).
    func checkWriter(_ db: Database) throws {
        guard let writer else { return }
        let current = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [Self.writerKey])
        guard current == writer else {
            throw RunError.input(path: databasePath,
                                 reason: "was taken over by another task (\(TerminalText.sanitize(current ?? "unknown"))): two tasks were given the same shard",
                                 hint: "let the other task finish it; give every task its own --shard index")
        }
    }
}

extension RunStore.Transaction {
    /// Records that the run is done as `count` shards, and its identity `run`.
    func setShardCount(_ count: Int, run: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?), (?, ?)",
                       arguments: [RunStore.shardsKey, "\(count)", RunStore.shardedRunKey, run])
    }
}

// The writer side of the run database: creating a run, checking a resume, and checkpoints.
//
// Every checkpoint is one transaction: progress, the engine's resume state (blobs), newly skipped
// inputs, provisional results and top images land together or not at all, so after kill -9 the
// database always describes one consistent point of the run.
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The writer of one run directory (holds its lock), or of one shard's file of a sharded run
/// (`RunStore+Shards.swift`: no lock, a rollback journal, one writer by construction).
final class RunStore: @unchecked Sendable {
    let directory: String
    let databasePath: String
    let pool: any DatabaseWriter
    private let lock: RunLock?
    /// For a shard's database: the `meta` writer this process wrote, checked by every write.
    var writer: String?

    /// What `open` found.
    enum Opened {
        /// A fresh database: call `initialize`.
        case new
        /// An unfinished run with the same configuration: resume from its progress.
        case resume(RunProgress)
    }

    init(directory: String, databasePath: String? = nil, pool: any DatabaseWriter, lock: RunLock?) {
        self.directory = directory
        self.databasePath = databasePath ?? (directory as NSString).appendingPathComponent(RunReader.databaseName)
        self.pool = pool
        self.lock = lock
    }

    /// Opens (creating when needed) the run directory for writing.
    /// - Throws: `RunError.locked`, `.finished`, `.configurationDiffers`, `.store`; `.input` when
    ///   one of the run's files is a symbolic link; `.damaged` or `.newerSchema` for a database
    ///   this version cannot resume (never wiped without `force`).
    static func open(directory: String, configuration: RunConfiguration, force: Bool) throws -> (RunStore, Opened) {
        // A file where the directory should be is not a permission or disk problem: say what it is.
        var info = stat()
        if stat(directory, &info) == 0, info.st_mode & S_IFMT != S_IFDIR {
            throw RunError.input(path: directory, reason: "is a file, not a directory",
                                 hint: "give --out a directory (a new one is created)")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RunError.store(path: directory, reason: "cannot create the run directory")
        }
        try RunDirectory.checkHoldsOnlyARun(directory, layers: configuration.layers)
        try RunDirectory.checkEntries(directory, layers: configuration.layers)
        let lock = try RunLock(directory: directory)
        let path = (directory as NSString).appendingPathComponent(RunReader.databaseName)
        if FileManager.default.fileExists(atPath: path) {
            if !force, let (stored, progress) = try existingRun(path: path) {
                if progress.status == .finished { throw RunError.finished(directory: directory) }
                if stored.unionRuleVersion != UnionRule.version { throw RunError.earlierUnionRule(directory: directory) }
                if stored.configuration != configuration {
                    throw RunError.configurationDiffers(directory: directory,
                                                        differences: stored.configuration.differences(from: configuration))
                }
                let pool = try makePool(path: path)
                return (RunStore(directory: directory, pool: pool, lock: lock), .resume(progress))
            }
            // Forced, or a database that never got past its creation: start over.
            try wipe(directory: directory)
        }
        let pool = try makePool(path: path)
        do { try RunSchema.migrator.migrate(pool) } catch {
            throw RunError.store(path: path, reason: "cannot create the run database (\(RunReader.describe(error)))")
        }
        return (RunStore(directory: directory, pool: pool, lock: lock), .new)
    }

    /// What a resume needs to know of the run already in a directory.
    private struct Stored {
        var configuration: RunConfiguration
        var unionRuleVersion: Int
    }

    /// The stored configuration, union rule version and progress of the run at `path`, or nil
    /// when its database never got past its creation (no tables, or no configuration yet: both
    /// are written in one transaction with the rest of a new run's rows).
    private static func existingRun(path: String) throws -> (Stored, RunProgress)? {
        var config = Configuration()
        config.readonly = true
        // A viewer may be opening the database at this moment (the explorer resuming a run reads
        // it while this writer starts): wait for its locks as the writer's pool does.
        config.busyMode = .timeout(10)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                let tables = try RunSchema.presentTables(db)
                if tables.isEmpty { return nil }
                if tables.contains("config"),
                   try Row.fetchOne(db, sql: "SELECT 1 FROM config WHERE key = 'json'") == nil { return nil }
                try RunSchema.check(db, path: path)
                return (Stored(configuration: try RunReader.configuration(db, path: path),
                               unionRuleVersion: try RunSchema.unionRuleVersion(db, path: path)),
                        try RunReader.progress(db, path: path))
            }
        } catch {
            throw RunError.database(error, path: path)
        }
    }

    private static func makePool(path: String) throws -> DatabasePool {
        var config = Configuration()
        config.busyMode = .timeout(10)
        // A page cache of up to 32 MB (SQLite's default is 2 MB): a run's database is a few MB
        // (top-image maps, sums), and its last commits rewrite much of it.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768") }
        do { return try DatabasePool(path: path, configuration: config) } catch {
            throw RunError.store(path: path, reason: "cannot open the run database (\(RunReader.describe(error)))")
        }
    }

    /// Removes a previous run's files (database, caches, tally.csv files), keeping the lock. Only
    /// the run's own entries are removed, and no symbolic link is followed: a layer folder loses
    /// its tally.csv and goes only when that leaves it empty.
    private static func wipe(directory: String) throws {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] where name != "run.lock" {
            let full = (directory as NSString).appendingPathComponent(name)
            guard let kind = RunDirectory.fileKind(full) else { continue }
            if name.hasPrefix(RunReader.databaseName) && kind == S_IFREG {
                unlink(full)
            } else if [ActivationCache.directoryName, ShardFiles.directoryName, LabelRunFile.folder].contains(name) && kind == S_IFDIR {
                try? fm.removeItem(atPath: full)
            } else if kind == S_IFDIR {
                unlink((full as NSString).appendingPathComponent("tally.csv"))
                rmdir(full)  // only succeeds when now empty
            }
        }
    }

    /// Runs `body` in one write transaction (`RunStore+Transaction.swift`): everything it writes
    /// lands together or not at all. Database errors become `RunError.store`.
    func write(_ body: (Transaction) throws -> Void) throws {
        do {
            try pool.write { db in
                try checkWriter(db)
                try body(Transaction(db: db))
            }
        } catch let error as RunError {
            throw error
        } catch {
            throw RunError.database(error, path: databasePath)
        }
    }

    /// Reads with the writer's pool.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch { throw RunError.database(error, path: databasePath) }
    }

    /// Releases the lock and closes the database.
    func close() {
        try? pool.close()
        lock?.release()
    }

    // MARK: Writing

    static func now() -> String { UTCTimestamp.now() }

    /// Writes a new run's configuration, catalog, image list, layers and initial progress.
    /// A shard's database holds the paths of its images only, from `firstImage` on.
    func initialize(configuration: RunConfiguration, catalog: ConceptCatalog, passes: Int, imagePaths: [String],
                    firstImage: Int = 0, layers: [(name: String, units: Int, height: Int, width: Int)]) throws {
        try write { transaction in
            let db = transaction.db
            try db.execute(sql: """
                INSERT INTO meta (key, value) VALUES ('schema_version', ?), ('created_at', ?), ('generator', 'netdissect'),
                    ('\(RunSchema.unionRuleKey)', ?)
                """, arguments: [RunSchema.version, Self.now(), UnionRule.version])
            try db.execute(sql: "INSERT INTO config (key, value) VALUES ('json', ?)", arguments: [configuration.canonicalJSON])
            let object = (try? JSONSerialization.jsonObject(with: Data(configuration.canonicalJSON.utf8))) as? [String: Any] ?? [:]
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                let text: String
                if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
                    text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                } else { text = "\(value)" }
                try db.execute(sql: "INSERT INTO config (key, value) VALUES (?, ?)", arguments: [key, text])
            }
            for (i, c) in catalog.categories.enumerated() {
                try db.execute(sql: "INSERT INTO categories (id, name, kind) VALUES (?, ?, ?)", arguments: [i, c.name, c.kind.rawValue])
            }
            for l in catalog.labels {
                try db.execute(sql: "INSERT INTO labels (id, name, category) VALUES (?, ?, ?)", arguments: [l.id, l.name, l.category])
            }
            let insertImage = try db.makeStatement(sql: "INSERT INTO images (id, path) VALUES (?, ?)")
            for (i, p) in imagePaths.enumerated() { try insertImage.execute(arguments: [firstImage + i, p]) }
            for (position, layer) in layers.enumerated() {
                try db.execute(sql: "INSERT INTO layers (name, position, units, height, width) VALUES (?, ?, ?, ?, ?)",
                               arguments: [layer.name, position, layer.units, layer.height, layer.width])
                let insertUnit = try db.makeStatement(sql: "INSERT INTO units (layer, unit) VALUES (?, ?)")
                for u in 0..<layer.units { try insertUnit.execute(arguments: [layer.name, u]) }
            }
            let t = Self.now()
            try db.execute(sql: """
                INSERT INTO progress (id, status, pass, pass_name, passes, images_done, images_total, images_skipped,
                                      started_at, updated_at) VALUES (1, 'running', 1, 'thresholds', ?, 0, ?, 0, ?, ?)
                """, arguments: [passes, imagePaths.count, t, t])
        }
    }

    // MARK: Reading back

    func progress() throws -> RunProgress {
        try read { db in try RunReader.progress(db, path: databasePath) }
    }

    /// Whether the run keeps its activations in the on-disk cache between passes (decided when
    /// it was created, `Transaction.setActivationCache`).
    func usesActivationCache() throws -> Bool {
        try read { db in try RunReader.meta(db, key: Self.activationCacheKey, path: databasePath) } == "yes"
    }

    func blob(layer: String, kind: String) throws -> [UInt8]? {
        try read { db in try RunReader.checkpoint(db, layer: layer, kind: kind, path: databasePath) }
    }

    func skippedIndices() throws -> Set<Int> {
        try read { db in Set(try RunReader.skipped(db, path: databasePath).map(\.image)) }
    }

    /// The `meta` key prefix of a layer's non-finite counts.
    static let nonFiniteKeyPrefix = "nonfinite:"

    /// The `meta` key of the activation cache flag.
    static let activationCacheKey = "activation_cache"
}

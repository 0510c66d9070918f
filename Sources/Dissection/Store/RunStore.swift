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

/// The writer of one run directory (holds its lock).
final class RunStore: @unchecked Sendable {
    let directory: String
    let databasePath: String
    let pool: DatabasePool
    private let lock: RunLock

    /// What `open` found.
    enum Opened {
        /// A fresh database: call `initialize`.
        case new
        /// An unfinished run with the same configuration: resume from its progress.
        case resume(RunProgress)
    }

    private init(directory: String, pool: DatabasePool, lock: RunLock) {
        self.directory = directory
        self.databasePath = (directory as NSString).appendingPathComponent(RunReader.databaseName)
        self.pool = pool
        self.lock = lock
    }

    /// Opens (creating when needed) the run directory for writing.
    /// - Throws: `RunError.locked`, `.finished`, `.configurationDiffers`, `.store`; `.input` when
    ///   one of the run's files is a symbolic link; `.damaged` or `.newerSchema` for a database
    ///   this version cannot resume (never wiped without `force`).
    static func open(directory: String, configuration: RunConfiguration, force: Bool) throws -> (RunStore, Opened) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RunError.store(path: directory, reason: "cannot create the run directory")
        }
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
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        do { return try DatabasePool(path: path, configuration: config) } catch {
            throw RunError.store(path: path, reason: "cannot open the run database (\(RunReader.describe(error)))")
        }
    }

    /// Removes a previous run's files (database, cache, tally.csv files), keeping the lock. Only
    /// the run's own entries are removed, and no symbolic link is followed: a layer folder loses
    /// its tally.csv and goes only when that leaves it empty.
    private static func wipe(directory: String) throws {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] where name != "run.lock" {
            let full = (directory as NSString).appendingPathComponent(name)
            guard let kind = RunDirectory.fileKind(full) else { continue }
            if name.hasPrefix(RunReader.databaseName) && kind == S_IFREG {
                unlink(full)
            } else if name == ActivationCache.directoryName && kind == S_IFDIR {
                try? fm.removeItem(atPath: full)
            } else if kind == S_IFDIR {
                unlink((full as NSString).appendingPathComponent("tally.csv"))
                rmdir(full)  // only succeeds when now empty
            }
        }
    }

    /// Runs `body` in one write transaction, turning database errors into `RunError.store`.
    func write(_ body: (Database) throws -> Void) throws {
        do { try pool.write(body) } catch { throw RunError.database(error, path: databasePath) }
    }

    /// Reads with the writer's pool.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch { throw RunError.database(error, path: databasePath) }
    }

    /// Releases the lock and closes the database.
    func close() {
        try? pool.close()
        lock.release()
    }

    // MARK: Writing

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    /// Writes a new run's configuration, catalog, image list, layers and initial progress.
    func initialize(configuration: RunConfiguration, catalog: ConceptCatalog, passes: Int, imagePaths: [String],
                    layers: [(name: String, units: Int, height: Int, width: Int)]) throws {
        try write { db in
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
            for (i, p) in imagePaths.enumerated() { try insertImage.execute(arguments: [i, p]) }
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

    /// Updates the progress row.
    static func setProgress(_ db: Database, _ p: RunProgress) throws {
        try db.execute(sql: """
            UPDATE progress SET status = ?, pass = ?, pass_name = ?, passes = ?, images_done = ?, images_total = ?,
                images_skipped = ?, rate = ?, eta_seconds = ?, updated_at = ?, finished_at = ?, message = ? WHERE id = 1
            """, arguments: [p.status.rawValue, p.pass, p.passName, p.passes, p.imagesDone, p.imagesTotal,
                             p.imagesSkipped, p.rate, p.etaSeconds, p.updatedAt, p.finishedAt, p.message])
    }

    /// Stores a resume blob.
    static func setBlob(_ db: Database, layer: String, kind: String, _ bytes: [UInt8]) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO checkpoints (layer, kind, data) VALUES (?, ?, ?)",
                       arguments: [layer, kind, Data(bytes)])
    }

    /// Removes a resume blob.
    static func removeBlob(_ db: Database, layer: String, kind: String) throws {
        try db.execute(sql: "DELETE FROM checkpoints WHERE layer = ? AND kind = ?", arguments: [layer, kind])
    }

    /// A resume blob.
    func blob(layer: String, kind: String) throws -> [UInt8]? {
        try read { db in try RunReader.checkpoint(db, layer: layer, kind: kind, path: databasePath) }
    }

    /// Records skipped inputs (an image already recorded keeps its first reason).
    static func addSkipped(_ db: Database, _ items: [SkippedInput]) throws {
        for s in items {
            try db.execute(sql: "INSERT OR IGNORE INTO skipped (image, path, reason, pass) VALUES (?, ?, ?, ?)",
                           arguments: [s.image, s.path, s.reason, s.pass])
        }
    }

    /// The skipped image indices.
    func skippedIndices() throws -> Set<Int> {
        try read { db in Set(try RunReader.skipped(db, path: databasePath).map(\.image)) }
    }

    /// Replaces a layer's top images.
    static func setTopImages(_ db: Database, layer: String, _ top: TopImages, height: Int, width: Int) throws {
        try db.execute(sql: "DELETE FROM top_images WHERE layer = ?", arguments: [layer])
        let insert = try db.makeStatement(sql: """
            INSERT INTO top_images (layer, unit, rank, image, max_activation, map_height, map_width, map)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (u, list) in top.entries.enumerated() {
            for (rank, e) in list.enumerated() {
                try insert.execute(arguments: [layer, u, rank, e.image, Double(e.maximum), height, width, Data(floatBlob(e.map))])
            }
        }
    }

    /// Writes thresholds.
    static func setThresholds(_ db: Database, layer: String, _ thresholds: [Float]) throws {
        let update = try db.makeStatement(sql: "UPDATE units SET threshold = ? WHERE layer = ? AND unit = ?")
        for (u, t) in thresholds.enumerated() {
            try update.execute(arguments: [t.isFinite ? Double(t) : nil, layer, u])
        }
    }

    /// Writes per-unit results (provisional or final).
    static func setScores(_ db: Database, layer: String, _ scores: [UnitScore], final: Bool) throws {
        let update = try db.makeStatement(sql: """
            UPDATE units SET label = ?, category = ?, iou = ?, detector = ?, final = ? WHERE layer = ? AND unit = ?
            """)
        let perCategory = try db.makeStatement(sql: """
            INSERT OR REPLACE INTO unit_categories (layer, unit, category, label, iou, truth, activation, intersection)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for s in scores {
            try update.execute(arguments: [s.label, s.category, s.iou, s.isDetector, final, layer, s.unit])
            for c in s.perCategory {
                try perCategory.execute(arguments: [layer, s.unit, c.category, c.label, c.iou,
                                                    Int64(clamping: c.truth), Int64(clamping: c.activation), Int64(clamping: c.intersect)])
            }
        }
    }

    /// Writes a finished layer's sums as rows (non-zero intersections only) and its summary.
    static func finishLayer(_ db: Database, layer: String, tally: LayerTally, catalog: ConceptCatalog, uniqueDetectors: Int) throws {
        try db.execute(sql: "DELETE FROM intersections WHERE layer = ?", arguments: [layer])
        try db.execute(sql: "DELETE FROM label_truth WHERE layer = ?", arguments: [layer])
        try db.execute(sql: "DELETE FROM unit_unions WHERE layer = ?", arguments: [layer])
        let inter = try db.makeStatement(sql: "INSERT INTO intersections (layer, unit, label, intersection) VALUES (?, ?, ?, ?)")
        for u in 0..<tally.units {
            for l in catalog.labels where l.id < tally.labelSlots {
                let v = tally.intersection(unit: u, label: l.id)
                if v > 0 { try inter.execute(arguments: [layer, u, l.id, Int64(clamping: v)]) }
            }
        }
        let truth = try db.makeStatement(sql: "INSERT INTO label_truth (layer, label, truth) VALUES (?, ?, ?)")
        for l in catalog.labels where l.id < tally.labelSlots {
            try truth.execute(arguments: [layer, l.id, Int64(clamping: tally.truth[l.id])])
        }
        let unions = try db.makeStatement(sql: "INSERT INTO unit_unions (layer, unit, category, activation) VALUES (?, ?, ?, ?)")
        for u in 0..<tally.units {
            for c in 0..<tally.categoryCount {
                try unions.execute(arguments: [layer, u, c, Int64(clamping: tally.union(unit: u, category: c))])
            }
        }
        try db.execute(sql: "UPDATE layers SET finished = 1, unique_detectors = ? WHERE name = ?", arguments: [uniqueDetectors, layer])
    }
}

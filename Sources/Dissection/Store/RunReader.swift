// Read-only access to a run directory, for viewers, exporters and the explorer.
//
// The database is in WAL mode: a reader sees the last committed checkpoint and never blocks the
// writer, so a run can be followed while it works. Every call reads one consistent snapshot.
// Rows become records in RunRecords+Decoding.swift, which checks every value they hold.
import Foundation
import GRDB
import Render

/// Reads a run directory (`run.sqlite`), finished or in progress.
public final class RunReader: Sendable {
    public let directory: String
    public let databasePath: String
    private let pool: any DatabaseReader

    /// File name of the database inside a run directory.
    public static let databaseName = "run.sqlite"

    /// Opens `path`: a run directory or its `run.sqlite`.
    /// - Throws: `RunError.input` when there is no run there, `.newerSchema` when a newer netdissect
    ///   wrote it, `.damaged` when a table is missing, `.store` when it cannot be read.
    public static func open(_ path: String) throws -> RunReader {
        try RunReader(path: path)
    }

    /// Opens a shard's database (`RUN/shards/pass<P>-<K>of<N>.sqlite`, rollback journal) once
    /// its task has ended.
    static func openShard(_ path: String) throws -> RunReader {
        try RunReader(path: path, rollbackJournal: true)
    }

    private init(path: String, rollbackJournal: Bool = false) throws {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue {
            directory = path
            databasePath = (path as NSString).appendingPathComponent(Self.databaseName)
        } else {
            directory = (path as NSString).deletingLastPathComponent
            databasePath = path
        }
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw RunError.input(path: databasePath, reason: "no run here (run.sqlite is missing)",
                                 hint: "give a directory that `netdissect dissect --out` wrote")
        }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(5)
        let pool: any DatabaseReader
        do {
            pool = rollbackJournal ? try DatabaseQueue(path: databasePath, configuration: config)
                                   : try DatabasePool(path: databasePath, configuration: config)
        } catch {
            throw RunError.input(path: databasePath, reason: "not a netdissect run database (\(Self.describe(error)))",
                                 hint: "give a directory that `netdissect dissect --out` wrote")
        }
        self.pool = pool
        do { try pool.read { db in try RunSchema.check(db, path: databasePath) } } catch let e as DatabaseError where e.resultCode == .SQLITE_NOTADB {
            throw RunError.input(path: databasePath, reason: "not a netdissect run database (\(Self.describe(e)))",
                                 hint: "give a directory that `netdissect dissect --out` wrote")
        } catch {
            throw RunError.database(error, path: databasePath)
        }
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return "\(error)"
    }

    /// Reads one snapshot; a damaged database (a missing table, a malformed file) says so.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch {
            throw RunError.database(error, path: databasePath)
        }
    }

    /// A `meta` value, or nil when absent.
    func meta(_ key: String) throws -> String? {
        try read { db in try Self.meta(db, key: key, path: databasePath) }
    }

    /// A checkpoint blob, or nil when there is none.
    func blob(layer: String, kind: String) throws -> [UInt8]? {
        try read { db in try Self.checkpoint(db, layer: layer, kind: kind, path: databasePath) }
    }

    /// The number of shards the run was prepared for, nil for a run of one process.
    public func shardCount() throws -> Int? {
        guard let text = try meta(RunStore.shardsKey) else { return nil }
        return try RunStore.parseShardCount(text, path: databasePath)
    }

    /// The run's settings.
    public func configuration() throws -> RunConfiguration {
        try read { db in try Self.configuration(db, path: databasePath) }
    }

    /// Status, pass, images done, rate and ETA as of the last checkpoint.
    public func progress() throws -> RunProgress {
        try read { db in try Self.progress(db, path: databasePath) }
    }

    /// Whether `progress` says running or paused while no process holds the run's lock: its
    /// writer was killed or crashed, and the same command continues the run from its last
    /// checkpoint. Asks the lock without taking it. Never for a sharded run: its writers are its
    /// shards' tasks, which hold no lock (their status files say how they are: `ShardedProgress`).
    public func writerIsGone(_ progress: RunProgress) -> Bool {
        (progress.status == .running || progress.status == .paused) && !RunLock.isHeld(directory: directory)
            && (try? shardCount()) == nil
    }

    /// The layers, in command-line order.
    public func layers() throws -> [RunLayer] {
        try read { db in try Self.layers(db, path: databasePath) }
    }

    /// The scored categories, in order (ids are positions).
    public func categories() throws -> [ConceptCategory] {
        try read { db in try Self.categories(db, path: databasePath) }
    }

    /// The scored labels, ascending by id, each with its primary category.
    public func labels() throws -> [ConceptLabel] {
        try read { db in try Self.labels(db, categoryCount: try Self.categories(db, path: databasePath).count, path: databasePath) }
    }

    /// The catalog (categories and labels) the run scores.
    public func catalog() throws -> ConceptCatalog {
        try read { db in try Self.catalog(db, path: databasePath) }
    }

    static func catalog(_ db: Database, path: String) throws -> ConceptCatalog {
        let categories = try categories(db, path: path)
        return ConceptCatalog(categories: categories, labels: try labels(db, categoryCount: categories.count, path: path))
    }

    /// Every unit's current result in `layer`, ordered by unit.
    public func units(layer: String) throws -> [UnitResult] {
        try read { db in try Self.units(db, layer: layer, unit: nil, path: databasePath) }
    }

    /// One unit's current result.
    public func unit(layer: String, unit: Int) throws -> UnitResult? {
        try read { db in try Self.units(db, layer: layer, unit: unit, path: databasePath).first }
    }

    static func units(_ db: Database, layer name: String, unit: Int?, path: String) throws -> [UnitResult] {
        guard let layer = try layer(db, named: name, path: path) else { return [] }
        let categories = try categories(db, path: path)
        var labelNames: [Int: String] = [:]
        for l in try labels(db, categoryCount: categories.count, path: path) { labelNames[l.id] = l.name }
        return try units(db, layer: layer, unit: unit, categories: categories.map(\.name), labelNames: labelNames, path: path)
    }

    /// A unit's top images, best first, each with the raw activation map and the threshold.
    public func topImages(layer name: String, unit: Int) throws -> [TopImage] {
        try read { db in
            guard let layer = try Self.layer(db, named: name, path: databasePath) else { return [] }
            let threshold = try Self.units(db, layer: name, unit: unit, path: databasePath).first?.threshold
            return try Self.topImages(db, layer: layer, unit: unit, threshold: threshold, path: databasePath)
        }
    }

    /// Inputs left out, by image index.
    public func skipped() throws -> [SkippedInput] {
        try read { db in try Self.skipped(db, path: databasePath) }
    }

    /// The path (relative to the dataset's `images/`) of image `index`.
    public func imagePath(_ index: Int) throws -> String? {
        try read { db in
            try Self.rows(db, "images", "SELECT rowid AS _row, path FROM images WHERE id = ?", [index], path: databasePath)
                .first?.text("path")
        }
    }

    /// The layer's tally (the sums of docs/method.md#tally) as of the last checkpoint of the
    /// tally pass, or nil before it starts; its slots are `catalog()`'s labels.
    public func tally(layer name: String) throws -> LayerTally? {
        try read { db in
            guard let layer = try Self.layer(db, named: name, path: databasePath) else { return nil }
            return try Self.tally(db, layer: layer, catalog: try Self.catalog(db, path: databasePath), path: databasePath)
        }
    }

    /// The IoU matrix of `layer`: `units x labels.count` row-major, column k = label `labelIDs[k]`.
    public func iouMatrix(layer: String) throws -> (units: Int, labelIDs: [Int], values: [Double])? {
        let catalog = try catalog()
        guard let t = try tally(layer: layer) else { return nil }
        return (t.units, catalog.labels.map(\.id), Scoring.iouMatrix(t, catalog: catalog))
    }
}

// Read-only access to a run directory, for viewers, exporters and the explorer.
//
// The database is in WAL mode: a reader sees the last committed checkpoint and never blocks the
// writer, so a run can be followed while it works. Every call reads one consistent snapshot.
import Foundation
import GRDB

/// Reads a run directory (`run.sqlite`), finished or in progress.
public final class RunReader: Sendable {
    /// The run directory.
    public let directory: String
    /// The database file.
    public let databasePath: String
    private let pool: DatabasePool

    /// File name of the database inside a run directory.
    public static let databaseName = "run.sqlite"

    /// Opens `path`: a run directory or its `run.sqlite`.
    /// - Throws: `RunError.input` when there is no run there, `RunError.store` when it cannot be read.
    public static func open(_ path: String) throws -> RunReader {
        try RunReader(path: path)
    }

    private init(path: String) throws {
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
        do {
            pool = try DatabasePool(path: databasePath, configuration: config)
            _ = try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM progress") }
        } catch {
            throw RunError.input(path: databasePath, reason: "not a netdissect run database (\(Self.describe(error)))",
                                 hint: "give a directory that `netdissect dissect --out` wrote")
        }
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return "\(error)"
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch let e as RunError { throw e } catch {
            throw RunError.store(path: databasePath, reason: Self.describe(error))
        }
    }

    /// The run's settings.
    public func configuration() throws -> RunConfiguration {
        try read { db in
            guard let json = try String.fetchOne(db, sql: "SELECT value FROM config WHERE key = 'json'"),
                  let c = try? JSONDecoder().decode(RunConfiguration.self, from: Data(json.utf8)) else {
                throw RunError.corruptState(path: databasePath, reason: "the stored configuration is unreadable")
            }
            return c
        }
    }

    /// Status, pass, images done, rate and ETA as of the last checkpoint.
    public func progress() throws -> RunProgress {
        try read { db in try Self.progress(db, path: databasePath) }
    }

    static func progress(_ db: Database, path: String) throws -> RunProgress {
        guard let r = try Row.fetchOne(db, sql: "SELECT * FROM progress WHERE id = 1") else {
            throw RunError.corruptState(path: path, reason: "the progress row is missing")
        }
        return RunProgress(status: RunStatus(rawValue: r["status"]) ?? .failed, pass: r["pass"],
                           passName: r["pass_name"], passes: r["passes"], imagesDone: r["images_done"],
                           imagesTotal: r["images_total"], imagesSkipped: r["images_skipped"], rate: r["rate"],
                           etaSeconds: r["eta_seconds"], startedAt: r["started_at"], updatedAt: r["updated_at"],
                           finishedAt: r["finished_at"], message: r["message"])
    }

    /// The layers, in command-line order.
    public func layers() throws -> [RunLayer] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM layers ORDER BY position").map {
                RunLayer(name: $0["name"], units: $0["units"], height: $0["height"], width: $0["width"],
                          finished: $0["finished"] as Bool, uniqueDetectors: $0["unique_detectors"])
            }
        }
    }

    /// The scored categories, in order (ids are positions).
    public func categories() throws -> [ConceptCategory] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, kind FROM categories ORDER BY id").map {
                ConceptCategory(name: $0["name"], kind: ConceptKind(rawValue: $0["kind"]) ?? .pixel)
            }
        }
    }

    /// The scored labels, ascending by id, each with its primary category.
    public func labels() throws -> [ConceptLabel] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, category FROM labels ORDER BY id").map {
                ConceptLabel(id: $0["id"], name: $0["name"], category: $0["category"])
            }
        }
    }

    /// The catalog (categories and labels) the run scores.
    public func catalog() throws -> ConceptCatalog {
        ConceptCatalog(categories: try categories(), labels: try labels())
    }

    /// Every unit's current result in `layer`, ordered by unit.
    public func units(layer: String) throws -> [UnitResult] {
        try read { db in try Self.units(db, layer: layer, unit: nil) }
    }

    /// One unit's current result.
    public func unit(layer: String, unit: Int) throws -> UnitResult? {
        try read { db in try Self.units(db, layer: layer, unit: unit).first }
    }

    static func units(_ db: Database, layer: String, unit: Int?) throws -> [UnitResult] {
        let categoryNames = try String.fetchAll(db, sql: "SELECT name FROM categories ORDER BY id")
        var labelNames: [Int: String] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT id, name FROM labels") { labelNames[r["id"]] = r["name"] }
        func categoryName(_ c: Int?) -> String { c.flatMap { categoryNames.indices.contains($0) ? categoryNames[$0] : nil } ?? "" }
        let filter = unit == nil ? "" : " AND unit = ?"
        let args: StatementArguments = unit == nil ? [layer] : [layer, unit!]
        var per: [Int: [CategoryResult]] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT * FROM unit_categories WHERE layer = ?\(filter) ORDER BY unit, category", arguments: args) {
            let label: Int = r["label"] ?? 0
            per[r["unit"], default: []].append(CategoryResult(
                category: r["category"], categoryName: categoryName(r["category"]), label: label,
                labelName: labelNames[label] ?? "", iou: r["iou"], truth: r["truth"],
                activation: r["activation"], intersect: r["intersection"]))
        }
        return try Row.fetchAll(db, sql: "SELECT * FROM units WHERE layer = ?\(filter) ORDER BY unit", arguments: args).map { r in
            let u: Int = r["unit"]
            let label: Int = r["label"] ?? 0
            let threshold: Double? = r["threshold"]
            return UnitResult(layer: layer, unit: u, threshold: threshold.map { Float($0) }, label: label,
                              labelName: labelNames[label] ?? "", category: r["category"] ?? -1,
                              categoryName: categoryName(r["category"]), iou: r["iou"] ?? 0,
                              isDetector: r["detector"] as Bool, isFinal: r["final"] as Bool,
                              perCategory: per[u] ?? [])
        }
    }

    /// A unit's top images, best first, each with the raw activation map and the threshold.
    public func topImages(layer: String, unit: Int) throws -> [TopImage] {
        try read { db in
            let threshold = try Double.fetchOne(db, sql: "SELECT threshold FROM units WHERE layer = ? AND unit = ?",
                                                arguments: [layer, unit])
            return try Row.fetchAll(db, sql: """
                SELECT t.*, i.path FROM top_images t LEFT JOIN images i ON i.id = t.image
                WHERE t.layer = ? AND t.unit = ? ORDER BY t.rank
                """, arguments: [layer, unit]).compactMap { r in
                let h: Int = r["map_height"], w: Int = r["map_width"]
                let blob: Data = r["map"]
                guard let map = floatsFromBlob([UInt8](blob)), map.count == h * w else { return nil }
                return TopImage(layer: layer, unit: unit, rank: r["rank"], image: r["image"], path: r["path"] ?? "",
                                maximum: Float(r["max_activation"] as Double), mapHeight: h, mapWidth: w, map: map,
                                threshold: threshold.map { Float($0) })
            }
        }
    }

    /// Inputs left out, by image index.
    public func skipped() throws -> [SkippedInput] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM skipped ORDER BY image").map {
                SkippedInput(image: $0["image"], path: $0["path"], reason: $0["reason"], pass: $0["pass"])
            }
        }
    }

    /// The path (relative to the dataset's `images/`) of image `index`.
    public func imagePath(_ index: Int) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT path FROM images WHERE id = ?", arguments: [index]) }
    }

    /// The layer's tally (the sums of dissection.md section 4) as of the last checkpoint of the
    /// tally pass, or nil before it starts.
    public func tally(layer: String) throws -> LayerTally? {
        try read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT data FROM checkpoints WHERE layer = ? AND kind = 'tally'",
                                               arguments: [layer]) else { return nil }
            guard let t = LayerTally(serialized: [UInt8](data)) else {
                throw RunError.corruptState(path: databasePath, reason: "the tally of layer \(layer) is unreadable")
            }
            return t
        }
    }

    /// The full IoU matrix of `layer`: `units x (maxLabelID + 1)` row-major, column = label id.
    public func iouMatrix(layer: String) throws -> (units: Int, labels: Int, values: [Double])? {
        guard let t = try tally(layer: layer) else { return nil }
        return (t.units, t.labelSlots, Scoring.iouMatrix(t, catalog: try catalog()))
    }
}

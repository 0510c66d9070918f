// The `explanations` table: `netdissect explain`'s writer, and its reader for every viewer.
//
// One row per (layer, unit, search, length): the best formula of at most `length` labels, with
// its tree (JSON, label ids), IoU and counts. A unit is done for a setting when it has its rows
// for every length 1...n with the same beam and min-pixels; `explain` writes each batch of units
// in one transaction, so a stopped explain continues with the units not done. Rows read back are
// checked as every other table's are (StoredRow): the tree must parse to a formula of known
// labels no longer than its row's length, and the counts must agree with each other and the IoU.
import Foundation
import GRDB

/// Writes explanations into a finished run (holds the run's lock).
public final class ExplanationStore: @unchecked Sendable {
    public let directory: String
    let databasePath: String
    private let pool: DatabasePool
    private let lock: RunLock

    /// Opens the finished run in `directory` for explanations (adding the table when missing).
    /// - Throws: `RunError` (one line): no run, an unfinished run, a locked run, a damaged database.
    public static func open(directory: String) throws -> ExplanationStore {
        let reader = try RunReader.open(directory)
        let progress = try reader.progress()
        guard progress.status == .finished else {
            throw RunError.input(path: reader.databasePath, reason: "the run is not finished (\(progress.status.rawValue))",
                                 hint: "finish it with netdissect dissect first; explain needs every unit's threshold")
        }
        let lock = try RunLock(directory: reader.directory)
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: reader.databasePath, configuration: config)
            try RunSchema.migrator.migrate(pool)
        } catch {
            throw RunError.store(path: reader.databasePath, reason: "cannot add the explanations table (\(RunReader.describe(error)))")
        }
        return ExplanationStore(directory: reader.directory, databasePath: reader.databasePath, pool: pool, lock: lock)
    }

    private init(directory: String, databasePath: String, pool: DatabasePool, lock: RunLock) {
        self.directory = directory
        self.databasePath = databasePath
        self.pool = pool
        self.lock = lock
    }

    /// The units of `layer` already explained with `settings` (every length 1...maxLength).
    public func doneUnits(layer: String, settings: ExplainSettings) throws -> Set<Int> {
        do {
            return try pool.read { db in
                Set(try Int.fetchAll(db, sql: """
                    SELECT unit FROM explanations WHERE layer = ? AND search = ? AND beam IS ? AND min_pixels = ?
                    AND length BETWEEN 1 AND ? GROUP BY unit HAVING COUNT(*) = ?
                    """, arguments: [layer, settings.search.rawValue, Self.beamColumn(settings), settings.minPixels,
                                     settings.maxLength, settings.maxLength]))
            }
        } catch {
            throw RunError.database(error, path: databasePath)
        }
    }

    /// Replaces the rows of the units in `explanations` (for their layer and search) in one transaction.
    public func write(_ explanations: [UnitExplanation], settings: ExplainSettings, name: (Int32) -> String) throws {
        do {
            try pool.write { db in
                for unit in Set(explanations.map { UnitKey(layer: $0.layer, unit: $0.unit) }) {
                    try db.execute(sql: "DELETE FROM explanations WHERE layer = ? AND unit = ? AND search = ?",
                                   arguments: [unit.layer, unit.unit, settings.search.rawValue])
                }
                for e in explanations {
                    try db.execute(sql: """
                        INSERT INTO explanations (layer, unit, search, length, beam, min_pixels, formula, tree, iou,
                            intersection, formula_pixels, unit_pixels) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [e.layer, e.unit, e.search.rawValue, e.length, Self.beamColumn(settings), settings.minPixels,
                                         e.score.map { $0.formula.text(name) }, e.score?.formula.tree, e.score?.iou ?? 0,
                                         e.score?.intersection ?? 0, e.score?.pixels ?? 0, e.unitPixels])
                }
            }
        } catch {
            throw RunError.store(path: databasePath, reason: "cannot write explanations (\(RunReader.describe(error)))")
        }
    }

    /// Releases the run's lock (also on deinit).
    public func close() {
        try? pool.close()
        lock.release()
    }

    private static func beamColumn(_ s: ExplainSettings) -> Int? { s.search == .beam ? s.beam : nil }

    private struct UnitKey: Hashable { var layer: String; var unit: Int }
}

/// One stored explanation as viewers read it.
public struct StoredExplanation: Sendable, Equatable {
    public var layer: String
    public var unit: Int
    public var search: ExplainSearch
    public var length: Int
    /// Beam width (beam search only) and the candidates' minimum pixels.
    public var beam: Int?, minPixels: Int
    /// nil when the unit has no explanation (its mask meets no candidate label).
    public var formula: Formula?
    public var iou: Double
    public var intersection: Int, formulaPixels: Int, unitPixels: Int
}

/// Lengths of formulas a run can hold.
enum ExplanationLimits {
    static let maxLength = 64
    static let maxBeam = 1 << 20
}

extension RunReader {
    /// The stored explanations of `layer` (all when nil), ordered by layer, unit, search, length;
    /// empty when the run has none.
    /// - Throws: `RunError.damaged` naming the table, row and column of a bad value.
    public func explanations(layer: String? = nil) throws -> [StoredExplanation] {
        try read { db in
            guard try RunSchema.presentTables(db).contains("explanations") else { return [] }
            let runLabels = try Self.labels(db, categoryCount: try Self.categories(db, path: databasePath).count,
                                            path: databasePath)
            let maxLabel = runLabels.last?.id ?? 0
            let labelIDs = Set(runLabels.map { Int32($0.id) })
            let layerNames = Set(try Self.layers(db, path: databasePath).map(\.name))
            let sql = "SELECT rowid AS _row, * FROM explanations" + (layer == nil ? "" : " WHERE layer = ?")
                + " ORDER BY layer, unit, search, length"
            return try Self.rows(db, "explanations", sql, layer.map { [$0] } ?? [], path: databasePath).map { r in
                let name = try r.text("layer")
                guard layerNames.contains(name) else { throw r.damaged("layer", "\(StoredRow.shown(name)) is not a layer of the run") }
                let searchText = try r.text("search")
                guard let search = ExplainSearch(rawValue: searchText) else {
                    throw r.damaged("search", "\(StoredRow.shown(searchText)) is not a search (optimal or beam)")
                }
                let length = try r.int("length", in: 1...ExplanationLimits.maxLength, "a formula length (1 to \(ExplanationLimits.maxLength))")
                let unitPixels = try r.int("unit_pixels", in: 0...Int(Int64.max / 4), "a pixel count")
                let intersection = try r.int("intersection", in: 0...unitPixels, "an intersection (0 to the unit's \(unitPixels) pixels)")
                let formulaPixels = try r.int("formula_pixels", in: intersection...Int(Int64.max / 4), "a formula's pixel count (at least its intersection)")
                var formula: Formula?
                if let tree = try r.optionalText("tree") {
                    guard let f = Formula(tree: tree, maxLabel: maxLabel, maxLength: length),
                          f.labels.allSatisfy(labelIDs.contains) else {
                        throw r.damaged("tree", "not a formula of at most \(length) labels of the run")
                    }
                    formula = f
                }
                let iou = try r.real("iou", in: 0...1, "an IoU (0 to 1)")
                let union = formulaPixels + unitPixels - intersection
                let expected = union == 0 ? 0 : Double(intersection) / Double(union)
                guard abs(iou - expected) <= 1e-9 else {
                    throw r.damaged("iou", "\(iou) does not follow from the row's counts (\(expected))")
                }
                return StoredExplanation(layer: name, unit: try r.int("unit", in: 0...(StoredLimits.maxUnits - 1), "a unit index"),
                                         search: search, length: length,
                                         beam: try r.optionalInt("beam", in: 1...ExplanationLimits.maxBeam, "a beam width"),
                                         minPixels: try r.int("min_pixels", in: 0...Int(Int64.max / 4), "a pixel count"),
                                         formula: formula, iou: iou, intersection: intersection,
                                         formulaPixels: formulaPixels, unitPixels: unitPixels)
            }
        }
    }
}

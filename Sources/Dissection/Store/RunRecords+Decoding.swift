// Decoding run-database rows into RunReader's records: the one place where every value read from
// a run is checked, through StoredRow, against what `dissect` can have written. The writer and
// every reader (summary, unit, report, export, explore, compare, resume) go through here, so a
// damaged or crafted run.sqlite gives one line naming the table, the row and the column, never a
// trap further on.
import Foundation
import GRDB

/// The largest values a run can hold; anything beyond is damage.
enum StoredLimits {
    /// Label ids: `label.csv` rows above what a segmentation encodes are left out of every run.
    static let maxLabelID = LabelMap.maxLabel
    /// Units of a layer (as a tally checkpoint restores).
    static let maxUnits = 1 << 24
    /// Categories of a run (as a tally checkpoint restores).
    static let maxCategories = 1024
    /// A side of an activation map, and its area.
    static let maxMapSide = 1 << 16, maxMapArea = 1 << 24
    /// Images of a probe (index.csv rows).
    static let maxImages = Int(Int32.max)
    /// Top images per unit (`--top-k`).
    static let maxTopK = 10_000
    /// Seconds an ETA may name (about 31,700 years; the writer caps its estimate there).
    static let maxSeconds = 1e12
    /// Images per second.
    static let maxRate = 1e12
}

extension RunSchema {
    /// The tables of a run database.
    static let tables = ["meta", "config", "progress", "categories", "labels", "images", "layers", "units",
                         "unit_categories", "top_images", "intersections", "label_truth", "unit_unions",
                         "skipped", "checkpoints"]

    /// The tables present in `db`.
    static func presentTables(_ db: Database) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
    }

    /// Checks that `db` is a run database this version reads: every table there, and a schema
    /// version it knows.
    /// - Throws: `RunError.input` (not a run database), `.damaged`, `.newerSchema`.
    static func check(_ db: Database, path: String) throws {
        let present = try presentTables(db)
        if present.isDisjoint(with: tables) {
            throw RunError.input(path: path, reason: "not a netdissect run database (it has none of a run's tables)",
                                 hint: "give a directory that `netdissect dissect --out` wrote")
        }
        for table in tables where !present.contains(table) {
            throw RunError.damaged(path: path, place: "", reason: "table \(table) is missing")
        }
        guard let row = try Row.fetchOne(db, sql: "SELECT rowid AS _row, value FROM meta WHERE key = 'schema_version'") else {
            throw RunError.damaged(path: path, place: "table meta", reason: "the schema_version row is missing")
        }
        let r = StoredRow(row, table: "meta", path: path)
        let (value, version) = try r.versionNumber("value")
        guard let version, version >= 1 else {
            throw r.damaged("value", "\(StoredRow.show(value)) is not a schema version")
        }
        if version > Self.version { throw RunError.newerSchema(path: path, version: version, supported: Self.version) }
    }
}

// MARK: Rows of each table

extension RunReader {
    /// Rows of `sql` (which selects `rowid AS _row`) from `table`.
    static func rows(_ db: Database, _ table: String, _ sql: String, _ arguments: StatementArguments = [],
                     path: String) throws -> [StoredRow] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { StoredRow($0, table: table, path: path) }
    }

    /// A `meta` value, or nil when absent.
    static func meta(_ db: Database, key: String, path: String) throws -> String? {
        try rows(db, "meta", "SELECT rowid AS _row, value FROM meta WHERE key = ?", [key], path: path).first?.text("value")
    }

    /// The stored configuration (the `json` row of `config`), checked as a new run's would be.
    static func configuration(_ db: Database, path: String) throws -> RunConfiguration {
        guard let r = try rows(db, "config", "SELECT rowid AS _row, value FROM config WHERE key = 'json'", path: path).first else {
            throw RunError.damaged(path: path, place: "table config", reason: "the json row is missing")
        }
        guard let c = try? JSONDecoder().decode(RunConfiguration.self, from: Data(try r.text("value").utf8)) else {
            throw r.damaged("value", "not a run configuration this netdissect reads")
        }
        do { try c.validate() } catch let RunError.badSetting(text) {
            throw r.damaged("value", "an impossible setting (\(text.replacingOccurrences(of: "dissect: ", with: "")))")
        }
        return c
    }

    static func progress(_ db: Database, path: String) throws -> RunProgress {
        guard let r = try rows(db, "progress", "SELECT rowid AS _row, * FROM progress WHERE id = 1", path: path).first else {
            throw RunError.damaged(path: path, place: "table progress", reason: "the progress row is missing")
        }
        let statusValue = try r.value("status")
        guard case let .string(text) = statusValue.storage, let status = RunStatus(rawValue: text) else {
            throw r.damaged("status", "\(StoredRow.show(statusValue)) is not a run status (running, paused, finished, failed, cancelled)")
        }
        let passes = try r.int("passes", in: 2...3, "a number of passes (2 or 3)")
        let total = try r.int("images_total", in: 0...StoredLimits.maxImages, "a number of images")
        return RunProgress(
            status: status, pass: try r.int("pass", in: 1...passes, "a pass from 1 to \(passes)"),
            passName: try r.text("pass_name"), passes: passes,
            imagesDone: try r.int("images_done", in: 0...total, "a number of images done (0 to \(total))"),
            imagesTotal: total,
            imagesSkipped: try r.int("images_skipped", in: 0...total, "a number of images skipped (0 to \(total))"),
            rate: try r.optionalReal("rate", in: 0...StoredLimits.maxRate, "a rate in images per second"),
            etaSeconds: try r.optionalReal("eta_seconds", in: 0...StoredLimits.maxSeconds,
                                           "a time left in seconds (0 to \(Int(StoredLimits.maxSeconds)))"),
            startedAt: try r.text("started_at"), updatedAt: try r.text("updated_at"),
            finishedAt: try r.optionalText("finished_at"), message: try r.optionalText("message"))
    }

    static func layer(_ r: StoredRow) throws -> RunLayer {
        let units = try r.int("units", in: 1...StoredLimits.maxUnits, "a number of units")
        let height = try r.int("height", in: 1...StoredLimits.maxMapSide, "a map height")
        let width = try r.int("width", in: 1...StoredLimits.maxMapSide, "a map width")
        guard height * width <= StoredLimits.maxMapArea else {
            throw r.damaged("width", "\(height) x \(width) is not a map size (at most \(StoredLimits.maxMapArea) values)")
        }
        return RunLayer(name: try r.text("name"), units: units, height: height, width: width,
                        finished: try r.flag("finished"),
                        uniqueDetectors: try r.optionalInt("unique_detectors", in: 0...units, "a count of unique detectors (0 to \(units))"))
    }

    /// The layers, in command-line order.
    static func layers(_ db: Database, path: String) throws -> [RunLayer] {
        try rows(db, "layers", "SELECT rowid AS _row, * FROM layers ORDER BY position", path: path).map(layer)
    }

    /// The layer called `name`, or nil.
    static func layer(_ db: Database, named name: String, path: String) throws -> RunLayer? {
        try rows(db, "layers", "SELECT rowid AS _row, * FROM layers WHERE name = ?", [name], path: path).first.map(layer)
    }

    /// The categories, in order: ids are their positions 0, 1, 2, ...
    static func categories(_ db: Database, path: String) throws -> [ConceptCategory] {
        let rows = try rows(db, "categories", "SELECT rowid AS _row, * FROM categories ORDER BY id", path: path)
        guard rows.count <= StoredLimits.maxCategories else {
            throw RunError.damaged(path: path, place: "table categories", reason: "\(rows.count) categories, more than a run holds (\(StoredLimits.maxCategories))")
        }
        return try rows.enumerated().map { position, r in
            _ = try r.int("id", in: position...position, "the category id \(position) (ids are positions 0, 1, 2, …)")
            let kindValue = try r.value("kind")
            guard case let .string(text) = kindValue.storage, let kind = ConceptKind(rawValue: text) else {
                throw r.damaged("kind", "\(StoredRow.show(kindValue)) is not a category kind (pixel or image)")
            }
            return ConceptCategory(name: try r.text("name"), kind: kind)
        }
    }

    /// The labels, ascending by id; each label's category is one of `categoryCount`.
    static func labels(_ db: Database, categoryCount: Int, path: String) throws -> [ConceptLabel] {
        var previous = 0
        return try rows(db, "labels", "SELECT rowid AS _row, * FROM labels ORDER BY id", path: path).map { r in
            let id = try r.int("id", in: 1...StoredLimits.maxLabelID, "a label id (1 to \(StoredLimits.maxLabelID))")
            guard id != previous else { throw r.damaged("id", "label \(id) is listed twice") }
            previous = id
            guard categoryCount > 0 else { throw r.damaged("category", "a label, but the run has no categories") }
            let category = try r.int("category", in: 0...(categoryCount - 1), "a category id (0 to \(categoryCount - 1))")
            return ConceptLabel(id: id, name: try r.text("name"), category: category)
        }
    }

    /// Every unit of `layer` (or only `unit`), ordered by unit; the categories and labels name them.
    static func units(_ db: Database, layer: RunLayer, unit: Int?, categories: [String], labelNames: [Int: String],
                      path: String) throws -> [UnitResult] {
        let n = layer.units, nCat = categories.count
        let filter = unit == nil ? "" : " AND unit = ?"
        let arguments: StatementArguments = unit.map { [layer.name, $0] } ?? [layer.name]
        func categoryName(_ c: Int) -> String { categories.indices.contains(c) ? categories[c] : "" }

        var per: [Int: [CategoryResult]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM unit_categories WHERE layer = ?\(filter) ORDER BY unit, category",
                                    arguments: arguments) {
            let r = StoredRow(row, table: "unit_categories", key: ["layer", "unit", "category"], path: path)
            let u = try r.int("unit", in: 0...(n - 1), "a unit of layer \(StoredRow.shown(layer.name)) (0 to \(n - 1))")
            guard nCat > 0 else { throw r.damaged("category", "a category, but the run has none") }
            let c = try r.int("category", in: 0...(nCat - 1), "a category id (0 to \(nCat - 1))")
            let label = try r.optionalInt("label", in: 0...StoredLimits.maxLabelID, "a label id") ?? 0
            per[u, default: []].append(CategoryResult(
                category: c, categoryName: categoryName(c), label: label, labelName: labelNames[label] ?? "",
                iou: try r.real("iou", in: 0...1, "an IoU in [0, 1]"),
                truth: try r.int("truth", in: 0...Int.max, "a pixel count"),
                activation: try r.int("activation", in: 0...Int.max, "a pixel count"),
                intersect: try r.int("intersection", in: 0...Int.max, "a pixel count")))
        }
        var previous = -1
        let floatRange = -Double(Float.greatestFiniteMagnitude)...Double(Float.greatestFiniteMagnitude)
        let results = try rows(db, "units", "SELECT rowid AS _row, * FROM units WHERE layer = ?\(filter) ORDER BY unit",
                               arguments, path: path).map { r in
            let u = try r.int("unit", in: 0...(n - 1), "a unit of layer \(StoredRow.shown(layer.name)) (0 to \(n - 1))")
            guard u > previous else { throw r.damaged("unit", "unit \(u) appears twice") }
            previous = u
            let label = try r.optionalInt("label", in: 0...StoredLimits.maxLabelID, "a label id") ?? 0
            let category = try r.optionalInt("category", in: -1...(nCat - 1), "a category id (-1 to \(nCat - 1))") ?? -1
            return UnitResult(layer: layer.name, unit: u,
                              threshold: try r.optionalReal("threshold", in: floatRange, "a float32 threshold").map { Float($0) },
                              label: label, labelName: labelNames[label] ?? "", category: category,
                              categoryName: categoryName(category),
                              iou: try r.optionalReal("iou", in: 0...1, "an IoU in [0, 1]") ?? 0,
                              isDetector: try r.flag("detector"), isFinal: try r.flag("final"), perCategory: per[u] ?? [])
        }
        // A new run stores a row for every unit, so a missing one is damage too.
        let expected = unit.map { (0..<n).contains($0) ? 1 : 0 } ?? n
        guard results.count == expected else {
            let which = unit.map { "no row for unit \($0) of layer \(StoredRow.shown(layer.name))" }
                ?? "\(results.count) rows for layer \(StoredRow.shown(layer.name)), which has \(n) units"
            throw RunError.damaged(path: path, place: "table units", reason: which)
        }
        return results
    }

    /// A unit's top images, best first.
    static func topImages(_ db: Database, layer: RunLayer, unit: Int, threshold: Float?, path: String) throws -> [TopImage] {
        var previous = -1
        return try Row.fetchAll(db, sql: """
            SELECT t.*, i.path AS image_path FROM top_images t LEFT JOIN images i ON i.id = t.image
            WHERE t.layer = ? AND t.unit = ? ORDER BY t.rank
            """, arguments: [layer.name, unit]).map { row in
            let r = StoredRow(row, table: "top_images", key: ["layer", "unit", "rank"], path: path)
            let rank = try r.int("rank", in: 0...(StoredLimits.maxTopK - 1), "a rank (0 to \(StoredLimits.maxTopK - 1))")
            guard rank > previous else { throw r.damaged("rank", "rank \(rank) appears twice") }
            previous = rank
            let image = try r.int("image", in: 0...StoredLimits.maxImages, "an image id")
            guard let imagePath = try r.optionalText("image_path") else {
                throw r.damaged("image", "\(image) is not an image of this run (table images has no such id)")
            }
            if let refusal = ProbePaths.refusal(imagePath) {
                throw RunError.damaged(path: path, place: "table images, row \(image), column path", reason: refusal)
            }
            let h = try r.int("map_height", in: 1...StoredLimits.maxMapSide, "a map height")
            let w = try r.int("map_width", in: 1...StoredLimits.maxMapSide, "a map width")
            guard h * w <= StoredLimits.maxMapArea else {
                throw r.damaged("map_width", "\(h) x \(w) is not a map size (at most \(StoredLimits.maxMapArea) values)")
            }
            let blob = try r.blob("map")
            guard blob.count == 4 * h * w, let map = floatsFromBlob(blob) else {
                throw r.damaged("map", "\(blob.count) bytes where a \(h) x \(w) float32 map takes \(4 * h * w)")
            }
            let maximum = try r.real("max_activation", in: -Double.infinity...Double.infinity, "a float32 activation")
            guard maximum.isInfinite || abs(maximum) <= Double(Float.greatestFiniteMagnitude) else {
                throw r.damaged("max_activation", "\(maximum) is not a float32 activation")
            }
            return TopImage(layer: layer.name, unit: unit, rank: rank, image: image, path: imagePath,
                            maximum: Float(maximum), mapHeight: h, mapWidth: w, map: map, threshold: threshold)
        }
    }

    /// The inputs left out.
    static func skipped(_ db: Database, path: String) throws -> [SkippedInput] {
        try rows(db, "skipped", "SELECT rowid AS _row, * FROM skipped ORDER BY image", path: path).map { r in
            SkippedInput(image: try r.int("image", in: 0...StoredLimits.maxImages, "an image id"),
                         path: try r.text("path"), reason: try r.text("reason"),
                         pass: try r.int("pass", in: 1...3, "a pass (1 to 3)"))
        }
    }

    /// A checkpoint blob, or nil when there is none.
    static func checkpoint(_ db: Database, layer: String, kind: String, path: String) throws -> [UInt8]? {
        try rows(db, "checkpoints", "SELECT rowid AS _row, data FROM checkpoints WHERE layer = ? AND kind = ?",
                 [layer, kind], path: path).first?.blob("data")
    }

    /// The tally checkpoint of `layer`, checked against the layer and the run's labels and categories.
    static func tally(_ db: Database, layer: RunLayer, catalog: ConceptCatalog, path: String) throws -> LayerTally? {
        guard let r = try rows(db, "checkpoints", "SELECT rowid AS _row, data FROM checkpoints WHERE layer = ? AND kind = 'tally'",
                               [layer.name], path: path).first else { return nil }
        let bytes = try r.blob("data")
        let categoryCount = catalog.categories.count
        guard let t = LayerTally(serialized: bytes, catalog: catalog) else {
            throw r.damaged("data", "not a tally of the run's \(catalog.labels.count) labels (\(bytes.count) bytes)")
        }
        guard t.units == layer.units, t.categoryCount == categoryCount else {
            throw r.damaged("data", "a tally of \(t.units) units and \(t.categoryCount) categories, where the run has \(layer.units) and \(categoryCount)")
        }
        return t
    }
}

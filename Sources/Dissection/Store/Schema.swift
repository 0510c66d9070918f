// The run database's schema (documented for sqlite3 users in README.md, "Run directory").
//
// Image indices are 0-based rows of index.csv (the row order of an --activations file); units
// are 0-based here (tally.csv writes them 1-based, as the published format does). Label ids are
// the dataset's global ids; category ids are 0-based positions in the run's category list.
import GRDB

/// Creates and upgrades the run database schema.
enum RunSchema {
    /// Bumped when a migration is added.
    static let version = 1

    /// The `meta` key holding `UnionRule.version`; a run without it was made with version 1.
    static let unionRuleKey = "union_rule_version"

    /// The union rule version a run was made with (1 when the row is absent).
    /// - Throws: `RunError.damaged` for a value that is not a version this netdissect knows.
    static func unionRuleVersion(_ db: Database, path: String) throws -> Int {
        guard let row = try Row.fetchOne(db, sql: "SELECT rowid AS _row, value FROM meta WHERE key = ?",
                                         arguments: [unionRuleKey]) else { return 1 }
        let r = StoredRow(row, table: "meta", path: path)
        let (value, version) = try r.versionNumber("value")
        guard let version, (1...UnionRule.version).contains(version) else {
            throw r.damaged("value", "\(StoredRow.show(value)) is not a union rule version (1 to \(UnionRule.version))")
        }
        return version
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE config (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE progress (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    status TEXT NOT NULL,
                    pass INTEGER NOT NULL,
                    pass_name TEXT NOT NULL,
                    passes INTEGER NOT NULL,
                    images_done INTEGER NOT NULL,
                    images_total INTEGER NOT NULL,
                    images_skipped INTEGER NOT NULL,
                    rate REAL,
                    eta_seconds REAL,
                    started_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    finished_at TEXT,
                    message TEXT);
                CREATE TABLE categories (id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL);
                CREATE TABLE labels (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
                    category INTEGER NOT NULL REFERENCES categories(id));
                CREATE TABLE images (id INTEGER PRIMARY KEY, path TEXT NOT NULL);
                CREATE TABLE layers (name TEXT PRIMARY KEY, position INTEGER NOT NULL,
                    units INTEGER NOT NULL, height INTEGER NOT NULL, width INTEGER NOT NULL,
                    finished INTEGER NOT NULL DEFAULT 0, unique_detectors INTEGER);
                CREATE TABLE units (layer TEXT NOT NULL REFERENCES layers(name), unit INTEGER NOT NULL,
                    threshold REAL, label INTEGER, category INTEGER, iou REAL,
                    detector INTEGER NOT NULL DEFAULT 0, final INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (layer, unit));
                CREATE TABLE unit_categories (layer TEXT NOT NULL, unit INTEGER NOT NULL,
                    category INTEGER NOT NULL, label INTEGER, iou REAL NOT NULL,
                    truth INTEGER NOT NULL, activation INTEGER NOT NULL, intersection INTEGER NOT NULL,
                    PRIMARY KEY (layer, unit, category)) WITHOUT ROWID;
                CREATE TABLE top_images (layer TEXT NOT NULL, unit INTEGER NOT NULL, rank INTEGER NOT NULL,
                    image INTEGER NOT NULL, max_activation REAL NOT NULL,
                    map_height INTEGER NOT NULL, map_width INTEGER NOT NULL, map BLOB NOT NULL,
                    PRIMARY KEY (layer, unit, rank)) WITHOUT ROWID;
                CREATE TABLE intersections (layer TEXT NOT NULL, unit INTEGER NOT NULL, label INTEGER NOT NULL,
                    intersection INTEGER NOT NULL, PRIMARY KEY (layer, unit, label)) WITHOUT ROWID;
                CREATE TABLE label_truth (layer TEXT NOT NULL, label INTEGER NOT NULL, truth INTEGER NOT NULL,
                    PRIMARY KEY (layer, label)) WITHOUT ROWID;
                CREATE TABLE unit_unions (layer TEXT NOT NULL, unit INTEGER NOT NULL, category INTEGER NOT NULL,
                    activation INTEGER NOT NULL, PRIMARY KEY (layer, unit, category)) WITHOUT ROWID;
                CREATE TABLE skipped (image INTEGER PRIMARY KEY, path TEXT NOT NULL, reason TEXT NOT NULL,
                    pass INTEGER NOT NULL);
                CREATE TABLE checkpoints (layer TEXT NOT NULL, kind TEXT NOT NULL, data BLOB NOT NULL,
                    PRIMARY KEY (layer, kind));
                """)
        }
        // Added by `netdissect explain`; a run without it has no explanations (readers check for
        // the table), so the schema version stays 1 and older netdissects still read the run.
        m.registerMigration("v1-explanations") { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS explanations (layer TEXT NOT NULL, unit INTEGER NOT NULL,
                    search TEXT NOT NULL, length INTEGER NOT NULL, beam INTEGER, min_pixels INTEGER NOT NULL,
                    formula TEXT, tree TEXT, iou REAL NOT NULL, intersection INTEGER NOT NULL,
                    formula_pixels INTEGER NOT NULL, unit_pixels INTEGER NOT NULL,
                    PRIMARY KEY (layer, unit, search, length));
                """)
        }
        return m
    }
}

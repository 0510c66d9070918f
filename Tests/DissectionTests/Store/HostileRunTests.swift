// Hostile run databases and run directories: a real small run, altered with SQL one value at a
// time (valid SQLite, hostile values) or with symbolic links put in its directory. Every read
// must stop with one line naming the table, the row and the column; nothing may be written
// outside the run directory; the commands must exit 1, never on a signal.
import DissectionTestSupport
import Foundation
import GRDB
import TestSupport
import Testing
@testable import Dissection

/// One way to damage a run database, and where the message must point.
struct DamageCase: CustomStringConvertible, Sendable {
    let name: String
    let sql: String
    /// Pieces the message must contain (table, column, the value).
    let expected: [String]
    var description: String { name }
}

enum HostileRuns {
    /// The damage the issue lists, and the neighbours of each.
    static let cases: [DamageCase] = [
        DamageCase(name: "IoU 1e300", sql: "UPDATE units SET iou = 1e300 WHERE unit = 1",
                   expected: ["table units, row 2, column iou", "1e+300 is not an IoU in [0, 1]"]),
        DamageCase(name: "IoU 'abc'", sql: "UPDATE units SET iou = 'abc' WHERE unit = 1",
                   expected: ["table units, row 2, column iou", "'abc' is not an IoU"]),
        DamageCase(name: "per-category IoU 'abc'", sql: "UPDATE unit_categories SET iou = 'abc' WHERE unit = 2 AND category = 1",
                   expected: ["table unit_categories, row (layer 'acts', unit 2, category 1), column iou", "'abc'"]),
        DamageCase(name: "negative IoU", sql: "UPDATE unit_categories SET iou = -0.5",
                   expected: ["table unit_categories", "column iou", "-0.5 is not an IoU"]),
        DamageCase(name: "unit 2^63-1", sql: "UPDATE units SET unit = 9223372036854775807 WHERE unit = 2",
                   expected: ["table units", "column unit", "9223372036854775807 is not a unit of layer acts (0 to 2)"]),
        DamageCase(name: "unit row deleted", sql: "DELETE FROM units WHERE unit = 1",
                   expected: ["table units: 2 rows for layer acts, which has 3 units"]),
        DamageCase(name: "per-category unit -1", sql: "UPDATE unit_categories SET unit = -1 WHERE unit = 0",
                   expected: ["table unit_categories", "column unit", "-1 is not a unit"]),
        DamageCase(name: "map 2^32 x 2^32", sql: "UPDATE top_images SET map_height = 4294967296, map_width = 4294967296",
                   expected: ["table top_images, row (layer 'acts', unit 0, rank 0), column map_height", "4294967296 is not a map height"]),
        DamageCase(name: "map blob short", sql: "UPDATE top_images SET map = substr(map, 1, 8) WHERE unit = 1 AND rank = 2",
                   expected: ["table top_images, row (layer 'acts', unit 1, rank 2), column map", "8 bytes where a 3 x 4 float32 map takes 48"]),
        DamageCase(name: "map text", sql: "UPDATE top_images SET map = 'xyz'",
                   expected: ["table top_images", "column map", "'xyz' is not a blob"]),
        DamageCase(name: "maximum beyond float32", sql: "UPDATE top_images SET max_activation = 1e300 WHERE unit = 2 AND rank = 1",
                   expected: ["table top_images, row (layer 'acts', unit 2, rank 1), column max_activation", "1e+300 is not a float32 activation"]),
        DamageCase(name: "top image of no image", sql: "UPDATE top_images SET image = 99999",
                   expected: ["table top_images", "column image", "99999 is not an image of this run"]),
        DamageCase(name: "top image path leaves the dataset", sql: "UPDATE images SET path = '../../etc/passwd'",
                   expected: ["table images, row", "column path", "leaves the dataset directory"]),
        DamageCase(name: "label id 2^63-1", sql: "UPDATE labels SET id = 9223372036854775807 WHERE id = (SELECT max(id) FROM labels)",
                   expected: ["table labels, row 9223372036854775807, column id", "is not a label id"]),
        DamageCase(name: "label id 1e9", sql: "UPDATE labels SET id = 1e9 WHERE id = (SELECT max(id) FROM labels)",
                   expected: ["table labels, row 1000000000, column id", "1000000000 is not a label id"]),
        DamageCase(name: "label category -1", sql: "UPDATE labels SET category = -1 WHERE id = 3",
                   expected: ["table labels, row 3, column category", "-1 is not a category id"]),
        DamageCase(name: "label name a blob", sql: "UPDATE labels SET name = x'00ff' WHERE id = 2",
                   expected: ["table labels, row 2, column name", "a blob of 2 bytes is not text"]),
        DamageCase(name: "category ids not positions", sql: "UPDATE categories SET id = 7 WHERE id = 0",
                   expected: ["table categories, row 1, column id", "1 is not the category id 0"]),
        DamageCase(name: "category kind", sql: "UPDATE categories SET kind = 'smell' WHERE id = 1",
                   expected: ["table categories, row 1, column kind", "'smell' is not a category kind"]),
        DamageCase(name: "ETA 1e300", sql: "UPDATE progress SET eta_seconds = 1e300",
                   expected: ["table progress, row 1, column eta_seconds", "1e+300 is not a time left in seconds"]),
        DamageCase(name: "rate -1", sql: "UPDATE progress SET rate = -1",
                   expected: ["table progress, row 1, column rate", "-1.0 is not a rate"]),
        DamageCase(name: "images done -5", sql: "UPDATE progress SET images_done = -5",
                   expected: ["table progress, row 1, column images_done", "-5 is not a number of images done"]),
        DamageCase(name: "pass 9", sql: "UPDATE progress SET pass = 9",
                   expected: ["table progress, row 1, column pass", "9 is not a pass"]),
        DamageCase(name: "status", sql: "UPDATE progress SET status = 'zombie'",
                   expected: ["table progress, row 1, column status", "'zombie' is not a run status"]),
        DamageCase(name: "no progress row", sql: "DELETE FROM progress",
                   expected: ["table progress: the progress row is missing"]),
        DamageCase(name: "layer height 0", sql: "UPDATE layers SET height = 0",
                   expected: ["table layers, row 1, column height", "0 is not a map height"]),
        DamageCase(name: "layer units text", sql: "UPDATE layers SET units = 'many'",
                   expected: ["table layers, row 1, column units", "'many' is not a number of units"]),
        DamageCase(name: "layer finished 2", sql: "UPDATE layers SET finished = 2",
                   expected: ["table layers, row 1, column finished", "2 is not a flag"]),
        DamageCase(name: "threshold beyond float32", sql: "UPDATE units SET threshold = 1e300 WHERE unit = 0",
                   expected: ["table units, row 1, column threshold", "is not a float32 threshold"]),
        DamageCase(name: "skipped pass 7", sql: "INSERT OR REPLACE INTO skipped (image, path, reason, pass) VALUES (0, 'a.jpg', 'x', 7)",
                   expected: ["table skipped, row 0, column pass", "7 is not a pass"]),
        DamageCase(name: "tally blob cut", sql: "UPDATE checkpoints SET data = substr(data, 1, 40) WHERE kind = 'tally'",
                   expected: ["table checkpoints", "column data", "not a tally of the run's 14 labels (40 bytes)"]),
        DamageCase(name: "configuration not JSON", sql: "UPDATE config SET value = '{' WHERE key = 'json'",
                   expected: ["table config", "column value", "not a run configuration"]),
        DamageCase(name: "configuration impossible", sql: "UPDATE config SET value = replace(value, '\"topK\":3', '\"topK\":-4') WHERE key = 'json'",
                   expected: ["table config", "column value", "an impossible setting (--top-k -4"]),
        DamageCase(name: "schema version 999", sql: "UPDATE meta SET value = '999' WHERE key = 'schema_version'",
                   expected: ["made by a newer netdissect (run database schema version 999, this one reads up to \(RunSchema.version))"]),
        DamageCase(name: "schema version text", sql: "UPDATE meta SET value = 'one' WHERE key = 'schema_version'",
                   expected: ["table meta", "column value", "'one' is not a schema version"]),
        DamageCase(name: "units table dropped", sql: "DROP TABLE units",
                   expected: ["table units is missing; the run database is damaged"]),
        DamageCase(name: "progress table dropped", sql: "DROP TABLE progress",
                   expected: ["table progress is missing; the run database is damaged"]),
    ]

    /// A finished run of a small random probe (in-process), with its dataset on disk.
    static let base: Result<String, Error> = Result {
        let dir = try makeTemporaryDirectory("nd-hostile")
        let probe = RandomProbe(seed: 5, N: 10, C: 3)
        try BrodenWriter.write(probe, to: dir + "/probe")
        var configuration = makeConfiguration(activations: try writeActivations(probe, in: dir))
        configuration.dataset = dir + "/probe"
        let producer = try NPYActivations(path: configuration.activations!, layerName: "acts", images: probe.N)
        try Dissector(configuration: configuration, directory: dir + "/run", source: MemorySource(probe: probe),
                      producer: producer, options: RunOptions(batchSize: 2, threads: 2, checkpointEvery: 4)).run()
        return dir
    }

    /// A copy of the base run, damaged by `sql`; returns the copy's run directory.
    static func damaged(_ sql: String, name: String) throws -> String {
        let base = try base.get()
        let out = try makeTemporaryDirectory("nd-damaged") + "/run"
        try FileManager.default.copyItem(atPath: base + "/run", toPath: out)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false  // as the sqlite3 shell does
        try DatabaseQueue(path: out + "/run.sqlite", configuration: configuration).write { db in try db.execute(sql: sql) }
        return out
    }

    /// Everything a viewer reads from a run, in the order the commands read it.
    static func readEverything(_ directory: String) throws {
        let reader = try RunReader.open(directory)
        _ = try reader.configuration()
        _ = try reader.progress()
        _ = try reader.catalog()
        for layer in try reader.layers() {
            for u in try reader.units(layer: layer.name) {
                _ = try reader.unit(layer: layer.name, unit: u.unit)
                _ = try reader.topImages(layer: layer.name, unit: u.unit)
            }
            for u in 0..<layer.units { _ = try reader.topImages(layer: layer.name, unit: u) }
            _ = try reader.iouMatrix(layer: layer.name)
        }
        _ = try reader.skipped()
        _ = try reader.imagePath(0)
    }
}

@Suite struct HostileRunTests {
    @Test func theUntouchedRunReadsCleanly() throws {
        let dir = try HostileRuns.damaged("SELECT 1", name: "none")
        try HostileRuns.readEverything(dir)
        #expect(try RunReader.open(dir).units(layer: "acts").count == 3)
    }

    @Test(arguments: HostileRuns.cases)
    func aDamagedValueIsNamed(_ damage: DamageCase) throws {
        let dir = try HostileRuns.damaged(damage.sql, name: damage.name)
        do {
            try HostileRuns.readEverything(dir)
            Issue.record("\(damage.name): read without an error")
        } catch let error as RunError {
            let line = error.description
            for piece in damage.expected { #expect(line.contains(piece), "\(damage.name): \(line)") }
            #expect(line.hasPrefix(dir + "/run.sqlite: "), "\(line)")
            #expect(!line.contains("\n") && !line.contains("disk"), "\(line)")
        }
    }

    @Test func aResumeFromDamagedProgressIsRefusedAndKept() throws {
        let base = try HostileRuns.base.get()
        let probe = RandomProbe(seed: 5, N: 10, C: 3)
        let dir = try HostileRuns.damaged("UPDATE progress SET status = 'running', images_done = -5", name: "resume")
        let configuration = try RunReader.open(base + "/run").configuration()
        let producer = try NPYActivations(path: configuration.activations!, layerName: "acts", images: probe.N)
        let dissector = Dissector(configuration: configuration, directory: dir, source: MemorySource(probe: probe),
                                  producer: producer, options: RunOptions(batchSize: 2, threads: 2, checkpointEvery: 4))
        #expect(throws: RunError.damaged(path: dir + "/run.sqlite", place: "table progress, row 1, column images_done",
                                         reason: "-5 is not a number of images done (0 to 10)")) { try dissector.run() }
        // Refused, not wiped: the damaged database is still there for the user to look at.
        #expect(try DatabaseQueue(path: dir + "/run.sqlite").read { try Int.fetchOne($0, sql: "SELECT images_done FROM progress") } == -5)
        let newer = try HostileRuns.damaged("UPDATE meta SET value = '999' WHERE key = 'schema_version'; UPDATE progress SET status = 'running'",
                                            name: "newer")
        #expect(throws: RunError.newerSchema(path: newer + "/run.sqlite", version: 999, supported: RunSchema.version)) {
            try Dissector(configuration: configuration, directory: newer, source: MemorySource(probe: probe),
                          producer: producer, options: RunOptions(batchSize: 2, threads: 2)).run()
        }
    }

    /// The damage the issue found through the commands, and the commands it named for each.
    static let commandCases: [(String, [String])] = [
        ("IoU 1e300", ["summary", "unit", "report", "json"]),
        ("IoU 'abc'", ["summary", "unit", "report", "json"]),
        ("map 2^32 x 2^32", ["unit", "report"]),
        ("map blob short", ["unit", "report"]),
        ("unit 2^63-1", ["summary", "report", "json"]),
        ("label id 2^63-1", ["summary", "matrix"]),
        ("label id 1e9", ["summary", "matrix"]),
        ("label category -1", ["summary", "matrix"]),
        ("ETA 1e300", ["summary", "unit", "report", "json"]),
        ("schema version 999", ["summary", "unit", "report", "matrix", "json"]),
        ("units table dropped", ["summary", "unit", "report", "matrix", "json"]),
    ]

    @Test func theCommandsExitOneWithOneLine() throws {
        guard requireNetdissectBinary() != nil else { return }
        for (name, mustFail) in Self.commandCases {
            let damage = HostileRuns.cases.first { $0.name == name }!
            let dir = try HostileRuns.damaged(damage.sql, name: name)
            let out = try makeTemporaryDirectory("nd-cmdout")
            let commands: [(String, [String])] = [
                ("summary", ["summary", dir]),
                ("unit", ["unit", dir, "acts", "2", "--graphics", "none"]),
                ("report", ["report", dir, "--out", out + "/report"]),
                ("matrix", ["export", dir, "--iou-matrix", out + "/m.npy"]),
                ("json", ["export", dir, "--json", out + "/u.json"]),
            ]
            for (command, arguments) in commands {
                let (status, signalled, text) = try runCommand(arguments)
                #expect(!signalled && (status == 0 || status == 1), "\(name), \(command): status \(status) \(text)")
                guard mustFail.contains(command) else { continue }
                #expect(status == 1, "\(name), \(command): exit \(status) \(text)")
                #expect(text.hasPrefix("netdissect: " + dir + "/run.sqlite: ") && text.hasSuffix("\n")
                        && text.split(separator: "\n").count == 1, "\(name), \(command): \(text)")
                #expect(text.contains("the run database is damaged") || text.contains("newer netdissect"), "\(name), \(command): \(text)")
            }
        }
    }

    @Test func exportPrintsNoEscapeFromTheDatabase() throws {
        guard requireNetdissectBinary() != nil else { return }
        let dir = try HostileRuns.damaged("UPDATE layers SET name = 'a' || char(27) || '[31mb'; UPDATE units SET layer = 'a' || char(27) || '[31mb'",
                                          name: "escape")
        let (status, signalled, text) = try runCommand(["export", dir, "--layer", "nope", "--json", "-"])
        #expect(status == 1 && !signalled)
        #expect(text.hasPrefix("netdissect: \(dir)/run.sqlite: no layer 'nope' in this run (it has a") && !text.contains("\u{1b}"), "\(text)")
    }

    @Test func notARunDatabase() throws {
        let dir = try makeTemporaryDirectory("nd-notrun")
        try Data("hello, this is not SQLite at all, just some words to fill a page ....".utf8)
            .write(to: URL(fileURLWithPath: dir + "/run.sqlite"))
        #expect(throws: RunError.self) { try RunReader.open(dir) }
        do { _ = try RunReader.open(dir) } catch let error as RunError {
            #expect(error.description.contains("not a netdissect run database"), "\(error)")
        }
        let empty = try makeTemporaryDirectory("nd-emptydb")
        try DatabaseQueue(path: empty + "/run.sqlite").write { db in try db.execute(sql: "CREATE TABLE other (x)") }
        do { _ = try RunReader.open(empty) } catch let error as RunError {
            #expect(error.description.contains("not a netdissect run database"), "\(error)")
        }
    }
}

// Rows bound with SQLite's own calls read back as written, and a failed row names its cause.
import Foundation
import GRDB
import TestSupport
import Testing
@testable import Dissection

@Suite struct RowInserterTests {
    @Test func rowsReadBackAsBound() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (layer TEXT, k INTEGER PRIMARY KEY, big INTEGER, flag INTEGER, x REAL, maybe INTEGER, data BLOB)")
            let insert = try RowInserter(db, sql: "INSERT INTO t (layer, k, big, flag, x, maybe, data) VALUES (?, ?, ?, ?, ?, ?, ?)")
            try insert.bind(1, "features.18 é")
            for k in 0..<5 {
                try insert.bind(2, k)
                try insert.bind(3, k == 4 ? UInt64.max : UInt64(k) << 40)
                try insert.bind(4, k % 2 == 0)
                try insert.bind(5, k == 3 ? nil : Double(k) / 4)
                try insert.bind(6, k == 1 ? nil : Int?(k * 10))
                let bytes: [UInt8] = Array(repeating: UInt8(k), count: k)
                try bytes.withUnsafeBytes { try insert.bind(7, blob: $0) }
                try insert.step()
            }
        }
        let rows = try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM t ORDER BY k") }
        #expect(rows.count == 5)
        for (k, row) in rows.enumerated() {
            #expect(row["layer"] as String == "features.18 é")
            #expect(row["big"] as Int64 == (k == 4 ? Int64.max : Int64(k) << 40))
            #expect(row["flag"] as Int == (k % 2 == 0 ? 1 : 0))
            #expect(row["x"] as Double? == (k == 3 ? nil : Double(k) / 4))
            #expect(row["maybe"] as Int? == (k == 1 ? nil : k * 10))
            #expect(row["data"] as Data == Data(repeating: UInt8(k), count: k))
        }
    }

    @Test func aFailedRowThrowsWithSQLitesReason() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (k INTEGER PRIMARY KEY)")
            let insert = try RowInserter(db, sql: "INSERT INTO t (k) VALUES (?)")
            try insert.bind(1, 1)
            try insert.step()
            #expect(throws: DatabaseError.self) { try insert.step() }
            do { try insert.step() } catch let error as DatabaseError {
                #expect(error.message?.contains("UNIQUE constraint failed") == true, "\(error)")
            }
            // A parameter that does not exist.
            #expect(throws: DatabaseError.self) { try insert.bind(2, 5) }
            // The statement is usable again after a failure.
            try insert.bind(1, 2)
            try insert.step()
        }
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") } == 2)
    }

    /// Every row count around a full statement (`TripleInserter.rowsPerStatement`) reads back
    /// row for row, the shared column in each; a duplicate key in a full statement throws.
    @Test func tripleRowsReadBackWhateverTheirCount() throws {
        let per = TripleInserter.rowsPerStatement
        for count in [0, 1, per - 1, per, per + 1, 2 * per + 5] {
            let queue = try DatabaseQueue()
            try queue.write { db in
                try db.execute(sql: "CREATE TABLE s (layer TEXT, unit INTEGER, label INTEGER, n INTEGER, PRIMARY KEY (layer, unit, label)) WITHOUT ROWID")
                var insert = try TripleInserter(db, table: "s", columns: ["layer", "unit", "label", "n"], shared: "layer4 é")
                for r in 0..<count { try insert.add(Int64(r / 7), Int64(r % 7), r == 3 ? Int64.max : Int64(r * r)) }
                try insert.finish()
            }
            let rows = try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM s ORDER BY unit, label") }
            #expect(rows.count == count)
            for (r, row) in rows.enumerated() {
                #expect(row["layer"] as String == "layer4 é")
                #expect(row["unit"] as Int == r / 7 && row["label"] as Int == r % 7, "row \(r) of \(count)")
                #expect(row["n"] as Int64 == (r == 3 ? Int64.max : Int64(r * r)), "row \(r) of \(count)")
            }
        }
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE s (layer TEXT, unit INTEGER, label INTEGER, n INTEGER, PRIMARY KEY (layer, unit, label))")
            var insert = try TripleInserter(db, table: "s", columns: ["layer", "unit", "label", "n"], shared: "x")
            #expect(throws: DatabaseError.self) {
                for r in 0..<per { try insert.add(0, Int64(r == per - 1 ? 0 : r), 1) }
            }
        }
    }
}

// One row of the run database on its way to a record: every value is taken out through a checked
// accessor that knows the storage class and the range it must have.
//
// A run database is a file like any other: it may be damaged, edited by hand or crafted, and is
// still valid SQLite. GRDB's subscripts trap (`try!`) when a value has the wrong type, and a value
// of the right type can still be out of range (an IoU of 1e300 traps later in a Double-to-Int
// conversion, a map of 2^32 x 2^32 overflows). So no row is read through GRDB's subscripts: the
// accessors here check the type and the range and stop the read with one line naming the table,
// the row and the column (`RunError.damaged`).
import Foundation
import GRDB
import Render

/// A row of table `table`, named `name` in messages (its rowid, or its key in a WITHOUT ROWID
/// table), read from the database at `path`.
struct StoredRow {
    let row: Row
    let table: String
    let name: String
    let path: String

    /// A row of a table with rowids, selected with `rowid AS _row`.
    init(_ row: Row, table: String, path: String) {
        self.row = row
        self.table = table
        self.path = path
        if row.hasColumn("_row"), case let .int64(id) = (row["_row"] as DatabaseValue).storage {
            name = "\(id)"
        } else {
            name = "?"
        }
    }

    /// A row of a WITHOUT ROWID table, named by its key columns: `(layer conv1, unit 3, rank 0)`.
    init(_ row: Row, table: String, key: [String], path: String) {
        self.row = row
        self.table = table
        self.path = path
        name = "(" + key.map { column in
            "\(column) " + (row.hasColumn(column) ? StoredRow.show(row[column] as DatabaseValue) : "?")
        }.joined(separator: ", ") + ")"
    }

    /// The error for a bad value in `column`.
    func damaged(_ column: String, _ reason: String) -> RunError {
        .damaged(path: path, place: "table \(table), row \(name), column \(column)", reason: reason)
    }

    /// The raw value of `column`; a missing column is damage.
    func value(_ column: String) throws -> DatabaseValue {
        guard row.hasColumn(column) else { throw damaged(column, "the column is missing") }
        return row[column] as DatabaseValue
    }

    // MARK: Integers

    /// `column`'s value and the integer it holds, stored as an integer or as its decimal text
    /// (the `meta` table stores every value as text or integer); nil when it holds neither.
    func versionNumber(_ column: String) throws -> (value: DatabaseValue, number: Int?) {
        let value = try value(column)
        switch value.storage {
        case let .int64(v): return (value, Int(v))
        case let .string(s): return (value, Int(s))
        default: return (value, nil)
        }
    }

    /// An integer in `range`; `meaning` completes "… is not <meaning>".
    func int(_ column: String, in range: ClosedRange<Int>, _ meaning: String) throws -> Int {
        guard let v = try optionalInt(column, in: range, meaning) else { throw damaged(column, "NULL where \(meaning) is required") }
        return v
    }

    /// An integer in `range`, or NULL.
    func optionalInt(_ column: String, in range: ClosedRange<Int>, _ meaning: String) throws -> Int? {
        let v = try value(column)
        switch v.storage {
        case .null: return nil
        case let .int64(i):
            guard range.contains(Int(i)) else { throw damaged(column, "\(i) is not \(meaning)") }
            return Int(i)
        default:
            throw damaged(column, "\(Self.show(v)) is not \(meaning)")
        }
    }

    /// 0 or 1.
    func flag(_ column: String) throws -> Bool {
        try int(column, in: 0...1, "a flag (0 or 1)") == 1
    }

    // MARK: Reals

    /// A number in `range` (an integer is taken as the same number; infinities only where `range` has them).
    func real(_ column: String, in range: ClosedRange<Double>, _ meaning: String) throws -> Double {
        guard let v = try optionalReal(column, in: range, meaning) else { throw damaged(column, "NULL where \(meaning) is required") }
        return v
    }

    /// A number in `range`, or NULL.
    func optionalReal(_ column: String, in range: ClosedRange<Double>, _ meaning: String) throws -> Double? {
        let v = try value(column)
        let d: Double
        switch v.storage {
        case .null: return nil
        case let .double(x): d = x
        case let .int64(i): d = Double(i)
        default: throw damaged(column, "\(Self.show(v)) is not \(meaning)")
        }
        guard !d.isNaN, range.contains(d) else { throw damaged(column, "\(Self.show(v)) is not \(meaning)") }
        return d
    }

    // MARK: Text and bytes

    func text(_ column: String) throws -> String {
        guard let t = try optionalText(column) else { throw damaged(column, "NULL where text is required") }
        return t
    }

    /// Text, or NULL.
    func optionalText(_ column: String) throws -> String? {
        let v = try value(column)
        switch v.storage {
        case .null: return nil
        case let .string(s): return s
        default: throw damaged(column, "\(Self.show(v)) is not text")
        }
    }

    func blob(_ column: String) throws -> [UInt8] {
        let v = try value(column)
        guard case let .blob(data) = v.storage else { throw damaged(column, "\(Self.show(v)) is not a blob") }
        return [UInt8](data)
    }

    // MARK: Showing values in messages

    /// A stored value as a message shows it: numbers as they are, text quoted, filtered for the
    /// terminal and cut, blobs by size.
    static func show(_ v: DatabaseValue) -> String {
        switch v.storage {
        case .null: return "NULL"
        case let .int64(i): return "\(i)"
        case let .double(d): return "\(d)"
        case let .string(s): return "'" + shown(s) + "'"
        case let .blob(data): return "a blob of \(data.count) bytes"
        }
    }

    /// Text from the database as a message shows it: filtered for the terminal, cut at 40 characters.
    static func shown(_ text: String) -> String {
        TerminalText.sanitize(text.count > 40 ? String(text.prefix(40)) + "…" : text)
    }
}

extension RunError {
    /// A database error met while reading or writing a run, as the line to show: a missing
    /// table or column, or a malformed file, is a damaged database, not a full disk.
    static func database(_ error: Error, path: String) -> RunError {
        if let e = error as? RunError { return e }
        if let e = error as? DatabaseError {
            let message = e.message ?? ""
            for prefix in ["no such table: ", "no such column: "] where message.hasPrefix(prefix) {
                let what = prefix == "no such table: " ? "table" : "column"
                let name = TerminalText.sanitize(String(message.dropFirst(prefix.count)))
                return .damaged(path: path, place: "", reason: "\(what) \(name) is missing")
            }
            if e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB {
                return .damaged(path: path, place: "", reason: "the file is not a sound SQLite database (\(message))")
            }
        }
        return .store(path: path, reason: RunReader.describe(error))
    }
}

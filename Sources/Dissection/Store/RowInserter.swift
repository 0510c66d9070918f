// Many rows through one prepared statement, bound with SQLite's own calls. GRDB's
// `Statement.execute(arguments:)` boxes every value of every row (an array of `DatabaseValue`
// existentials, retained and released one by one): for a layer's 70,000 rows of sums that was
// most of the time the end of a run spent in the database, with the model's cores idle.
import GRDB
import GRDBSQLite

/// One prepared INSERT or UPDATE, run once per row inside a write transaction.
///
/// Parameters are bound by position (from 1) and keep their value until bound again (a reset
/// does not clear them), so a value shared by every row, such as the layer, is bound once.
struct RowInserter {
    private let statement: Statement
    private let connection: OpaquePointer

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        connection = db.sqliteConnection!
    }

    func bind(_ index: Int32, _ value: Int64) throws {
        try check(sqlite3_bind_int64(statement.sqliteStatement, index, value))
    }

    func bind(_ index: Int32, _ value: Int) throws { try bind(index, Int64(value)) }

    func bind(_ index: Int32, _ value: UInt64) throws { try bind(index, Int64(clamping: value)) }

    func bind(_ index: Int32, _ value: Bool) throws { try bind(index, Int64(value ? 1 : 0)) }

    /// Binds a number, or NULL for nil.
    func bind(_ index: Int32, _ value: Double?) throws {
        if let value {
            try check(sqlite3_bind_double(statement.sqliteStatement, index, value))
        } else {
            try check(sqlite3_bind_null(statement.sqliteStatement, index))
        }
    }

    /// Binds an integer, or NULL for nil.
    func bind(_ index: Int32, _ value: Int?) throws {
        if let value { try bind(index, Int64(value)) } else { try check(sqlite3_bind_null(statement.sqliteStatement, index)) }
    }

    /// Binds text (SQLite copies it).
    func bind(_ index: Int32, _ text: String) throws {
        try check(sqlite3_bind_text(statement.sqliteStatement, index, text, -1, transient))
    }

    /// Binds a blob of `bytes` (SQLite copies them).
    func bind(_ index: Int32, blob bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else {
            try check(sqlite3_bind_zeroblob(statement.sqliteStatement, index, 0))
            return
        }
        try check(sqlite3_bind_blob(statement.sqliteStatement, index, base, Int32(bytes.count), transient))
    }

    /// Runs the statement with the values bound now, then makes it ready for the next row.
    func step() throws {
        let code = sqlite3_step(statement.sqliteStatement)
        sqlite3_reset(statement.sqliteStatement)
        guard code == SQLITE_DONE else { throw failure(code) }
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw failure(code) }
    }

    private func failure(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)),
                      sql: statement.sql)
    }

    /// SQLite's "copy the value now" destructor.
    private var transient: sqlite3_destructor_type { unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self) }
}

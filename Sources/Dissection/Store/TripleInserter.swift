// Rows of (shared text, three integers) many to a statement: a layer's sums at the end of a run.
//
// `RowInserter` runs its statement once per row; for the 55,000 non-zero intersections of
// MobileNetV2's last layer on a synthetic probe that was ~45 ms, most of the run's final commit,
// with the cores otherwise idle. One `INSERT ... VALUES (?1, ?, ?, ?), (?1, ?, ?, ?), ...` of
// `rowsPerStatement` rows takes SQLite about half as long for the same rows (the shared value,
// the layer, is parameter 1 of every row and bound once).
import GRDB

/// Inserts rows `(shared, a, b, c)` into `table(columns)`, `rowsPerStatement` per step.
struct TripleInserter {
    static let rowsPerStatement = 128
    private let many: RowInserter, one: RowInserter
    private var pending: [Int64] = []

    /// - Parameters:
    ///   - columns: four column names; the first takes `shared` in every row.
    init(_ db: Database, table: String, columns: [String], shared: String) throws {
        precondition(columns.count == 4, "TripleInserter: four columns")
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        many = try RowInserter(db, sql: head + Array(repeating: "(?1, ?, ?, ?)", count: Self.rowsPerStatement).joined(separator: ", "))
        one = try RowInserter(db, sql: head + "(?1, ?, ?, ?)")
        try many.bind(1, shared)
        try one.bind(1, shared)
        pending.reserveCapacity(3 * Self.rowsPerStatement)
    }

    /// Adds a row; every `rowsPerStatement` rows go in one step.
    mutating func add(_ a: Int64, _ b: Int64, _ c: Int64) throws {
        pending.append(a); pending.append(b); pending.append(c)
        guard pending.count == 3 * Self.rowsPerStatement else { return }
        // Row r's values are parameters 2 + 3r ..< 5 + 3r.
        for (k, v) in pending.enumerated() { try many.bind(Int32(2 + k), v) }
        try many.step()
        pending.removeAll(keepingCapacity: true)
    }

    /// Inserts the rows that did not fill a statement, one by one.
    mutating func finish() throws {
        for r in stride(from: 0, to: pending.count, by: 3) {
            try one.bind(2, pending[r]); try one.bind(3, pending[r + 1]); try one.bind(4, pending[r + 2])
            try one.step()
        }
        pending.removeAll()
    }
}

// Many rows to one INSERT statement: a layer's sums and top images.
//
// `RowInserter` runs its statement once per row; for the 55,000 non-zero intersections of
// MobileNetV2's last layer on a synthetic probe that was ~45 ms, most of the run's final commit,
// and 12,800 top-image rows took 24-36 ms per checkpoint. One `INSERT ... VALUES (...), (...)`
// of `rowsPerStatement` rows takes SQLite about a third as long for the same rows. Values every
// row shares (the layer) are parameters 1, 2, ... bound once; row r's own values follow, at
// explicit parameter numbers. Rows that do not fill a statement go in one at a time.
import GRDB

/// The two statements of a many-row insert and where each row's values are bound.
struct MultiRowInsert {
    let many: RowInserter, one: RowInserter
    let rowsPerStatement: Int
    private let shared: Int, perRow: Int

    /// - Parameters:
    ///   - columns: every column, in the order `row` lays them out.
    ///   - shared: how many parameters every row shares (numbered 1...shared).
    ///   - perRow: how many parameters a row has of its own.
    ///   - row: a row's value list, given its own parameters' numbers (`?N` each) and the shared ones.
    init(_ db: Database, table: String, columns: [String], shared: Int, perRow: Int, rowsPerStatement: Int,
         row: (_ own: [String], _ shared: [String]) -> String) throws {
        precondition(shared >= 0 && perRow > 0 && rowsPerStatement > 0, "MultiRowInsert: bad shape")
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        let sharedNames = (0..<shared).map { "?\($0 + 1)" }
        func values(_ r: Int) -> String {
            row((0..<perRow).map { "?\(shared + 1 + r * perRow + $0)" }, sharedNames)
        }
        many = try RowInserter(db, sql: head + (0..<rowsPerStatement).map(values).joined(separator: ", "))
        one = try RowInserter(db, sql: head + values(0))
        self.rowsPerStatement = rowsPerStatement
        self.shared = shared
        self.perRow = perRow
    }

    /// The parameter number of row `r`'s own value `c` (in `one`, row 0).
    func parameter(row r: Int, value c: Int) -> Int32 { Int32(shared + 1 + r * perRow + c) }
}

/// Inserts rows `(shared, a, b, c)` into `table(columns)`, `rowsPerStatement` per step.
struct TripleInserter {
    static let rowsPerStatement = 128
    private let insert: MultiRowInsert
    private var pending: [Int64] = []

    /// - Parameters:
    ///   - columns: four column names; the first takes `shared` in every row.
    init(_ db: Database, table: String, columns: [String], shared: String) throws {
        precondition(columns.count == 4, "TripleInserter: four columns")
        insert = try MultiRowInsert(db, table: table, columns: columns, shared: 1, perRow: 3,
                                    rowsPerStatement: Self.rowsPerStatement) { own, shared in
            "(\(shared[0]), \(own.joined(separator: ", ")))"
        }
        try insert.many.bind(1, shared)
        try insert.one.bind(1, shared)
        pending.reserveCapacity(3 * Self.rowsPerStatement)
    }

    /// Adds a row; every `rowsPerStatement` rows go in one step.
    mutating func add(_ a: Int64, _ b: Int64, _ c: Int64) throws {
        pending.append(a); pending.append(b); pending.append(c)
        guard pending.count == 3 * Self.rowsPerStatement else { return }
        for (k, v) in pending.enumerated() { try insert.many.bind(insert.parameter(row: k / 3, value: k % 3), v) }
        try insert.many.step()
        pending.removeAll(keepingCapacity: true)
    }

    /// Inserts the rows that did not fill a statement, one by one.
    mutating func finish() throws {
        for r in stride(from: 0, to: pending.count, by: 3) {
            for c in 0..<3 { try insert.one.bind(insert.parameter(row: 0, value: c), pending[r + c]) }
            try insert.one.step()
        }
        pending.removeAll()
    }
}

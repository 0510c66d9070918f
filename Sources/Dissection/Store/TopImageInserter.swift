// A layer's top images, many rows to a statement (`MultiRowInsert`): 12,800 rows with their maps
// for MobileNetV2's last layer at every pass-1 checkpoint.
import GRDB

/// Inserts `top_images` rows of one layer, `rowsPerStatement` per step.
struct TopImageInserter {
    static let rowsPerStatement = 64
    private let insert: MultiRowInsert
    private var pending: [(unit: Int, rank: Int, entry: TopImageEntry)] = []

    /// Rows of `layer`, whose maps are `height x width`.
    init(_ db: Database, layer: String, height: Int, width: Int) throws {
        // Shared: ?1 layer, ?2 map_height, ?3 map_width; per row: unit, rank, image, max_activation, map.
        insert = try MultiRowInsert(db, table: "top_images",
                                    columns: ["layer", "unit", "rank", "image", "max_activation", "map_height", "map_width", "map"],
                                    shared: 3, perRow: 5, rowsPerStatement: Self.rowsPerStatement) { own, shared in
            "(\(shared[0]), \(own[0]), \(own[1]), \(own[2]), \(own[3]), \(shared[1]), \(shared[2]), \(own[4]))"
        }
        for statement in [insert.many, insert.one] {
            try statement.bind(1, layer)
            try statement.bind(2, height)
            try statement.bind(3, width)
        }
        pending.reserveCapacity(Self.rowsPerStatement)
    }

    /// Adds unit `unit`'s entry of rank `rank`; every `rowsPerStatement` rows go in one step.
    mutating func add(unit: Int, rank: Int, _ entry: TopImageEntry) throws {
        pending.append((unit, rank, entry))
        guard pending.count == Self.rowsPerStatement else { return }
        for (r, row) in pending.enumerated() { try bind(row, into: insert.many, row: r) }
        try insert.many.step()
        pending.removeAll(keepingCapacity: true)
    }

    /// Inserts the rows that did not fill a statement, one by one.
    mutating func finish() throws {
        for row in pending {
            try bind(row, into: insert.one, row: 0)
            try insert.one.step()
        }
        pending.removeAll()
    }

    private func bind(_ row: (unit: Int, rank: Int, entry: TopImageEntry), into statement: RowInserter, row r: Int) throws {
        try statement.bind(insert.parameter(row: r, value: 0), row.unit)
        try statement.bind(insert.parameter(row: r, value: 1), row.rank)
        try statement.bind(insert.parameter(row: r, value: 2), row.entry.image)
        try statement.bind(insert.parameter(row: r, value: 3), Double(row.entry.maximum))
        try floatBlob(row.entry.map).withUnsafeBytes { try statement.bind(insert.parameter(row: r, value: 4), blob: $0) }
    }
}

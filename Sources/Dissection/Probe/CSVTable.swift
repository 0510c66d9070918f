// A CSV file read as a table: a header naming the columns, then data rows, with every problem
// (unreadable bytes, wrong column counts) collected as `ProbeProblem`s naming file and line.

/// A Broden CSV table: header, data rows, and the problems found while reading it.
struct CSVTable {
    /// File name relative to the dataset directory, for problems.
    let file: String
    /// Column names from the header, trimmed.
    let header: [String]
    /// Data rows in file order; trailing empty fields beyond the header are dropped. Rows whose
    /// field count still differs from the header's are kept (see `fits`) and named in `problems`.
    var rows: [CSVRow]
    /// What was wrong.
    var problems: [ProbeProblem]

    /// Reads `file` (relative to `directory`) as a table.
    ///
    /// - Throws: `ProbeError.unreadable` when the file cannot be read and
    ///   `ProbeError.malformed` when it holds no header.
    init(directory: String, file: String) throws(ProbeError) {
        let bytes: [UInt8]
        do { bytes = try ProbePaths.read(ProbePaths.join(directory, file)) } catch {
            throw .unreadable(file: file, reason: error.reason)
        }
        try self.init(bytes: bytes, file: file)
    }

    /// Parses `bytes` as the table `file`.
    init(bytes: [UInt8], file: String) throws(ProbeError) {
        self.file = file
        let (rows, issues) = CSV.parse(bytes)
        problems = issues.map { ProbeProblem(file: file, line: $0.line, severity: .warning, cause: $0.cause) }
        guard let first = rows.first else { throw .malformed(file: file, line: nil, reason: "the file is empty") }
        var header = first.fields.map { $0.trimmingSpaces }
        // Broden's index.csv header ends with a comma in some copies: drop an empty last name.
        while header.count > 1 && header.last == "" { header.removeLast() }
        self.header = header
        self.rows = []
        self.rows.reserveCapacity(rows.count - 1)
        for row in rows.dropFirst() {
            var row = row
            while row.fields.count > header.count && row.fields.last == "" { row.fields.removeLast() }
            if row.fields.count != header.count {
                problems.append(ProbeProblem(
                    file: file, line: row.line, severity: .warning,
                    cause: "\(row.fields.count) fields where the header has \(header.count); row left out"))
            }
            self.rows.append(row)
        }
    }

    /// Whether `row` has as many fields as the header.
    func fits(_ row: CSVRow) -> Bool { row.fields.count == header.count }

    /// Index of column `name`, or nil.
    func column(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// Index of column `name`, or `ProbeError.missingColumn`.
    func requiredColumn(_ name: String) throws(ProbeError) -> Int {
        guard let index = column(name) else { throw .missingColumn(file: file, column: name) }
        return index
    }

    /// Records a problem at `line`.
    mutating func note(_ line: Int, _ severity: ProbeProblem.Severity, _ cause: String) {
        problems.append(ProbeProblem(file: file, line: line, severity: severity, cause: cause))
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let utf8 = self.utf8
        guard let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        let last = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return self }
        return String(self[first...last])
    }

    /// The `;`-separated items of a cell, trimmed, empty ones dropped.
    var cellItems: [String] {
        var items: [String] = []
        var start = utf8.startIndex
        var i = start
        while true {
            if i == utf8.endIndex || utf8[i] == UInt8(ascii: ";") {
                if start != i {
                    let item = String(Substring(self[start..<i])).trimmingSpaces
                    if !item.isEmpty { items.append(item) }
                }
                if i == utf8.endIndex { break }
                start = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        return items
    }

    /// The string as a non-negative decimal integer (surrounding spaces allowed), or nil.
    var decimalInt: Int? {
        var value = 0
        var digits = 0
        var ended = false
        for c in utf8 {
            if c == 0x20 || c == 0x09 { if digits > 0 { ended = true }; continue }
            guard !ended, c >= 0x30 && c <= 0x39 else { return nil }
            value = value &* 10 &+ Int(c - 0x30)
            digits += 1
            if digits > 15 { return nil }
        }
        return digits > 0 ? value : nil
    }
}

// A CSV file read as a table: a header naming the columns, then data rows handed out one at a
// time, with every problem (unreadable bytes, wrong column counts) collected as `ProbeProblem`s
// naming file and line.
//
// Rows are split from the file's bytes as they are visited and never all held: a table costs its
// file's bytes plus what its reader keeps per row, so an index.csv of millions of rows does not
// cost a kilobyte per row in parsed fields. Problems are listed up to `maxListed` per table and
// counted beyond, so a table with a defect on every row does not grow a line per row either.

/// A Broden CSV table: header, data rows, and the problems found while reading it.
struct CSVTable {
    /// Problems listed per table; later ones are only counted (see `problems`).
    static let maxListed = ProbeProblem.maxListed

    /// File name relative to the dataset directory, for problems.
    let file: String
    /// Column names from the header, trimmed.
    let header: [String]
    /// The file's bytes, split into rows on each visit.
    private let bytes: [UInt8]
    /// What was wrong, at most `maxListed` problems.
    private var listed: [ProbeProblem]
    /// Problems met beyond `maxListed`, and the line of the first of them.
    private var unlisted = 0, firstUnlistedLine = 0

    /// Reads `file` (relative to the dataset `directory`) as a table.
    ///
    /// - Throws: `ProbeError.unreadable` or `.refused` when the file cannot be read (or is not a
    ///   regular file inside the dataset), and `ProbeError.malformed` when it holds no header or
    ///   its header names a column twice.
    init(directory: String, file: String) throws(ProbeError) {
        let bytes: [UInt8]
        do { bytes = try ProbePaths.read(file, in: directory) } catch {
            throw error.refused ? .refused(file: file, reason: error.reason) : .unreadable(file: file, reason: error.reason)
        }
        try self.init(bytes: bytes, file: file)
    }

    /// Parses `bytes` as the table `file`: the header now, the rows when they are visited.
    init(bytes: [UInt8], file: String) throws(ProbeError) {
        self.file = file
        self.bytes = bytes
        var first: CSVRow?
        var issues: [CSVIssue] = []
        bytes.withUnsafeBufferPointer { buffer in
            CSV.forEachRow(buffer, issue: { issues.append($0) }) { row in first = row; return false }
        }
        listed = issues.map { ProbeProblem(file: file, line: $0.line, severity: .warning, cause: $0.cause) }
        guard let first else { throw .malformed(file: file, line: nil, reason: "the file is empty") }
        var header = first.fields.map { $0.trimmingSpaces }
        // Broden's index.csv header ends with a comma in some copies: drop an empty last name.
        while header.count > 1 && header.last == "" { header.removeLast() }
        // A name listed twice makes every lookup by name ambiguous: refuse rather than guess.
        var seen: [String: Int] = [:]
        for (position, name) in header.enumerated() where !name.isEmpty {
            if let earlier = seen[name] {
                throw .malformed(file: file, line: first.line,
                                 reason: "column '\(ProbeText.shown(name))' appears twice in the header (columns \(earlier + 1) and \(position + 1))")
            }
            seen[name] = position
        }
        self.header = header
    }

    /// Calls `body` with every data row in file order until it returns false. Trailing empty
    /// fields beyond the header are dropped first; a row whose field count still differs from
    /// the header's is noted (and passed on: see `fits`), as are the splitter's problems.
    mutating func forEachRow(_ body: (inout CSVTable, CSVRow) -> Bool) {
        let bytes = self.bytes, width = header.count
        var pastHeader = false
        bytes.withUnsafeBufferPointer { buffer in
            CSV.forEachRow(buffer, issue: { issue in
                // The header's issues were noted when it was read.
                if pastHeader { self.note(issue.line, .warning, issue.cause) }
            }) { row in
                guard pastHeader else { pastHeader = true; return true }
                var row = row
                while row.fields.count > width && row.fields.last == "" { row.fields.removeLast() }
                if row.fields.count != width {
                    self.note(row.line, .warning, "\(row.fields.count) fields where the header has \(width); row left out")
                }
                return body(&self, row)
            }
        }
    }

    /// Calls `body` with every data row, as `forEachRow` does, but notes nothing: a look ahead.
    func peekRows(_ body: (CSVRow) -> Bool) {
        var pastHeader = false
        bytes.withUnsafeBufferPointer { buffer in
            CSV.forEachRow(buffer, issue: { _ in }) { row in
                guard pastHeader else { pastHeader = true; return true }
                return body(row)
            }
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

    /// Records a problem at `line` (only counted beyond `maxListed`).
    mutating func note(_ line: Int, _ severity: ProbeProblem.Severity, _ cause: String) {
        guard listed.count < Self.maxListed else {
            if unlisted == 0 { firstUnlistedLine = line }
            unlisted += 1
            return
        }
        listed.append(ProbeProblem(file: file, line: line, severity: severity, cause: cause))
    }

    /// The problems found so far, with one more line counting those not listed.
    var problems: [ProbeProblem] {
        guard unlisted > 0 else { return listed }
        return listed + [ProbeProblem(file: file, line: firstUnlistedLine, severity: .warning,
                                      cause: "\(unlisted) more problem\(unlisted == 1 ? "" : "s") from this line on, not listed (only the first \(Self.maxListed) of a file are)")]
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

// A small, strict-but-forgiving CSV reader for the Broden tables.
//
// Broden's CSVs are plain comma-separated text, but copies of the dataset pass through
// spreadsheets and Windows machines, so the reader accepts what those add: a UTF-8 byte-order
// mark, CRLF (or lone CR) line ends, quoted fields with doubled quotes and embedded commas or
// newlines, blank lines, and a last line without a newline. It works on bytes (no per-character
// String work), which is what makes the 63,305-row index read in a few tens of milliseconds.
// Every row remembers the line it started on so that problems can be named `file:line`.

/// One parsed CSV row and the 1-based line of the file it starts on.
public struct CSVRow: Sendable, Equatable {
    /// 1-based line number of the row's first character.
    public var line: Int
    /// The row's fields, unquoted.
    public var fields: [String]
}

/// A problem met while splitting a CSV file into rows.
public struct CSVIssue: Sendable, Equatable {
    /// 1-based line where the problem is.
    public var line: Int
    /// What is wrong, in words.
    public var cause: String
}

/// Splitting CSV bytes into rows.
public enum CSV {
    /// Most fields kept in one row; a row of a million commas must not cost a million strings.
    public static let maxFields = 4096

    /// Parses `bytes` into rows (the header included), skipping blank lines.
    ///
    /// Never fails: damage is reported in `issues` (an unterminated quote, a stray quote inside
    /// an unquoted field, a NUL byte) and parsing goes on as sensibly as it can.
    /// - Complexity: O(n) in the number of bytes.
    public static func parse(_ bytes: [UInt8]) -> (rows: [CSVRow], issues: [CSVIssue]) {
        bytes.withUnsafeBufferPointer { parse($0) }
    }

    /// Parses the bytes in `buffer`; see `parse(_:)`.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> (rows: [CSVRow], issues: [CSVIssue]) {
        var rows: [CSVRow] = []
        var issues: [CSVIssue] = []
        forEachRow(buffer, issue: { issues.append($0) }) { rows.append($0); return true }
        return (rows, issues)
    }

    /// Splits the bytes in `buffer` into rows (the header included, blank lines skipped) and hands
    /// them to `row` one at a time, in file order, until it returns false; damage goes to `issue`
    /// as it is met (see `parse(_:)`).
    ///
    /// Only the current row is held: a table of millions of rows is read in the memory of one.
    /// - Complexity: O(n) in the number of bytes read.
    public static func forEachRow(_ buffer: UnsafeBufferPointer<UInt8>, issue: (CSVIssue) -> Void,
                                  _ row: (CSVRow) -> Bool) {
        var state = Splitter()
        let n = buffer.count
        var i = 0
        if n >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { i = 3 }
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        while i < n {
            let c = buffer[i]
            if state.fields.isEmpty && state.field.isEmpty && state.atFieldStart { state.rowLine = state.line }
            switch c {
            case quote where state.atFieldStart && state.field.isEmpty:
                // A quoted field: read to the closing quote, "" standing for one quote.
                let startLine = state.line
                i += 1
                var closed = false
                while i < n {
                    let q = buffer[i]
                    if q == quote {
                        if i + 1 < n && buffer[i + 1] == quote { state.field.append(q); i += 2; continue }
                        closed = true; i += 1; break
                    }
                    if q == lf || (q == cr && !(i + 1 < n && buffer[i + 1] == lf)) { state.line += 1 }
                    state.field.append(q); i += 1
                }
                if !closed { issue(CSVIssue(line: startLine, cause: "a quoted field is never closed")) }
                state.atFieldStart = false
            case quote:
                issue(CSVIssue(line: state.line, cause: "a quote inside an unquoted field"))
                state.field.append(c); state.atFieldStart = false; i += 1
            case comma:
                if state.fields.count == maxFields - 1 && state.dropped == 0 {
                    issue(CSVIssue(line: state.rowLine, cause: "more than \(maxFields) fields in one row; the rest are ignored"))
                }
                state.endField(); state.atFieldStart = true; i += 1
            case cr, lf:
                if let complete = state.endRow(), !row(complete) { return }
                state.atFieldStart = true; state.line += 1
                i += (c == cr && i + 1 < n && buffer[i + 1] == lf) ? 2 : 1
            case 0:
                issue(CSVIssue(line: state.line, cause: "a NUL byte (is this a binary file?)"))
                i += 1
            default:
                // Copy the run of ordinary bytes at once.
                var j = i + 1
                while j < n {
                    let d = buffer[j]
                    if d == comma || d == cr || d == lf || d == quote || d == 0 { break }
                    j += 1
                }
                state.field.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<j]))
                state.atFieldStart = false
                i = j
            }
        }
        if !state.fields.isEmpty || !state.field.isEmpty, let complete = state.endRow() { _ = row(complete) }
    }

    /// The splitter's state between bytes: the row being split, never the rows before it.
    private struct Splitter {
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var rowLine = 1
        var atFieldStart = true
        /// Fields of the current row beyond `maxFields`, left out.
        var dropped = 0

        mutating func endField() {
            if fields.count < CSV.maxFields {
                fields.append(String(decoding: field, as: UTF8.self))
            } else {
                dropped += 1
            }
            field.removeAll(keepingCapacity: true)
        }

        /// The row just ended, or nil for a blank line.
        mutating func endRow() -> CSVRow? {
            endField()
            defer { fields.removeAll(keepingCapacity: true); dropped = 0 }
            // A line holding nothing at all is blank, not a row with one empty field.
            if fields.count == 1 && fields[0].isEmpty { return nil }
            return CSVRow(line: rowLine, fields: fields)
        }
    }
}

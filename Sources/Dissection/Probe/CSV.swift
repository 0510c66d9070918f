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
        let n = buffer.count
        var i = 0
        if n >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { i = 3 }
        var line = 1
        var fields: [String] = []
        var rowLine = 1
        var field: [UInt8] = []
        field.reserveCapacity(256)

        @inline(__always) func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        @inline(__always) func endRow() {
            endField()
            // A line holding nothing at all is blank, not a row with one empty field.
            if !(fields.count == 1 && fields[0].isEmpty) {
                rows.append(CSVRow(line: rowLine, fields: fields))
            }
            fields.removeAll(keepingCapacity: true)
        }

        var atFieldStart = true
        while i < n {
            let c = buffer[i]
            if atFieldStart && fields.isEmpty && field.isEmpty { rowLine = line }
            switch c {
            case UInt8(ascii: "\""):
                if atFieldStart && field.isEmpty {
                    // A quoted field: read to the closing quote, "" standing for one quote.
                    let startLine = line
                    i += 1
                    var closed = false
                    while i < n {
                        let q = buffer[i]
                        if q == UInt8(ascii: "\"") {
                            if i + 1 < n && buffer[i + 1] == UInt8(ascii: "\"") {
                                field.append(q); i += 2; continue
                            }
                            closed = true; i += 1; break
                        }
                        if q == UInt8(ascii: "\n") || (q == UInt8(ascii: "\r") && !(i + 1 < n && buffer[i + 1] == UInt8(ascii: "\n"))) {
                            line += 1
                        }
                        field.append(q); i += 1
                    }
                    if !closed {
                        issues.append(CSVIssue(line: startLine, cause: "a quoted field is never closed"))
                    }
                    atFieldStart = false
                    continue
                }
                issues.append(CSVIssue(line: line, cause: "a quote inside an unquoted field"))
                field.append(c); atFieldStart = false; i += 1
            case UInt8(ascii: ","):
                endField(); atFieldStart = true; i += 1
            case UInt8(ascii: "\r"):
                endRow(); atFieldStart = true; line += 1
                i += (i + 1 < n && buffer[i + 1] == UInt8(ascii: "\n")) ? 2 : 1
            case UInt8(ascii: "\n"):
                endRow(); atFieldStart = true; line += 1; i += 1
            case 0:
                issues.append(CSVIssue(line: line, cause: "a NUL byte (is this a binary file?)"))
                i += 1
            default:
                field.append(c); atFieldStart = false; i += 1
            }
        }
        if !fields.isEmpty || !field.isEmpty { endRow() }
        return (rows, issues)
    }
}

// The CSV reader: every shape of text that spreadsheets and other systems produce.
import Testing
import TestSupport
@testable import Dissection

@Suite struct CSVTests {
    func rows(_ text: String) -> [CSVRow] { CSV.parse(Array(text.utf8)).rows }

    @Test func emptyOneAndManyRows() {
        #expect(rows("").isEmpty)
        #expect(rows("a") == [CSVRow(line: 1, fields: ["a"])])
        #expect(rows("a,b\n1,2\n") == [CSVRow(line: 1, fields: ["a", "b"]), CSVRow(line: 2, fields: ["1", "2"])])
        #expect(rows("a,,\n").first?.fields == ["a", "", ""])
    }

    @Test func lineEndsByteOrderMarkAndNoFinalNewline() {
        let expected = [CSVRow(line: 1, fields: ["x", "y"]), CSVRow(line: 2, fields: ["1", "2"])]
        #expect(rows("x,y\r\n1,2\r\n") == expected)
        #expect(rows("x,y\r1,2") == expected)
        #expect(rows("\u{FEFF}x,y\n1,2") == expected)
        #expect(rows("x,y\n1,2") == expected)
    }

    @Test func blankLinesAreSkippedButCounted() {
        #expect(rows("a\n\n\nb\n") == [CSVRow(line: 1, fields: ["a"]), CSVRow(line: 4, fields: ["b"])])
    }

    @Test func quotedFields() {
        let parsed = rows("n,s\n1,\"dog;domestic dog\"\n2,\"a, \"\"quoted\"\" b\"\n3,\"two\nlines\"\n4,x\n")
        #expect(parsed.map(\.fields) == [["n", "s"], ["1", "dog;domestic dog"], ["2", "a, \"quoted\" b"],
                                         ["3", "two\nlines"], ["4", "x"]])
        #expect(parsed.map(\.line) == [1, 2, 3, 4, 6])
    }

    @Test func damageIsReportedWithItsLine() {
        let unclosed = CSV.parse(Array("a,b\n1,\"never closed\n2,3\n".utf8))
        #expect(unclosed.issues == [CSVIssue(line: 2, cause: "a quoted field is never closed")])
        let stray = CSV.parse(Array("a,b\n1,x\"y\n".utf8))
        #expect(stray.issues.map(\.line) == [2])
        #expect(stray.rows.last?.fields == ["1", "x\"y"])
    }

    @Test func randomBytesNeverCrash() {
        withEvery("seed", in: 0..<200) { seed in
            var rng = SeededGenerator(seed: UInt64(seed))
            let alphabet: [UInt8] = Array("a,\"\r\n;0\u{00}".utf8) + [0xEF, 0xBB, 0xBF, 0xFF]
            let bytes = (0..<Int.random(in: 0..<300, using: &rng)).map { _ in
                seed % 2 == 0 ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            let parsed = CSV.parse(bytes)
            #expect(parsed.rows.allSatisfy { $0.line >= 1 })
            #expect(zip(parsed.rows, parsed.rows.dropFirst()).allSatisfy { $0.line < $1.line })
        }
    }
}

// The streaming JSON reader: random documents written with random white space and escapes read
// back equal to what was written, whatever the buffer size; malformed and over-long input named
// with its byte offset.
import Foundation
import Runtime
import TestSupport
import Testing
@testable import ProbeTools

@Suite struct JSONStreamTests {
    /// Streams `text` from a file, keeping the elements of `arrays`.
    func stream(_ text: String, arrays: Set<String> = ["a"], limits: JSONStream.Limits = .init(),
                bufferBytes: Int = 1 << 20) throws -> (elements: [(String, JSONValue, Int)], found: Set<String>) {
        let path = try makeTemporaryDirectory("nd-json") + "/f.json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        var reader = JSONStream(file: try RegularFile(path: path), limits: limits, bufferBytes: bufferBytes)
        var elements: [(String, JSONValue, Int)] = []
        let found = try reader.forEachElement(ofArrays: arrays) { key, element, at throws(JSONStreamError) in elements.append((key, element, at)) }
        return (elements, found)
    }

    /// The error streaming `text` gives (`nil` when it reads).
    func failure(_ text: String, limits: JSONStream.Limits = .init()) -> JSONStreamError? {
        do { _ = try stream(text, limits: limits, bufferBytes: 16); return nil } catch let error as JSONStreamError { return error } catch {
            Issue.record("\(error)"); return nil
        }
    }

    @Test func emptyOneAndManyElements() throws {
        #expect(try stream("{}").elements.isEmpty)
        #expect(try stream("{}").found.isEmpty)
        #expect(try stream(" {\"a\": []} \n").found == ["a"])
        let one = try stream("{\"a\":[1]}").elements
        #expect(one.count == 1 && one[0].1 == .integer(1) && one[0].2 == 6)
        let text = "{\"x\": {\"a\": [9]}, \"a\": [1, -2.5e3, \"s\", true, false, null, [], {}], \"b\": [{\"c\": 0}], \"a\": [{\"k\": [1, {\"z\": -0}]}]}"
        let many = try stream(text, arrays: ["a", "b"]).elements
        #expect(many.map(\.0) == ["a", "a", "a", "a", "a", "a", "a", "a", "b", "a"])
        #expect(many.map(\.1) == [.integer(1), .number(-2500), .string("s"), .bool(true), .bool(false), .null, .array([]), .object([:]),
                                  .object(["c": .integer(0)]), .object(["k": .array([.integer(1), .object(["z": .integer(0)])])])])
        // Each offset is where its element begins.
        let bytes = Array(text.utf8)
        for (_, element, at) in many {
            let first: UInt8 = switch element {
            case .integer, .number: bytes[at] == UInt8(ascii: "-") ? UInt8(ascii: "-") : bytes[at]
            case .string: UInt8(ascii: "\"")
            case .object: UInt8(ascii: "{")
            case .array: UInt8(ascii: "[")
            case .bool(true): UInt8(ascii: "t")
            case .bool(false): UInt8(ascii: "f")
            case .null: UInt8(ascii: "n")
            }
            #expect(bytes[at] == first)
        }
    }

    @Test func stringsAndNumbers() throws {
        let text = #"{"a": ["caf\u00e9 \"q\" \\ \/ \b\f\n\r\t", "\ud83d\ude00", "\ud83d", "\udc00x", "é😀", 0, -0, 12, -7, 1.5, 2e2, 1E-2, 9223372036854775807, 9223372036854775808]}"#
        let values = try stream(text).elements.map(\.1)
        #expect(values == [.string("café \"q\" \\ / \u{08}\u{0C}\n\r\t"), .string("😀"), .string("\u{FFFD}"), .string("\u{FFFD}x"), .string("é😀"),
                           .integer(0), .integer(0), .integer(12), .integer(-7), .number(1.5), .number(200), .number(0.01),
                           .integer(Int.max), .number(9223372036854775808)])
        #expect(JSONValue.number(3).int == 3 && JSONValue.number(3.5).int == nil && JSONValue.string("3").int == nil)
    }

    /// Random documents, written with random white space and escapes, read back as written.
    @Test func randomDocumentsReadBackAsWritten() throws {
        withEvery("seed", in: 0..<24) { seed in
            var random = SeededGenerator(seed: UInt64(seed))
            let elements = (0..<Int.random(in: 0...30, using: &random)).map { _ in Self.value(depth: 0, &random) }
            var text = "{" + Self.space(&random) + "\"skip\":" + Self.write(Self.value(depth: 0, &random), &random) + ","
            text += Self.space(&random) + "\"a\"" + Self.space(&random) + ":" + Self.space(&random) + "["
            text += elements.map { Self.space(&random) + Self.write($0, &random) + Self.space(&random) }.joined(separator: ",")
            text += "]" + Self.space(&random) + "}" + Self.space(&random)
            for buffer in [16, 17, 4096] {
                let read = try stream(text, bufferBytes: buffer).elements.map(\.1)
                #expect(read == elements, "buffer \(buffer)")
            }
        }
    }

    @Test func malformedInputIsNamedWithItsOffset() throws {
        let cases: [(String, Int, String)] = [
            ("", 0, "empty"),
            ("   ", 3, "empty"),
            ("[1]", 0, "expected '{'"),
            ("{\"a\": [1, 2", 11, "ends inside 'a'"),
            ("{\"a\": [1, 2,]}", 12, "expected a value, found ']'"),
            ("{\"a\": [1] \"b\": 2}", 10, "expected ',' or '}'"),
            ("{\"a\" [1]}", 5, "expected ':'"),
            ("{a: 1}", 1, "expected a key"),
            ("{\"a\": 1}", 6, "'a' must be an array"),
            ("{\"a\": [\"x\\qy\"]}", 10, "no escape"),
            ("{\"a\": [\"x\ny\"]}", 9, "control character (0x0A)"),
            ("{\"a\": [\"abc]}", 7, "not closed"),
            ("{\"a\": [\"\\u12g4\"]}", 12, "hex digits"),
            ("{\"a\": [01]}", 8, "expected ',' or ']'"),
            ("{\"a\": [-]}", 8, "expected a digit"),
            ("{\"a\": [1.]}", 9, "expected a digit"),
            ("{\"a\": [1e+]}", 10, "expected a digit"),
            ("{\"a\": [tru]}", 7, "expected true"),
            ("{\"a\": [nul", 7, "expected null"),
            ("{\"a\": [1e999]}", 7, "out of range"),
            ("{} x", 3, "'x' after the end"),
            ("{\"a\": []}{}", 9, "'{' after the end"),
            ("{\"s\": {\"t\": [1 2]}}", 15, "expected ',' or ']' in an array"),
        ]
        for (text, offset, reason) in cases {
            let error = try #require(failure(text), "\(text)")
            #expect(error.offset == offset && error.reason.contains(reason), "\(text): \(error)")
            #expect(error.description.hasPrefix("byte \(offset): "))
        }
    }

    @Test func everyLengthAndDepthIsBounded() throws {
        var limits = JSONStream.Limits()
        limits.depth = 8
        limits.stringBytes = 10
        limits.elementBytes = 40
        limits.elements = 3
        limits.numberCharacters = 5
        let deep = String(repeating: "[", count: 9) + String(repeating: "]", count: 9)
        #expect(failure("{\"a\": [\(deep)]}", limits: limits)?.reason.contains("deeper than 8") == true)
        // Skipped members are bounded in depth too, but not in length.
        #expect(failure("{\"x\": [\(deep)]}", limits: limits)?.reason.contains("deeper than 8") == true)
        #expect(failure("{\"x\": [\"\(String(repeating: "s", count: 100))\", 123456789], \"a\": []}", limits: limits) == nil)
        #expect(failure("{\"a\": [\"0123456789x\"]}", limits: limits).map { ($0.offset, $0.reason.contains("longer than 10 bytes")) } ?? (0, false) == (7, true))
        #expect(failure("{\"a\": [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]]}", limits: limits)?.reason.contains("element longer than 40 bytes") == true)
        #expect(failure("{\"a\": [1, 2, 3, 4]}", limits: limits)?.reason.contains("more than 3 elements") == true)
        #expect(failure("{\"a\": [123456]}", limits: limits)?.reason.contains("longer than 5 characters") == true)
        #expect(failure("{\"a\": [12345, 1, 2]}", limits: limits) == nil)
    }

    // MARK: Random documents

    static func value(depth: Int, _ random: inout SeededGenerator) -> JSONValue {
        switch Int.random(in: 0..<(depth < 4 ? 8 : 6), using: &random) {
        case 0: return .string(string(&random))
        case 1: return .integer(Int.random(in: -1_000_000_000_000...1_000_000_000_000, using: &random))
        case 2: return .number(Double(Int.random(in: -99_999...99_999, using: &random)) / 64 + 0.5)
        case 3: return .bool(Bool.random(using: &random))
        case 4: return .null
        case 5: return .string("")
        case 6: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(depth: depth + 1, &random) })
        default:
            var members = JSONObject()
            for _ in 0..<Int.random(in: 0...4, using: &random) { members.append(string(&random), value(depth: depth + 1, &random)) }
            return .object(members)
        }
    }

    static func string(_ random: inout SeededGenerator) -> String {
        let alphabet: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "é", "漢", "😀", "\u{7F}"]
        return String(String.UnicodeScalarView((0..<Int.random(in: 0...8, using: &random)).map { _ in alphabet.randomElement(using: &random)! }))
    }

    static func space(_ random: inout SeededGenerator) -> String {
        String((0..<Int.random(in: 0...2, using: &random)).map { _ in [" ", "\n", "\t", "\r"].randomElement(using: &random)! })
    }

    /// `value` as JSON text, escaping at random where JSON allows a character either way.
    static func write(_ value: JSONValue, _ random: inout SeededGenerator) -> String {
        switch value {
        case let .string(text): return quoted(text, &random)
        case let .integer(n): return "\(n)"
        case let .number(x): return Bool.random(using: &random) ? "\(x)" : String(format: "%.17e", x)
        case let .bool(b): return b ? "true" : "false"
        case .null: return "null"
        case let .array(elements): return "[" + elements.map { space(&random) + write($0, &random) }.joined(separator: ",") + "]"
        case let .object(object):
            // Every member written, a key given twice too: the last one wins on both sides.
            return "{" + object.members.map { member in
                space(&random) + quoted(member.key, &random) + space(&random) + ":" + write(member.value, &random)
            }.joined(separator: ",") + "}"
        }
    }

    static func quoted(_ text: String, _ random: inout SeededGenerator) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || Bool.random(using: &random) && scalar.value > 0x7F {
                    for unit in String(scalar).utf16 { out += "\\u" + String(format: "%04x", unit) }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

// Reading a JSON file too large to decode whole: COCO's panoptic_train2017.json is about 0.5 GB,
// and a JSON decoder holding it as a tree costs several GB. `JSONStream` walks the top-level
// object member by member, reading the file through one fixed buffer; the members named are
// arrays whose elements are parsed one at a time and handed over (a COCO annotation, a
// category), and every other member is read through and checked without being kept.
//
// Everything read is bounded before it is kept: nesting depth, a kept string's bytes, a number's
// characters, one element's bytes, and the elements of an array. Malformed input throws a
// `JSONStreamError` with the byte offset where it was seen. Syntax is RFC 8259's: no comments,
// no trailing commas; invalid UTF-8 inside strings is replaced (U+FFFD), as a lone surrogate is.
import Runtime

/// Walks a JSON file whose top level is an object, keeping one array element at a time.
///
/// A value rather than a class: the walk's state is mutated for every byte, and a struct's
/// mutations need none of the dynamic exclusivity checks a class's stored properties get.
struct JSONStream {
    /// The bounds on what is kept.
    struct Limits: Sendable {
        /// Deepest nesting of arrays and objects, kept or not.
        var depth = 64
        /// Longest string kept (a key, a file name), in bytes.
        var stringBytes = 1 << 20
        /// Longest element kept, in bytes of the file.
        var elementBytes = 16 << 20
        /// Most elements of one array member.
        var elements = 20_000_000
        /// Longest number, in characters.
        var numberCharacters = 64
    }

    private let file: RegularFile
    private let limits: Limits
    // One buffer for the whole walk: `buffer[0..<count]` holds the file's bytes from `start`;
    // `position` is the next byte to read.
    private var buffer: [UInt8]
    private var start = 0
    private var count = 0
    private var position = 0
    /// Where the element being kept began, for the element bound.
    private var elementStart: Int?
    private var scratch: [UInt8] = []
    private var numberText: [UInt8] = []

    /// A walk of `file`, read `bufferBytes` at a time.
    init(file: RegularFile, limits: Limits = Limits(), bufferBytes: Int = 1 << 20) {
        precondition(bufferBytes >= 16, "JSONStream: buffer of \(bufferBytes) bytes")
        self.file = file
        self.limits = limits
        buffer = [UInt8](repeating: 0, count: bufferBytes)
    }

    /// Offset in the file of the next byte to read.
    var offset: Int { start + position }

    /// Walks the top-level object. For each member whose key is in `arrays`, the value must be an
    /// array: each element is parsed and given to `body` with the key and the element's offset.
    /// Other members are read, checked and dropped. The whole file is read: after the object,
    /// only white space may follow.
    ///
    /// - Returns: the keys of `arrays` that the object has.
    /// - Throws: `JSONStreamError` for malformed or over-long input, and whatever `body` throws.
    @discardableResult
    mutating func forEachElement(ofArrays arrays: Set<String>,
                        _ body: (_ key: String, _ element: JSONValue, _ offset: Int) throws(JSONStreamError) -> Void) throws(JSONStreamError) -> Set<String> {
        var found: Set<String> = []
        guard let first = try skipSpace() else { throw fail("the file is empty; expected a JSON object") }
        guard first == UInt8(ascii: "{") else { throw fail("expected '{' (the top-level object), found \(shown(first))") }
        position += 1
        if try skipSpace() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                let key = try key()
                if arrays.contains(key) {
                    found.insert(key)
                    try elements(of: key, body)
                } else {
                    _ = try value(keep: false, depth: 2)
                }
                guard try endOfMember(close: UInt8(ascii: "}"), in: "the top-level object") else { break }
            }
        }
        if let extra = try skipSpace() { throw fail("\(shown(extra)) after the end of the top-level object") }
        return found
    }

    // MARK: Containers

    /// The elements of the array member `key`, each kept and handed to `body`.
    private mutating func elements(of key: String, _ body: (String, JSONValue, Int) throws(JSONStreamError) -> Void) throws(JSONStreamError) {
        let open = try skipSpace()
        guard open == UInt8(ascii: "[") else {
            throw fail("'\(key)' must be an array, found \(open.map(shown) ?? "the end of the file")")
        }
        position += 1
        if try skipSpace() == UInt8(ascii: "]") { position += 1; return }
        var n = 0
        while true {
            n += 1
            guard n <= limits.elements else { throw fail("'\(key)' has more than \(limits.elements) elements") }
            _ = try skipSpace()
            let at = offset
            elementStart = at
            let element = try value(keep: true, depth: 2)!
            elementStart = nil
            try body(key, element, at)
            guard try endOfMember(close: UInt8(ascii: "]"), in: "'\(key)'") else { return }
        }
    }

    /// After a member or element: true at ',' (another follows), false at `close`.
    private mutating func endOfMember(close: UInt8, in container: String) throws(JSONStreamError) -> Bool {
        guard let byte = try skipSpace() else { throw fail("the file ends inside \(container)") }
        position += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == close { return false }
        position -= 1
        throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))' in \(container), found \(shown(byte))")
    }

    /// An object's key and the ':' after it.
    private mutating func key() throws(JSONStreamError) -> String {
        guard let quote = try skipSpace() else { throw fail("the file ends where a key should be") }
        guard quote == UInt8(ascii: "\"") else { throw fail("expected a key (a string in double quotes), found \(shown(quote))") }
        position += 1
        let key = try string(keep: true)!
        guard let colon = try skipSpace(), colon == UInt8(ascii: ":") else {
            throw fail("expected ':' after the key '\(key.prefix(40))'")
        }
        position += 1
        return key
    }

    /// The value at the reader; nil when not kept.
    private mutating func value(keep: Bool, depth: Int) throws(JSONStreamError) -> JSONValue? {
        guard depth <= limits.depth else { throw fail("arrays and objects nested deeper than \(limits.depth) levels") }
        if keep, let elementStart, offset - elementStart > limits.elementBytes {
            throw fail("an element longer than \(limits.elementBytes) bytes (it began at byte \(elementStart))")
        }
        guard let byte = try skipSpace() else { throw fail("the file ends where a value should be") }
        switch byte {
        case UInt8(ascii: "{"):
            position += 1
            var members = JSONObject()
            if try skipSpace() == UInt8(ascii: "}") { position += 1; return keep ? .object(members) : nil }
            repeat {
                let key = try key()
                let member = try value(keep: keep, depth: depth + 1)
                if keep { members.append(key, member!) }
            } while try endOfMember(close: UInt8(ascii: "}"), in: "an object")
            return keep ? .object(members) : nil
        case UInt8(ascii: "["):
            position += 1
            var elements: [JSONValue] = []
            if try skipSpace() == UInt8(ascii: "]") { position += 1; return keep ? .array(elements) : nil }
            repeat {
                let element = try value(keep: keep, depth: depth + 1)
                if keep { elements.append(element!) }
            } while try endOfMember(close: UInt8(ascii: "]"), in: "an array")
            return keep ? .array(elements) : nil
        case UInt8(ascii: "\""):
            position += 1
            return try string(keep: keep).map(JSONValue.string)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number(keep: keep)
        case UInt8(ascii: "t"): try literal("true"); return keep ? .bool(true) : nil
        case UInt8(ascii: "f"): try literal("false"); return keep ? .bool(false) : nil
        case UInt8(ascii: "n"): try literal("null"); return keep ? .null : nil
        default: throw fail("expected a value, found \(shown(byte))")
        }
    }

    // MARK: Scalars

    /// The rest of a string whose opening quote was read; nil when not kept.
    private mutating func string(keep: Bool) throws(JSONStreamError) -> String? {
        let begin = offset - 1
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard let byte = try nextByte() else { throw fail(at: begin, "a string that is not closed") }
            switch byte {
            case UInt8(ascii: "\""):
                return keep ? String(decoding: scratch, as: UTF8.self) : nil
            case UInt8(ascii: "\\"):
                let scalar = try escape()
                if keep { scratch.append(contentsOf: Array(String(scalar).utf8)) }
            case 0..<0x20:
                throw fail(at: offset - 1, "a control character (\(hex(byte))) inside a string; JSON writes it as \\u00\(hex(byte).dropFirst(2))")
            default:
                if keep { scratch.append(byte) }
            }
            if keep && scratch.count > limits.stringBytes {
                throw fail(at: begin, "a string longer than \(limits.stringBytes) bytes")
            }
        }
    }

    /// The character of an escape whose backslash was read.
    private mutating func escape() throws(JSONStreamError) -> Unicode.Scalar {
        guard let byte = try nextByte() else { throw fail("the file ends inside an escape") }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return Unicode.Scalar(byte)
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hexUnit()
            guard (0xD800..<0xDC00).contains(unit) else {
                return Unicode.Scalar(unit) ?? "\u{FFFD}"       // a lone low surrogate is no scalar
            }
            // A high surrogate: a low one must follow as "\uDC00".."\uDFFF".
            guard try peekByte() == UInt8(ascii: "\\") else { return "\u{FFFD}" }
            position += 1
            guard try nextByte() == UInt8(ascii: "u") else { throw fail(at: offset - 1, "expected \\u after a high surrogate") }
            let low = try hexUnit()
            guard (0xDC00..<0xE000).contains(low) else { return "\u{FFFD}" }
            return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
        default:
            throw fail(at: offset - 1, "\(shown(byte)) is no escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
        }
    }

    /// Four hex digits of a \u escape.
    private mutating func hexUnit() throws(JSONStreamError) -> UInt32 {
        var unit: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = try nextByte() else { throw fail("the file ends inside a \\u escape") }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail(at: offset - 1, "\(shown(byte)) in a \\u escape (four hex digits)")
            }
            unit = unit << 4 | UInt32(digit)
        }
        return unit
    }

    /// A number, as RFC 8259 writes it: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func number(keep: Bool) throws(JSONStreamError) -> JSONValue? {
        let begin = offset
        numberText.removeAll(keepingCapacity: true)
        var integral = true
        if try peekByte() == UInt8(ascii: "-") { try take(keep, begin) }
        if try peekByte() == UInt8(ascii: "0") { try take(keep, begin) } else { try digits(keep, begin) }
        if try peekByte() == UInt8(ascii: ".") { integral = false; try take(keep, begin); try digits(keep, begin) }
        if let e = try peekByte(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            integral = false
            try take(keep, begin)
            if let sign = try peekByte(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { try take(keep, begin) }
            try digits(keep, begin)
        }
        guard keep else { return nil }
        let string = String(decoding: numberText, as: UTF8.self)
        if integral, let value = Int(string) { return .integer(value) }
        guard let value = Double(string), value.isFinite else { throw fail(at: begin, "the number \(string) is out of range") }
        return .number(value)
    }

    /// Reads one byte of a number that began at `begin` (kept in `numberText` when `keep`).
    @inline(__always)
    private mutating func take(_ keep: Bool, _ begin: Int) throws(JSONStreamError) {
        let byte = try nextByte()!
        if keep {
            numberText.append(byte)
            if numberText.count > limits.numberCharacters { throw fail(at: begin, "a number longer than \(limits.numberCharacters) characters") }
        }
    }

    /// One or more digits of a number.
    private mutating func digits(_ keep: Bool, _ begin: Int) throws(JSONStreamError) {
        let first = try peekByte()
        guard let first, isDigit(first) else {
            throw fail("expected a digit in a number, found \(first.map(shown) ?? "the end of the file")")
        }
        while let d = try peekByte(), isDigit(d) { try take(keep, begin) }
    }

    /// `word` (true, false, null), whose first letter is at the reader.
    private mutating func literal(_ word: String) throws(JSONStreamError) {
        let begin = offset
        for expected in word.utf8 {
            guard try nextByte() == expected else { throw fail(at: begin, "expected \(word)") }
        }
    }

    // MARK: Bytes

    /// The next byte that is not white space, not consumed; nil at the end of the file.
    @inline(__always)
    private mutating func skipSpace() throws(JSONStreamError) -> UInt8? {
        while let byte = try peekByte() {
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return byte }
            position += 1
        }
        return nil
    }

    @inline(__always)
    private mutating func peekByte() throws(JSONStreamError) -> UInt8? {
        if position == count {
            try refill()
            if count == 0 { return nil }
        }
        return buffer[position]
    }

    @inline(__always)
    private mutating func nextByte() throws(JSONStreamError) -> UInt8? {
        guard let byte = try peekByte() else { return nil }
        position += 1
        return byte
    }

    /// Reads the next part of the file; never past the size it had when opened.
    private mutating func refill() throws(JSONStreamError) {
        start += count
        position = 0
        count = 0
        let wanted = min(buffer.count, max(0, file.size - start))
        guard wanted > 0 else { return }
        let (file, start) = (self.file, self.start)
        let result = buffer.withUnsafeMutableBytes { bytes in
            Result { () throws(RegularFile.Failure) in try file.read(at: start, into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<wanted])) }
        }
        switch result {
        case let .success(got): count = got
        case let .failure(error): throw JSONStreamError(offset: start, reason: "cannot be read (\(error.reason))")
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func fail(_ reason: String) -> JSONStreamError { JSONStreamError(offset: offset, reason: reason) }

    private func fail(at offset: Int, _ reason: String) -> JSONStreamError { JSONStreamError(offset: offset, reason: reason) }

    /// A byte for a message: the character when printable ASCII, else its hex value.
    private func shown(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : hex(byte)
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }
}

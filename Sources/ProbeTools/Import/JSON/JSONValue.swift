// One JSON value held in memory: an entry of a large file's top-level array, read by
// `JSONStream` one at a time (a COCO annotation, a category), never the whole file.

/// A parsed JSON value.
enum JSONValue: Equatable, Sendable {
    /// An object.
    case object(JSONObject)
    case array([JSONValue])
    case string(String)
    /// A number written without fraction or exponent that fits an `Int`.
    case integer(Int)
    /// Any other number.
    case number(Double)
    case bool(Bool)
    case null

    /// The member `key` of an object; nil for a missing key or a value that is no object.
    subscript(key: String) -> JSONValue? {
        guard case let .object(object) = self else { return nil }
        return object[key]
    }

    /// The value as an `Int`: an integer, or a number with no fraction within `Int`'s range.
    var int: Int? {
        switch self {
        case let .integer(value): return value
        case let .number(value):
            guard value.rounded() == value, abs(value) < 9.0e15 else { return nil }
            return Int(value)
        default: return nil
        }
    }

    var string: String? {
        if case let .string(text) = self { return text }
        return nil
    }

    var array: [JSONValue]? {
        if case let .array(elements) = self { return elements }
        return nil
    }

    /// What kind of value it is, for messages ("an object", "a string").
    var kind: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .integer, .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }
}

/// An object's members in the order written. Objects read are small (a COCO segment has five
/// members), where a list searched from the end costs less than hashing every key into a
/// dictionary; a key given twice has its last value.
struct JSONObject: Equatable, Sendable, ExpressibleByDictionaryLiteral {
    private(set) var members: [(key: String, value: JSONValue)] = []

    init() {}

    init(dictionaryLiteral elements: (String, JSONValue)...) {
        for (key, value) in elements { append(key, value) }
    }

    mutating func append(_ key: String, _ value: JSONValue) { members.append((key, value)) }

    /// The last value of `key`.
    subscript(key: String) -> JSONValue? { members.last { $0.key == key }?.value }

    /// The keys, each once.
    var keys: Set<String> { Set(members.map(\.key)) }

    /// Equal when every key has the same last value.
    static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.keys == b.keys && a.keys.allSatisfy { a[$0] == b[$0] }
    }
}

/// Why a JSON file cannot be read: where and what. `offset` is the byte (from 0) at which the
/// problem was seen.
struct JSONStreamError: Error, Equatable, CustomStringConvertible {
    var offset: Int
    var reason: String

    var description: String { "byte \(offset): \(reason)" }
}

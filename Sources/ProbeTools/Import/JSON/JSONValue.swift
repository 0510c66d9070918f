// One JSON value held in memory: an entry of a large file's top-level array, read by
// `JSONStream` one at a time (a COCO annotation, a category), never the whole file.

/// A parsed JSON value.
enum JSONValue: Equatable, Sendable {
    /// An object; a key given twice keeps its last value.
    case object([String: JSONValue])
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
        guard case let .object(members) = self else { return nil }
        return members[key]
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

/// Why a JSON file cannot be read: where and what. `offset` is the byte (from 0) at which the
/// problem was seen.
struct JSONStreamError: Error, Equatable, CustomStringConvertible {
    var offset: Int
    var reason: String

    var description: String { "byte \(offset): \(reason)" }
}

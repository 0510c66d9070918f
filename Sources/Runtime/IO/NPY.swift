// NumPy's .npy format, versions 1.0, 2.0 and 3.0, for float32 arrays.
//
// Layout: the magic "\x93NUMPY", a major and minor version byte, a header length (2 bytes
// little-endian in 1.0, 4 bytes in 2.0 and 3.0), then an ASCII (3.0: UTF-8) Python dict literal
// `{'descr': '<f4', 'fortran_order': False, 'shape': (N, C, H, W), }` padded with spaces to a
// multiple of 64 bytes and ended by '\n', then the raw data. Only little-endian float32 in C order
// is accepted; anything else is refused with a message naming what was found.
import Foundation

/// What the header of a .npy file says.
public struct NPYHeader: Sendable, Equatable {
    /// Dimensions, outermost first.
    public var shape: [Int]
    /// Byte offset of the first element.
    public var dataOffset: Int
    /// Number of elements, `shape.reduce(1, *)`.
    public var count: Int { shape.reduce(1, *) }
}

/// Why a .npy file could not be used.
public enum NPYError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case notNPY(path: String)
    case unsupportedVersion(path: String, major: UInt8, minor: UInt8)
    case malformedHeader(path: String, reason: String)
    case unsupportedDType(path: String, descr: String)
    case fortranOrder(path: String)
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    case wrongShape(path: String, expected: String, found: [Int])

    /// The file named.
    public var path: String {
        switch self {
        case let .unreadable(path, _), let .unwritable(path, _), let .notNPY(path), let .unsupportedVersion(path, _, _),
             let .malformedHeader(path, _), let .unsupportedDType(path, _), let .fortranOrder(path),
             let .truncated(path, _, _), let .wrongShape(path, _, _):
            return path
        }
    }

    /// What is wrong, without the path.
    public var cause: String {
        switch self {
        case let .unreadable(_, reason): return "cannot read: \(reason)"
        case let .unwritable(_, reason): return "cannot write: \(reason)"
        case .notNPY: return "not a NumPy .npy file (the magic bytes \\x93NUMPY are missing)"
        case let .unsupportedVersion(_, major, minor): return ".npy format version \(major).\(minor) is not supported (1.0 to 3.0 are)"
        case let .malformedHeader(_, reason): return "malformed .npy header: \(reason)"
        case let .unsupportedDType(_, descr): return "dtype \(quoted(descr)) is not supported"
        case .fortranOrder: return "array is stored in Fortran order"
        case let .truncated(_, expected, actual): return "truncated: the header promises \(expected) data bytes, the file holds \(actual)"
        case let .wrongShape(_, expected, found): return "expected an array of shape \(expected), found \(found)"
        }
    }

    /// What to do about it, when the cause alone does not say.
    public var hint: String? {
        switch self {
        case .unreadable: return "give the path of a .npy file written by numpy.save"
        case .unwritable: return "check that its directory exists and is writable"
        case .unsupportedDType: return "save the array as float32 (numpy: a.astype(np.float32))"
        case .fortranOrder: return "save it with np.ascontiguousarray first"
        default: return nil
        }
    }

    /// `path: cause; hint`.
    public var description: String { "\(path): \(cause)" + (hint.map { "; " + $0 } ?? "") }
}

/// Reading and writing float32 .npy files.
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    /// Largest header we accept; real headers are a few hundred bytes.
    static let maxHeaderLength = 1 << 20
    /// Largest rank we accept.
    static let maxRank = 32

    /// Parses the header at the start of `bytes` (the whole file or at least its first bytes).
    /// - Parameter fileSize: total file size, used to check the data is all there.
    public static func parseHeader(_ bytes: [UInt8], fileSize: Int, path: String) throws -> NPYHeader {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw NPYError.notNPY(path: path) }
        let major = bytes[6], minor = bytes[7]
        let lengthBytes: Int
        switch major {
        case 1: lengthBytes = 2
        case 2, 3: lengthBytes = 4
        default: throw NPYError.unsupportedVersion(path: path, major: major, minor: minor)
        }
        guard minor == 0 else { throw NPYError.unsupportedVersion(path: path, major: major, minor: minor) }
        guard bytes.count >= 8 + lengthBytes else {
            throw NPYError.malformedHeader(path: path, reason: "file ends inside the header length")
        }
        var headerLength = 0
        for i in 0..<lengthBytes { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        guard headerLength <= maxHeaderLength else {
            throw NPYError.malformedHeader(path: path, reason: "header length \(headerLength) is implausible")
        }
        let start = 8 + lengthBytes
        guard bytes.count >= start + headerLength else {
            throw NPYError.malformedHeader(path: path, reason: "file ends inside the header")
        }
        let headerBytes = bytes[start..<(start + headerLength)]
        guard let text = String(bytes: headerBytes, encoding: major == 3 ? .utf8 : .ascii) else {
            throw NPYError.malformedHeader(path: path, reason: "header is not text")
        }
        let dict = try parseDict(text, path: path)
        guard let descr = dict["descr"] else {
            throw NPYError.malformedHeader(path: path, reason: "no 'descr' key")
        }
        let dtype = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        guard dtype == "<f4" || dtype == "f4" || (dtype == "=f4" && isLittleEndianHost) else {
            throw NPYError.unsupportedDType(path: path, descr: dtype)
        }
        guard let fortran = dict["fortran_order"] else {
            throw NPYError.malformedHeader(path: path, reason: "no 'fortran_order' key")
        }
        switch fortran {
        case "False": break
        case "True": throw NPYError.fortranOrder(path: path)
        default: throw NPYError.malformedHeader(path: path, reason: "fortran_order is \(quoted(fortran))")
        }
        guard let shapeText = dict["shape"] else {
            throw NPYError.malformedHeader(path: path, reason: "no 'shape' key")
        }
        let shape = try parseShape(shapeText, path: path)
        let offset = start + headerLength
        // Element count and byte size, checked for overflow before anyone allocates from them.
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw NPYError.malformedHeader(path: path, reason: "shape \(shape) overflows") }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: 4)
        guard !overflow else { throw NPYError.malformedHeader(path: path, reason: "shape \(shape) overflows") }
        let available = fileSize - offset
        guard available >= byteCount else {
            throw NPYError.truncated(path: path, expectedBytes: byteCount, actualBytes: max(0, available))
        }
        return NPYHeader(shape: shape, dataOffset: offset)
    }

    /// Reads a whole float32 .npy file into a tensor.
    public static func read(_ path: String) throws -> Tensor {
        let (file, header) = try open(path)
        var values = [Float](repeating: 0, count: header.count)
        let read = values.withUnsafeMutableBytes { dst in
            Result { () throws(RegularFile.Failure) in try file.read(at: header.dataOffset, into: dst) }
        }
        guard case let .success(got) = read else {
            if case let .failure(error) = read { throw NPYError.unreadable(path: path, reason: error.reason) }
            preconditionFailure()
        }
        guard got == header.count * 4 else {   // the file shrank after its header was checked
            throw NPYError.truncated(path: path, expectedBytes: header.count * 4, actualBytes: got)
        }
        if !isLittleEndianHost {
            for i in values.indices { values[i] = Float(bitPattern: values[i].bitPattern.byteSwapped) }
        }
        return Tensor(shape: header.shape, data: values)
    }

    /// Reads only the header of a .npy file.
    public static func readHeader(_ path: String) throws -> NPYHeader {
        try open(path).1
    }

    /// Opens a regular file (a FIFO or device is refused without blocking) and parses its header.
    private static func open(_ path: String) throws -> (RegularFile, NPYHeader) {
        let file: RegularFile, prefix: [UInt8]
        do {
            file = try RegularFile(path: path)
            prefix = try file.bytes(at: 0, count: min(file.size, maxHeaderLength + 16))
        } catch {
            throw NPYError.unreadable(path: path, reason: error.reason)
        }
        return (file, try parseHeader(prefix, fileSize: file.size, path: path))
    }

    /// The bytes of a version 1.0 .npy file (2.0 when the header does not fit in 65,535 bytes).
    public static func encode(_ tensor: Tensor) -> [UInt8] {
        let shapeText: String
        switch tensor.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(tensor.shape[0]),)"
        default: shapeText = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        let version1 = dict.utf8.count + 10 + 1 < 65_536
        let prefixLength = version1 ? 10 : 12
        let total = prefixLength + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        var out = magic + [version1 ? 1 : 2, 0]
        let length = dict.utf8.count
        out += version1 ? [UInt8(length & 0xFF), UInt8(length >> 8)]
                        : (0..<4).map { UInt8((length >> (8 * $0)) & 0xFF) }
        out += Array(dict.utf8)
        out.reserveCapacity(out.count + tensor.count * 4)
        for value in tensor.data {
            let bits = value.bitPattern.littleEndian
            out += [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
        }
        return out
    }

    /// Writes `tensor` to `path` as float32 .npy, atomically.
    public static func write(_ tensor: Tensor, to path: String) throws {
        do {
            try Data(encode(tensor)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw NPYError.unwritable(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    // MARK: Header parsing

    /// Splits `{'key': value, ...}` into key -> value text, respecting parentheses and quotes.
    static func parseDict(_ text: String, path: String) throws -> [String: String] {
        let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard body.hasPrefix("{"), body.hasSuffix("}") else {
            throw NPYError.malformedHeader(path: path, reason: "header is not a dict literal")
        }
        let inner = Array(body.dropFirst().dropLast())
        var items: [String] = []
        var current = ""
        var depth = 0
        var quote: Character? = nil
        for ch in inner {
            if let q = quote {
                current.append(ch)
                if ch == q { quote = nil }
                continue
            }
            switch ch {
            case "'", "\"": quote = ch; current.append(ch)
            case "(", "[": depth += 1; current.append(ch)
            case ")", "]": depth -= 1; current.append(ch)
            case "," where depth == 0: items.append(current); current = ""
            default: current.append(ch)
            }
        }
        guard quote == nil, depth == 0 else {
            throw NPYError.malformedHeader(path: path, reason: "unbalanced quotes or parentheses")
        }
        items.append(current)
        var dict: [String: String] = [:]
        for item in items {
            let trimmed = item.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw NPYError.malformedHeader(path: path, reason: "entry \(quoted(trimmed)) has no ':'")
            }
            let key = trimmed[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: " '\""))
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            dict[key] = value
        }
        return dict
    }

    /// Parses `(2, 3)`, `(5,)` or `()` into dimensions, refusing negative or absurd ones.
    static func parseShape(_ text: String, path: String) throws -> [Int] {
        guard text.hasPrefix("("), text.hasSuffix(")") else {
            throw NPYError.malformedHeader(path: path, reason: "shape \(quoted(text)) is not a tuple")
        }
        let parts = text.dropFirst().dropLast().split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard parts.count <= maxRank else {
            throw NPYError.malformedHeader(path: path, reason: "rank \(parts.count) is implausible")
        }
        return try parts.map { part in
            let digits = part.hasSuffix("L") ? String(part.dropLast()) : part
            guard let d = Int(digits), d >= 0 else {
                throw NPYError.malformedHeader(path: path, reason: "dimension \(quoted(part)) is not a non-negative integer")
            }
            return d
        }
    }

    static var isLittleEndianHost: Bool { 1.littleEndian == 1 }
}

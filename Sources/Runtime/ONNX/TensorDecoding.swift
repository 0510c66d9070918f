// TensorProto -> TypedTensor: initializers, Constant values and attribute tensors.
//
// Values come in one of three places: `raw_data` (little-endian bytes), a typed repeated field
// (`float_data`, `int32_data`, ...; which one depends on the data type), or an external file
// beside the model (`data_location = EXTERNAL`, with `location`, `offset`, `length` entries).
// Every size is checked against the dims before anything is allocated. An external file must be
// a regular file whose real path (symbolic links resolved) stays inside the model's directory:
// a link to /etc/passwd beside the model is refused, not read into the weights.
import Foundation

/// Decodes ONNX tensors, reading external data relative to the model's directory.
struct TensorDecoder {
    /// Path of the model file, for messages.
    let file: String
    /// Directory external-data locations are relative to; nil forbids external data.
    let directory: String?
    /// Most dimensions a tensor may have (ONNX models use at most 6 or so).
    static let maxRank = 32

    /// The tensor's values, converted to the runtime's element types.
    func decode(_ proto: Onnx_TensorProto, name: String? = nil) throws -> TypedTensor {
        let name = name ?? proto.name
        func fail(_ reason: String) -> ModelError {
            ModelError(file: file, .invalidTensor(name: name, reason: reason))
        }
        guard proto.dims.count <= Self.maxRank else { throw fail("has \(proto.dims.count) dimensions; at most \(Self.maxRank) are supported") }
        var shape: [Int] = []
        for d in proto.dims {
            guard d >= 0 else { throw fail("negative dimension \(d) in \(proto.dims)") }
            guard d <= Int64(ShapeMath.maxElements) else { throw fail("dimension \(d) is implausibly large") }
            shape.append(Int(d))
        }
        guard let count = ShapeMath.count(shape) else {
            throw fail("dimensions \(proto.dims) hold more than \(ShapeMath.maxElements) values")
        }
        guard !proto.hasSegment else {
            throw fail("segmented tensors are not supported")
        }
        guard let type = Onnx_TensorProto.DataType(rawValue: Int(proto.dataType)), let width = type.byteWidth else {
            throw fail("data type \(proto.dataType) is not supported (float, double, float16, integers and bool are)")
        }
        let bytes: Data?
        if proto.dataLocation == .external {
            bytes = try external(proto, name: name, byteCount: count * width)
        } else if proto.hasRawData {
            bytes = proto.rawData
        } else {
            bytes = nil
        }
        if let bytes {
            guard bytes.count == count * width else {
                throw fail("holds \(bytes.count) bytes, its dims \(proto.dims) need \(count * width)")
            }
            return Self.fromBytes(bytes, type: type, shape: shape, count: count)
        }
        return try fromTypedFields(proto, type: type, shape: shape, count: count, fail: fail)
    }

    /// Reads the bytes of an externally stored tensor: from a regular file whose real path lies
    /// inside the model's directory, at the offset and length its entries give.
    private func external(_ proto: Onnx_TensorProto, name: String, byteCount: Int) throws -> Data {
        var entries: [String: String] = [:]
        for entry in proto.externalData { entries[entry.key] = entry.value }
        let location = entries["location"] ?? ""
        func fail(_ problem: ExternalDataProblem) -> ModelError {
            ModelError(file: file, .externalData(tensor: name, location: location, problem: problem))
        }
        guard let directory else { throw fail(.notAllowed) }
        guard !location.isEmpty else { throw fail(.noLocation) }
        guard !location.hasPrefix("/"), !location.split(separator: "/").contains("..") else {
            throw fail(.leavesDirectory)
        }
        func entry(_ key: String) throws -> Int? {
            guard let text = entries[key] else { return nil }
            guard let value = Int(text), value >= 0 else { throw fail(.invalidEntry(key: key, value: text)) }
            return value
        }
        let offset = try entry("offset") ?? 0
        let length = try entry("length") ?? byteCount
        guard length == byteCount else { throw fail(.lengthMismatch(length: length, needed: byteCount)) }
        let handle: RegularFile
        do {
            handle = try RegularFile(path: location, inside: directory)
        } catch {
            switch error.kind {
            case let .outside(realPath): throw fail(.linksOutside(realPath: realPath))
            case let .notRegularFile(what): throw fail(.notRegularFile(what: what))
            case .missing: throw fail(.missing)
            case .denied, .tooLarge, .failed: throw fail(.unreadable(reason: error.reason))
            }
        }
        guard offset <= handle.size, length <= handle.size - offset else {
            throw fail(.beyondEnd(offset: offset, length: length, size: handle.size))
        }
        let data: Data
        do {
            data = try handle.data(at: offset, count: length)
        } catch {
            throw fail(.unreadable(reason: error.reason))
        }
        // The file shrank between fstat and read.
        guard data.count == length else { throw fail(.beyondEnd(offset: offset, length: length, size: offset + data.count)) }
        return data
    }

    /// Converts little-endian bytes already checked to hold `count` values of `type`.
    static func fromBytes(_ data: Data, type: Onnx_TensorProto.DataType, shape: [Int], count: Int) -> TypedTensor {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> TypedTensor in
            func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T {
                T(littleEndian: raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
            }
            switch type {
            case .float: return TypedTensor(shape: shape, floats: (0..<count).map { Float(bitPattern: load(UInt32.self, $0)) })
            case .double: return TypedTensor(shape: shape, floats: (0..<count).map { Float(Double(bitPattern: load(UInt64.self, $0))) })
            case .float16: return TypedTensor(shape: shape, floats: (0..<count).map { halfToFloat(load(UInt16.self, $0)) })
            case .bfloat16: return TypedTensor(shape: shape, floats: (0..<count).map { Float(bitPattern: UInt32(load(UInt16.self, $0)) << 16) })
            case .int8: return TypedTensor(shape: shape, ints: (0..<count).map { Int64(Int8(bitPattern: raw[$0])) })
            case .uint8: return TypedTensor(shape: shape, ints: (0..<count).map { Int64(raw[$0]) })
            case .int16: return TypedTensor(shape: shape, ints: (0..<count).map { Int64(load(Int16.self, $0)) })
            case .uint16: return TypedTensor(shape: shape, ints: (0..<count).map { Int64(load(UInt16.self, $0)) })
            case .int32: return TypedTensor(shape: shape, ints: (0..<count).map { Int64(load(Int32.self, $0)) })
            case .uint32: return TypedTensor(shape: shape, ints: (0..<count).map { Int64(load(UInt32.self, $0)) })
            case .int64: return TypedTensor(shape: shape, ints: (0..<count).map { load(Int64.self, $0) })
            case .uint64: return TypedTensor(shape: shape, ints: (0..<count).map { Int64(truncatingIfNeeded: load(UInt64.self, $0)) })
            case .bool: return TypedTensor(shape: shape, bools: (0..<count).map { raw[$0] != 0 })
            default: preconditionFailure("fromBytes: \(type) has no byte width")
            }
        }
    }

    private func fromTypedFields(_ p: Onnx_TensorProto, type: Onnx_TensorProto.DataType, shape: [Int], count: Int,
                                 fail: (String) -> ModelError) throws -> TypedTensor {
        func check(_ n: Int, _ field: String) throws {
            guard n == count else { throw fail("\(field) holds \(n) values, its dims \(p.dims) need \(count)") }
        }
        switch type {
        case .float:
            try check(p.floatData.count, "float_data")
            return TypedTensor(shape: shape, floats: p.floatData)
        case .double:
            try check(p.doubleData.count, "double_data")
            return TypedTensor(shape: shape, floats: p.doubleData.map { Float($0) })
        case .float16, .bfloat16:
            try check(p.int32Data.count, "int32_data")
            return TypedTensor(shape: shape, floats: p.int32Data.map { bits in
                let b = UInt16(truncatingIfNeeded: bits)
                return type == .float16 ? halfToFloat(b) : Float(bitPattern: UInt32(b) << 16)
            })
        case .int8, .uint8, .int16, .uint16, .int32:
            try check(p.int32Data.count, "int32_data")
            return TypedTensor(shape: shape, ints: p.int32Data.map(Int64.init))
        case .bool:
            try check(p.int32Data.count, "int32_data")
            return TypedTensor(shape: shape, bools: p.int32Data.map { $0 != 0 })
        case .int64:
            try check(p.int64Data.count, "int64_data")
            return TypedTensor(shape: shape, ints: p.int64Data)
        case .uint32, .uint64:
            try check(p.uint64Data.count, "uint64_data")
            return TypedTensor(shape: shape, ints: p.uint64Data.map { Int64(truncatingIfNeeded: $0) })
        default:
            throw fail("data type \(type) is not supported")
        }
    }
}

/// IEEE half precision bits to Float, without relying on the platform's Float16.
func halfToFloat(_ bits: UInt16) -> Float {
    let sign = UInt32(bits >> 15) << 31
    let exponent = Int((bits >> 10) & 0x1F)
    let mantissa = UInt32(bits & 0x3FF)
    switch exponent {
    case 0:
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    case 31:
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    default:
        return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
    }
}

extension Onnx_TensorProto.DataType {
    /// Bytes per element in `raw_data`, or nil for types we do not decode.
    var byteWidth: Int? {
        switch self {
        case .float, .int32, .uint32: 4
        case .double, .int64, .uint64: 8
        case .float16, .bfloat16, .int16, .uint16: 2
        case .int8, .uint8, .bool: 1
        default: nil
        }
    }

    /// The runtime element type values of this ONNX type become.
    var elementType: ElementType? {
        switch self {
        case .float, .double, .float16, .bfloat16: .float
        case .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64: .int
        case .bool: .bool
        default: nil
        }
    }
}

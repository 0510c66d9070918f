// TensorProto -> TypedTensor: initializers, Constant values and attribute tensors.
//
// Values come in one of three places: `raw_data` (little-endian bytes), a typed repeated field
// (`float_data`, `int32_data`, ...; which one depends on the data type), or an external file
// beside the model (`data_location = EXTERNAL`, with `location`, `offset`, `length` entries).
// Every size is checked against the dims before anything is allocated, and an external file's
// location must stay inside the model's directory.
import Foundation

/// Decodes ONNX tensors, reading external data relative to the model's directory.
struct TensorDecoder {
    /// Path of the model file, for messages.
    let file: String
    /// Directory external-data locations are relative to; nil forbids external data.
    let directory: String?

    /// The tensor's values, converted to the runtime's element types.
    func decode(_ proto: Onnx_TensorProto, name: String? = nil) throws -> TypedTensor {
        let name = name ?? proto.name
        func fail(_ reason: String) -> ModelError {
            ModelError(file: file, .invalidTensor(name: name, reason: reason))
        }
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
            bytes = try external(proto, byteCount: count * width, fail: fail)
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

    /// Reads the bytes of an externally stored tensor.
    private func external(_ proto: Onnx_TensorProto, byteCount: Int, fail: (String) -> ModelError) throws -> Data {
        var entries: [String: String] = [:]
        for entry in proto.externalData { entries[entry.key] = entry.value }
        guard let directory else { throw fail("external data is not allowed here") }
        guard let location = entries["location"], !location.isEmpty else {
            throw fail("external data has no location")
        }
        let parts = location.split(separator: "/")
        guard !location.hasPrefix("/"), !parts.contains("..") else {
            throw fail("external data location '\(location)' leaves the model's directory")
        }
        let offset = try entries["offset"].map { text -> Int in
            guard let v = Int(text), v >= 0 else { throw fail("external data offset '\(text)' is invalid") }
            return v
        } ?? 0
        let length = try entries["length"].map { text -> Int in
            guard let v = Int(text), v >= 0 else { throw fail("external data length '\(text)' is invalid") }
            return v
        } ?? byteCount
        guard length == byteCount else {
            throw fail("external data length \(length) does not match its dims \(proto.dims) (\(byteCount) bytes)")
        }
        let path = (directory as NSString).appendingPathComponent(location)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ModelError(file: path, .invalidTensor(name: proto.name, reason: "external data file is missing or unreadable"))
        }
        defer { try? handle.close() }
        let size = Int((try? handle.seekToEnd()) ?? 0)
        guard offset <= size, length <= size - offset else {
            throw ModelError(file: path, .invalidTensor(
                name: proto.name, reason: "external data \(offset)..<\(offset + length) lies beyond the file's \(size) bytes"))
        }
        do {
            try handle.seek(toOffset: UInt64(offset))
            let data = try handle.read(upToCount: length) ?? Data()
            guard data.count == length else { throw fail("external data file ended early") }
            return data
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError(file: path, .unreadable(reason: (error as NSError).localizedDescription))
        }
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

// Little-endian byte encoding for checkpoint blobs and activation maps stored in the run database.
//
// Blobs are read back only after every length has been checked against the bytes present, so a
// damaged database yields "not a checkpoint" rather than a crash.

/// Appends little-endian integers and floats to a byte array.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func int(_ v: Int) {
        let u = UInt64(bitPattern: Int64(v)).littleEndian
        withUnsafeBytes(of: u) { bytes.append(contentsOf: $0) }
    }

    mutating func float(_ v: Float) {
        withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func floats<C: Collection>(_ values: C) where C.Element == Float {
        if 1.littleEndian == 1, values.withContiguousStorageIfAvailable({ b in
            bytes.append(contentsOf: UnsafeRawBufferPointer(b))
        }) != nil { return }
        bytes.reserveCapacity(bytes.count + values.count * 4)
        for v in values { float(v) }
    }

    mutating func uint64s(_ values: [UInt64]) {
        if 1.littleEndian == 1 {
            values.withUnsafeBytes { bytes.append(contentsOf: $0) }
            return
        }
        bytes.reserveCapacity(bytes.count + values.count * 8)
        for v in values { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    }
}

/// Reads what `ByteWriter` wrote, refusing to read past the end.
struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { offset == bytes.count }

    private mutating func raw64() -> UInt64? {
        guard bytes.count - offset >= 8 else { return nil }
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[offset + k]) << (8 * k) }
        offset += 8
        return v
    }

    private mutating func raw32() -> UInt32? {
        guard bytes.count - offset >= 4 else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 { v |= UInt32(bytes[offset + k]) << (8 * k) }
        offset += 4
        return v
    }

    mutating func int() -> Int? { raw64().map { Int(Int64(bitPattern: $0)) } }

    mutating func float() -> Float? { raw32().map { Float(bitPattern: $0) } }

    mutating func floats(_ n: Int) -> [Float]? {
        guard n >= 0, (bytes.count - offset) / 4 >= n else { return nil }
        var out = [Float](repeating: 0, count: n)
        if 1.littleEndian == 1 {
            let start = offset
            out.withUnsafeMutableBytes { dst in
                bytes.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<(start + 4 * n)])) }
            }
            offset += 4 * n
            return out
        }
        for i in 0..<n { out[i] = float()! }
        return out
    }

    mutating func uint64s(_ n: Int) -> [UInt64]? {
        guard n >= 0, (bytes.count - offset) / 8 >= n else { return nil }
        var out = [UInt64](repeating: 0, count: n)
        if 1.littleEndian == 1 {
            let start = offset
            out.withUnsafeMutableBytes { dst in
                bytes.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<(start + 8 * n)])) }
            }
            offset += 8 * n
            return out
        }
        for i in 0..<n { out[i] = raw64()! }
        return out
    }
}

/// Float32 values as little-endian bytes (activation maps in `top_images.map`).
public func floatBlob(_ values: [Float]) -> [UInt8] {
    var w = ByteWriter()
    w.floats(values)
    return w.bytes
}

/// Little-endian float32 bytes back to values; nil when the length is not a multiple of 4.
public func floatsFromBlob(_ bytes: [UInt8]) -> [Float]? {
    guard bytes.count % 4 == 0 else { return nil }
    var r = ByteReader(bytes)
    return r.floats(bytes.count / 4)
}

// Little-endian byte encoding for checkpoint blobs and activation maps stored in the run database.
//
// Blobs are read back only after every length has been checked against the bytes present, so a
// damaged database yields "not a checkpoint" rather than a crash.

/// A fixed-size value stored as its little-endian bit pattern (`Float` as its 32 bits, `UInt64` as
/// itself).
protocol ByteScalar {
    associatedtype Bits: FixedWidthInteger & UnsignedInteger
    /// The bits written.
    var storedBits: Bits { get }
    /// The value of bits read back.
    init(storedBits: Bits)
}

extension Float: ByteScalar {
    var storedBits: UInt32 { bitPattern }
    init(storedBits: UInt32) { self.init(bitPattern: storedBits) }
}

extension UInt64: ByteScalar {
    var storedBits: UInt64 { self }
    init(storedBits: UInt64) { self = storedBits }
}

extension Int32: ByteScalar {
    var storedBits: UInt32 { UInt32(bitPattern: self) }
    init(storedBits: UInt32) { self.init(bitPattern: storedBits) }
}

extension Int64: ByteScalar {
    var storedBits: UInt64 { UInt64(bitPattern: self) }
    init(storedBits: UInt64) { self.init(bitPattern: storedBits) }
}

/// Appends little-endian integers and floats to a byte array.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func int(_ v: Int) { scalar(UInt64(bitPattern: Int64(v))) }

    mutating func float(_ v: Float) { scalar(v) }

    /// One value, little-endian.
    mutating func scalar<T: ByteScalar>(_ v: T) {
        withUnsafeBytes(of: v.storedBits.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Every value of `values` in order, little-endian (one copy of the memory on little-endian
    /// machines when the collection is contiguous).
    mutating func scalars<C: Collection>(_ values: C) where C.Element: ByteScalar {
        if 1.littleEndian == 1, values.withContiguousStorageIfAvailable({ b in
            bytes.append(contentsOf: UnsafeRawBufferPointer(b))
        }) != nil { return }
        bytes.reserveCapacity(bytes.count + values.count * MemoryLayout<C.Element.Bits>.size)
        for v in values { scalar(v) }
    }
}

/// Reads what `ByteWriter` wrote, refusing to read past the end.
struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { offset == bytes.count }

    mutating func int() -> Int? { scalar(UInt64.self).map { Int(Int64(bitPattern: $0)) } }

    mutating func float() -> Float? { scalar(Float.self) }

    /// One little-endian value, or nil past the end.
    mutating func scalar<T: ByteScalar>(_ type: T.Type) -> T? {
        let size = MemoryLayout<T.Bits>.size
        guard bytes.count - offset >= size else { return nil }
        var v: T.Bits = 0
        for k in 0..<size { v |= T.Bits(bytes[offset + k]) << (8 * k) }
        offset += size
        return T(storedBits: v)
    }

    /// `n` little-endian values, or nil when fewer than `n` remain.
    mutating func scalars<T: ByteScalar>(_ n: Int, of type: T.Type) -> [T]? {
        let size = MemoryLayout<T.Bits>.size
        guard n >= 0, (bytes.count - offset) / size >= n else { return nil }
        if 1.littleEndian == 1 {
            let start = offset
            let out = [T](unsafeUninitializedCapacity: n) { dst, count in
                bytes.withUnsafeBytes { src in
                    UnsafeMutableRawBufferPointer(dst).copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<(start + size * n)]))
                }
                count = n
            }
            offset += size * n
            return out
        }
        return (0..<n).map { _ in scalar(T.self)! }
    }
}

/// Float32 values as little-endian bytes (activation maps in `top_images.map`).
public func floatBlob(_ values: [Float]) -> [UInt8] {
    var w = ByteWriter()
    w.scalars(values)
    return w.bytes
}

/// Little-endian float32 bytes back to values; nil when the length is not a multiple of 4.
public func floatsFromBlob(_ bytes: [UInt8]) -> [Float]? {
    guard bytes.count % 4 == 0 else { return nil }
    var r = ByteReader(bytes)
    return r.scalars(bytes.count / 4, of: Float.self)
}

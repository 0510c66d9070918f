// Writing float64 .npy files (the IoU matrix export). Runtime's NPY handles float32 only; IoUs are
// ratios of integer sums and are exported at full double precision.
import Dissection
import Foundation

/// A minimal float64 .npy writer (format version 1.0, C order, little-endian).
public enum NPYFloat64 {
    /// The bytes of a float64 .npy file holding `values` with `shape`.
    public static func encode(_ values: [Double], shape: [Int]) -> [UInt8] {
        precondition(shape.reduce(1, *) == values.count, "NPYFloat64: shape \(shape) for \(values.count) values")
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shapeText), }"
        let total = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        let length = header.utf8.count
        var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(length & 0xFF), UInt8(length >> 8)]
        out += Array(header.utf8)
        out.reserveCapacity(out.count + values.count * 8)
        for v in values {
            withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Writes `values` to `path` atomically.
    public static func write(_ values: [Double], shape: [Int], to path: String) throws {
        do {
            try Data(encode(values, shape: shape)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw RunError.store(path: path, reason: "cannot write (\((error as NSError).localizedDescription))")
        }
    }
}

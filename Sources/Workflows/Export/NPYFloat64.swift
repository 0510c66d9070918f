// Writing float64 .npy files (the IoU matrix export). Runtime's NPY handles float32 only; IoUs are
// ratios of integer sums and are exported at full double precision.
import Dissection
import Foundation

/// A minimal float64 .npy writer (format version 1.0, C order, little-endian).
public enum NPYFloat64 {
    /// The header of a .npy file of `shape` (magic, version, length, dictionary, padding) whose
    /// elements are `descr` (float64 unless given: `|u1` is uint8).
    public static func header(shape: [Int], descr: String = "<f8") -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let total = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        let length = header.utf8.count
        return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8)
    }

    /// Writes a `(rows, columns)` matrix to `path` one row at a time (memory: one row), under a
    /// temporary name renamed into place. `fill(r, &row)` writes row `r` into a zeroed `row`.
    public static func writeRows(rows: Int, columns: Int, to path: String,
                                 fill: (Int, inout [Double]) -> Void) throws {
        let temporary = path + ".partial"
        // A link at the temporary name is not written through.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunError.store(path: path, reason: "cannot create \(temporary) (\(String(cString: strerror(errno))))")
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        var open = true
        do {
            try handle.write(contentsOf: header(shape: [rows, columns]))
            var row = [Double](repeating: 0, count: columns)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(columns * 8)
            for r in 0..<rows {
                for k in row.indices { row[k] = 0 }
                fill(r, &row)
                bytes.removeAll(keepingCapacity: true)
                append(row[...], to: &bytes)
                try handle.write(contentsOf: bytes)
            }
            try handle.synchronize()
            close(fd)
            open = false
            guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            if open { close(fd) }
            unlink(temporary)
            throw RunError.store(path: path, reason: "cannot write (\((error as NSError).localizedDescription))")
        }
    }

    private static func append(_ values: ArraySlice<Double>, to out: inout [UInt8]) {
        for v in values {
            withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        }
    }
}

// Fixed-stride rows of float32 in a file, read with pread at computed offsets.
//
// Used for `--activations A.npy` (rows after the .npy header). Nothing maps the whole file: a batch
// reads only its own rows, so a multi-gigabyte file costs only a batch of memory.
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A file of `rows` rows of `rowLength` float32 each, starting at `offset`, read.
final class RowFile: @unchecked Sendable {
    let path: String
    let offset: Int
    let rowLength: Int
    private let fd: Int32

    /// Opens `path` for reading.
    init(path: String, offset: Int, rowLength: Int) throws {
        self.path = path
        self.offset = offset
        self.rowLength = rowLength
        fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw RunError.input(path: path, reason: "cannot open (\(String(cString: strerror(errno))))", hint: "check the path")
        }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Reads rows `index ..< index + count` into `dst` (which holds `count * rowLength` floats).
    func read(rows index: Int, count: Int, into dst: UnsafeMutablePointer<Float>) throws {
        try transfer(byteOffset: offset + index * rowLength * 4, bytes: count * rowLength * 4,
                     buffer: UnsafeMutableRawPointer(dst))
    }

    private func transfer(byteOffset: Int, bytes: Int, buffer: UnsafeMutableRawPointer) throws {
        if let cause = positionalTransfer(fd: fd, offset: byteOffset, bytes: bytes, buffer: buffer, write: false) {
            throw RunError.input(path: path, reason: "cannot read rows (\(cause))", hint: "check that the file is complete")
        }
        if 1.littleEndian != 1 {
            let p = buffer.assumingMemoryBound(to: UInt32.self)
            for i in 0..<(bytes / 4) { p[i] = p[i].byteSwapped }
        }
    }
}

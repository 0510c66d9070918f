// Fixed-stride rows of float32 in a file, read and written with pread/pwrite at computed offsets.
//
// Used for `--activations A.npy` (rows after the .npy header) and for the run's activation cache
// (`<run>/cache/<layer>.f32`). Nothing maps the whole file: a batch reads only its own rows, so a
// multi-gigabyte file costs only a batch of memory.
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A file of `rows` rows of `rowLength` float32 each, starting at `offset`.
final class RowFile: @unchecked Sendable {
    let path: String
    let offset: Int
    let rowLength: Int
    private var fd: Int32

    /// Opens `path` for reading, or for reading and writing (created when missing).
    init(path: String, offset: Int, rowLength: Int, writable: Bool) throws {
        self.path = path
        self.offset = offset
        self.rowLength = rowLength
        fd = writable ? Glibc.open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644) : Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw RunError.input(path: path, reason: "cannot open (\(String(cString: strerror(errno))))",
                                 hint: writable ? "check that the run directory is writable" : "check the path")
        }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Reads rows `index ..< index + count` into `dst` (which holds `count * rowLength` floats).
    func read(rows index: Int, count: Int, into dst: UnsafeMutablePointer<Float>) throws {
        try transfer(byteOffset: offset + index * rowLength * 4, bytes: count * rowLength * 4,
                     buffer: UnsafeMutableRawPointer(dst), write: false)
    }

    /// Writes `count` rows from `src` at row `index`.
    func write(rows index: Int, count: Int, from src: UnsafePointer<Float>) throws {
        try transfer(byteOffset: offset + index * rowLength * 4, bytes: count * rowLength * 4,
                     buffer: UnsafeMutableRawPointer(mutating: src), write: true)
    }

    /// Flushes written rows to the disk.
    func sync() throws {
        guard fdatasync(fd) == 0 else {
            throw RunError.store(path: path, reason: "cannot flush (\(String(cString: strerror(errno))))")
        }
    }

    private func transfer(byteOffset: Int, bytes: Int, buffer: UnsafeMutableRawPointer, write: Bool) throws {
        if let cause = positionalTransfer(fd: fd, offset: byteOffset, bytes: bytes, buffer: buffer, write: write) {
            throw write ? RunError.store(path: path, reason: "cannot write the activation cache (\(cause))")
                        : RunError.input(path: path, reason: "cannot read rows (\(cause))", hint: "check that the file is complete")
        }
        if 1.littleEndian != 1 && !write {
            let p = buffer.assumingMemoryBound(to: UInt32.self)
            for i in 0..<(bytes / 4) { p[i] = p[i].byteSwapped }
        }
    }
}

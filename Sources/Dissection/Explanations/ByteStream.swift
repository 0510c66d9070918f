// An append-only byte stream for LabelRunWriter: into a growing heap buffer, or through a 1 MB
// buffer into a file. Either way it ends as a `LabelRegion` of the whole stream (the buffer
// itself, or a writable mapping of the file) in which the writer fills what it could only know
// at the end.
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Bytes appended in order to memory or a file.
final class ByteStream {
    /// The file (nil: memory) and its path for messages.
    private var fd: Int32?
    private let path: String
    private var buffer: UnsafeMutableRawPointer
    private var capacity = 1 << 20, used = 0
    /// Bytes already in the file.
    private var flushed = 0
    /// Whether `buffer` went to a region (memory) and is no longer ours.
    private var handedOver = false

    init(fd: Int32?, path: String) {
        self.fd = fd
        self.path = path
        buffer = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        if !handedOver { buffer.deallocate() }
        close()
    }

    /// Bytes written so far.
    var count: Int { flushed + used }

    /// Appends `n` bytes from `p`.
    func write(_ p: UnsafeRawPointer, _ n: Int) throws {
        precondition(!handedOver, "ByteStream: written after finish")
        if used + n > capacity {
            if fd != nil {
                try flush()
                if n > capacity { try put(p, n); flushed += n; return }
            } else {
                let grown = UnsafeMutableRawPointer.allocate(byteCount: max(2 * capacity, used + n), alignment: 16)
                grown.copyMemory(from: buffer, byteCount: used)
                buffer.deallocate()
                buffer = grown
                capacity = max(2 * capacity, used + n)
            }
        }
        (buffer + used).copyMemory(from: p, byteCount: n)
        used += n
    }

    /// Appends the elements of `array`, as they lie in memory.
    func write<T>(_ array: [T]) throws {
        try array.withUnsafeBytes { if $0.count > 0 { try write($0.baseAddress!, $0.count) } }
    }

    /// Appends `n` zero bytes.
    func zeros(_ n: Int) throws {
        let zero = [UInt8](repeating: 0, count: min(max(n, 0), 1 << 16))
        var left = n
        while left > 0 {
            let k = min(left, zero.count)
            try zero.withUnsafeBytes { try write($0.baseAddress!, k) }
            left -= k
        }
    }

    /// Appends zeros up to `offset` (at or past the end).
    func pad(to offset: Int) throws {
        precondition(offset >= count, "ByteStream: padding backwards")
        try zeros(offset - count)
    }

    /// Appends everything written to this stream to `other`.
    func copy(into other: ByteStream) throws {
        guard let fd else { return try other.write(buffer, used) }
        try flush()
        var at = 0
        while at < flushed {
            let n = pread(fd, buffer, min(capacity, flushed - at), off_t(at))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure("cannot read back the entries", n == 0 ? "the file ends early" : nil) }
            try other.write(buffer, n)
            at += n
        }
    }

    /// The whole stream as a writable region of `size` bytes (what was written).
    func finish(size: Int) throws -> LabelRegion {
        precondition(size == count, "ByteStream: \(count) bytes written, \(size) expected")
        guard let fd else {
            handedOver = true
            return LabelRegion(owning: buffer, count: used)
        }
        try flush()
        guard let region = LabelRegion(mapping: fd, count: size, writable: true) else { throw failure("cannot map the label file") }
        return region
    }

    /// Writes a file region's pages and the file to the disk (nothing in memory).
    func sync(_ region: LabelRegion) throws {
        guard let fd else { return }
        guard region.sync(), fsync(fd) == 0 else { throw failure("cannot write the label file") }
    }

    /// Closes the file (nothing in memory).
    func close() {
        if let fd { Glibc.close(fd) }
        fd = nil
    }

    private func flush() throws {
        guard used > 0 else { return }
        try put(buffer, used)
        flushed += used
        used = 0
    }

    private func put(_ p: UnsafeRawPointer, _ n: Int) throws {
        guard let fd else { return }
        var done = 0
        while done < n {
            let k = Glibc.write(fd, p + done, n - done)
            if k < 0 && errno == EINTR { continue }
            guard k > 0 else { throw failure("cannot write the label file") }
            done += k
        }
    }

    private func failure(_ what: String, _ cause: String? = nil) -> RunError {
        .store(path: path, reason: "\(what) (\(cause ?? String(cString: strerror(errno))))")
    }
}

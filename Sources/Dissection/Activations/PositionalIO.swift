// Whole reads and writes at a file offset (pread/pwrite until done, EINTR retried), shared by
// the activation cache's map files, the label-mask cache and `.npy` row files.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Reads or writes `bytes` bytes of `buffer` at `offset` of `fd`.
/// - Returns: nil when done, else why not ("file ends early" or the system's reason).
func positionalTransfer(fd: Int32, offset: Int, bytes: Int, buffer: UnsafeMutableRawPointer, write: Bool) -> String? {
    var done = 0
    while done < bytes {
        let n = write
            ? pwrite(fd, buffer + done, bytes - done, off_t(offset + done))
            : pread(fd, buffer + done, bytes - done, off_t(offset + done))
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { return n == 0 ? "file ends early" : String(cString: strerror(errno)) }
        done += n
    }
    return nil
}

/// `positionalTransfer` of a whole byte array (nothing to do for an empty one).
/// - Returns: nil when done, else why not.
func positionalTransfer(fd: Int32, offset: Int, bytes: inout [UInt8], write: Bool) -> String? {
    let count = bytes.count
    guard count > 0 else { return nil }
    return bytes.withUnsafeMutableBytes {
        positionalTransfer(fd: fd, offset: offset, bytes: count, buffer: $0.baseAddress!, write: write)
    }
}

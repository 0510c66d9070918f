// Reading a whole file that must be a regular file.
//
// `open` on a FIFO blocks until a writer appears, and on a character device reads forever, so a
// dataset holding a FIFO where an image or a table should be would hang the tool in `open`.
// The file is therefore opened non-blocking (which makes `open` return at once on a FIFO), its
// type is checked on the open descriptor (no window between the check and the use), and only a
// regular file is read, up to a size limit checked before anything is allocated.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Reading regular files whole, refusing FIFOs, devices, sockets and directories.
public enum RegularFile {
    /// The whole content of the regular file at `path` (symbolic links are followed).
    ///
    /// - Throws: `FileReadError` when the file is missing, is not a regular file, is larger than
    ///   `maxBytes`, or cannot be read; its description is the reason alone, for the caller to
    ///   put after the file name.
    public static func read(at path: String, maxBytes: Int) throws(FileReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FileReadError(errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileReadError(errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FileReadError(reason: "not a regular file (\(kind(info.st_mode)))", refused: true)
        }
        let size = Int(info.st_size)
        guard size <= maxBytes else { throw FileReadError(reason: "\(size) bytes, more than the limit of \(maxBytes)") }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let got = bytes.withUnsafeMutableBytes { buf in posixRead(fd, buf.baseAddress! + done, size - done) }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileReadError(errno: errno)
            }
            if got == 0 { break }  // the file shrank while we read it
            done += got
        }
        if done < size { bytes.removeLast(size - done) }
        return bytes
    }

    /// What a file that is not regular is, in words.
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "an unknown kind of file"
        }
    }
}

@inline(__always) private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(fd, buffer, count)
    #else
    Darwin.read(fd, buffer, count)
    #endif
}

/// Why a file could not be read or written.
public struct FileReadError: Error, Equatable, CustomStringConvertible {
    /// The reason in words (`no such file`, `permission denied`).
    public var reason: String
    /// Whether the file exists but was refused for safety (not a regular file, or a path that
    /// leaves the directory it must stay in), rather than missing or unreadable.
    public var refused: Bool
    /// Creates an error from a reason.
    public init(reason: String, refused: Bool = false) {
        self.reason = reason
        self.refused = refused
    }
    /// Creates an error from a POSIX errno.
    public init(errno code: Int32) {
        switch code {
        case ENOENT: reason = "no such file"
        case EACCES: reason = "permission denied"
        case EISDIR: reason = "is a directory"
        case ENOTDIR: reason = "a component of the path is not a directory"
        case ELOOP: reason = "too many levels of symbolic links"
        default: reason = String(cString: strerror(code))
        }
        refused = false
    }
    public var description: String { reason }
}

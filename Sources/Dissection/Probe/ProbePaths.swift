// Paths inside a probe dataset, and reading files from them.
//
// Every path in `index.csv` is relative to `images/`. A path that would leave the dataset
// directory (absolute, or with a `..` component) is refused lexically, before anything touches
// the file system: a hostile index cannot make the tool read `/etc/passwd` or `../../secrets`.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Checking and reading paths named by a probe dataset.
public enum ProbePaths {
    /// Largest file the reader will load (a 384-pixel Broden JPEG is about 60 KB).
    public static let maxFileBytes = 256 << 20

    /// Why `path` (relative to `images/`) may not be used, or nil when it is safe.
    public static func refusal(_ path: String) -> String? {
        let bytes = path.utf8
        guard let first = bytes.first else { return "an empty path" }
        if first == UInt8(ascii: "/") || first == UInt8(ascii: "~") {
            return "path '\(path)' leaves the dataset directory (it is absolute)"
        }
        // Scan the components: a `..` one leaves the directory; NUL and backslash are refused.
        var componentLength = 0
        var dots = 0
        for byte in bytes {
            switch byte {
            case 0: return "a path with a NUL byte"
            case UInt8(ascii: "\\"): return "path '\(path)' has a backslash; Broden paths use '/'"
            case UInt8(ascii: "/"):
                if componentLength == 2 && dots == 2 { return "path '\(path)' leaves the dataset directory (it has a '..' component)" }
                componentLength = 0; dots = 0
            default:
                componentLength += 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        if componentLength == 2 && dots == 2 { return "path '\(path)' leaves the dataset directory (it has a '..' component)" }
        return nil
    }

    /// Joins a directory and a relative path.
    public static func join(_ directory: String, _ relative: String) -> String {
        directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
    }

    /// Whether `path` names an existing directory.
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether `path` names an existing regular file.
    public static func isFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The whole content of the regular file at `path`.
    ///
    /// - Throws: `FileReadError` (missing, not a file, too large, read failure), whose
    ///   description is the reason alone, to be prefixed by the caller with the file name.
    public static func read(_ path: String, maxBytes: Int = maxFileBytes) throws(FileReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileReadError(errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileReadError(errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw FileReadError(reason: "not a regular file") }
        let size = Int(info.st_size)
        guard size <= maxBytes else { throw FileReadError(reason: "\(size) bytes, more than the limit of \(maxBytes)") }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let got = bytes.withUnsafeMutableBytes { buf in
                posixRead(fd, buf.baseAddress! + done, size - done)
            }
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
}

extension ProbePaths {
    /// Writes `bytes` to `path`, replacing any file there.
    public static func write(_ bytes: [UInt8], to path: String) throws(FileReadError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileReadError(errno: errno) }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let wrote = bytes.withUnsafeBytes { buf in posixWrite(fd, buf.baseAddress! + done, bytes.count - done) }
            if wrote < 0 {
                if errno == EINTR { continue }
                throw FileReadError(errno: errno)
            }
            done += wrote
        }
    }
}

@inline(__always) private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, buffer, count)
    #else
    Darwin.write(fd, buffer, count)
    #endif
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
    /// Creates an error from a reason.
    public init(reason: String) { self.reason = reason }
    /// Creates an error from a POSIX errno.
    public init(errno code: Int32) {
        switch code {
        case ENOENT: reason = "no such file"
        case EACCES: reason = "permission denied"
        case EISDIR: reason = "is a directory"
        default: reason = String(cString: strerror(code))
        }
    }
    public var description: String { reason }
}

// Why a probe file could not be read: the probe reader's one error for files, whatever refused
// them (a path leaving the dataset, or Runtime's `RegularFile`, which opens non-blocking and reads
// only regular files, so a FIFO where an image or a table should be never hangs the tool).
import Runtime
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Why a file could not be read or written.
public struct FileReadError: Error, Equatable, CustomStringConvertible {
    /// The reason in words (`no such file`, `permission denied`).
    public var reason: String
    /// Whether the file exists but was refused for safety (not a regular file, or a path that
    /// leaves the directory it must stay in), rather than missing or unreadable.
    public var refused: Bool
    public init(reason: String, refused: Bool = false) {
        self.reason = reason
        self.refused = refused
    }
    /// The error for a file `RegularFile` refused or could not read.
    public init(_ failure: RegularFile.Failure) {
        switch failure.kind {
        case .missing: self.init(reason: "no such file")
        case .denied: self.init(reason: "permission denied")
        case let .notRegularFile(what): self.init(reason: "not a regular file: \(what)", refused: true)
        case .outside: self.init(reason: failure.reason, refused: true)
        case .tooLarge, .failed: self.init(reason: failure.reason)
        }
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

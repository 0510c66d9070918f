// Reading a file whose path comes from untrusted input: a model, its external weights, a .npy
// batch, a photo, a file named inside a dataset.
//
// Only regular files are read. open(2) on a FIFO waits for a writer that may never come and a
// character device such as /dev/zero never ends, so either would hang a command on a path
// someone else prepared. The file is opened with O_NONBLOCK, which makes open return at once on
// a FIFO (and means nothing for a regular file), and its type is checked with fstat on the open
// descriptor, so the file checked is the file read.
//
// A file named relative to a directory (external weights beside a model) is also held to that
// directory: its real path, every symbolic link resolved, must lie inside the directory's real
// path. A link to /etc/passwd, or a linked subdirectory leading elsewhere, is refused before
// anything is opened.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation

/// A regular file open for reading; closed when released.
///
///     let file = try RegularFile(path: "models/m.onnx")
///     let header = try file.bytes(at: 0, count: 16)
public final class RegularFile: @unchecked Sendable {
    /// Why a file cannot be read.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// What kind of problem it is, for callers that react.
        public enum Kind: Equatable, Sendable {
            /// Nothing exists at the path (or a link in it dangles).
            case missing
            /// The permissions forbid reading it.
            case denied
            /// It exists but is `what` ("a directory", "a FIFO (named pipe)", a device, a socket).
            case notRegularFile(what: String)
            /// Its real path lies outside the directory it must stay in.
            case outside(realPath: String)
            /// It is larger than the caller agrees to read.
            case tooLarge
            /// Any other error of the file system.
            case failed
        }

        public var kind: Kind
        /// The cause in words, without the path ("it is a FIFO (named pipe), not a regular file").
        public var reason: String

        public init(_ kind: Kind, _ reason: String) {
            self.kind = kind
            self.reason = reason
        }

        init(errno code: Int32) {
            switch code {
            case ENOENT: self.init(.missing, "no such file")
            case EACCES, EPERM: self.init(.denied, "permission denied")
            case ELOOP: self.init(.failed, "symbolic links loop")
            case ENOTDIR: self.init(.missing, "a component of the path is not a directory")
            default: self.init(.failed, String(cString: strerror(code)))
            }
        }

        public var description: String { reason }
    }

    /// The path it was opened with.
    public let path: String
    /// Its size in bytes when it was opened.
    public let size: Int
    private let descriptor: Int32

    /// Opens `path` for reading when it is a regular file.
    ///
    /// - Parameter followLinks: when false, a symbolic link as the last component is refused.
    /// - Throws: `Failure` when it is missing, unreadable, or not a regular file; never blocks.
    public convenience init(path: String, followLinks: Bool = true) throws(Failure) {
        var flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC
        if !followLinks { flags |= O_NOFOLLOW }
        let fd = open(path, flags)
        guard fd >= 0 else {
            if !followLinks && errno == ELOOP { throw Failure(.notRegularFile(what: "a symbolic link"), "it is a symbolic link") }
            throw Failure(errno: errno)
        }
        try self.init(descriptor: fd, path: path)
    }

    /// Opens `name`, an entry of the directory open as `directory`, when it is a regular file
    /// and not a symbolic link; `path` is what `path` reports. Nil when it cannot be opened at
    /// all (missing, a link, no permission: `errno` says why), for callers that then go another
    /// way; a failure when it is not a regular file.
    public static func openEntry(_ name: String, inDirectory directory: Int32, path: String) throws(Failure) -> RegularFile? {
        let fd = openat(directory, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        return try RegularFile(descriptor: fd, path: path)
    }

    /// Takes `fd` (open for reading, O_NONBLOCK) when it is a regular file; closes it otherwise.
    private init(descriptor fd: Int32, path: String) throws(Failure) {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let failure = Failure(errno: errno)
            close(fd)
            throw failure
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            let what = Self.describe(mode: info.st_mode)
            throw Failure(.notRegularFile(what: what), "it is \(what), not a regular file")
        }
        // Reads of a regular file never block; clearing the flag keeps them plain where a file
        // system would treat it otherwise.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        self.path = path
        self.size = Int(info.st_size)
        self.descriptor = fd
    }

    /// Opens `relative`, a path inside `directory`, when its real path (every symbolic link
    /// resolved) lies inside the real path of `directory` and it is a regular file.
    ///
    /// - Throws: `Failure` with kind `.outside` when a link leads out of the directory,
    ///   `.notRegularFile` when it resolves to the directory itself or to a FIFO, device or
    ///   subdirectory, `.missing` when it or a link in it leads nowhere.
    public convenience init(path relative: String, inside directory: String) throws(Failure) {
        let directory = directory.isEmpty ? "." : directory
        guard let root = Self.realPath(directory) else {
            throw Failure(.missing, "its directory \(directory) does not exist")
        }
        let joined = directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
        guard let real = Self.realPath(joined) else { throw Failure(errno: errno) }
        // Bytes, not String comparison: canonically equivalent names are different directories.
        let prefix = root.hasSuffix("/") ? root : root + "/"
        guard real.utf8.elementsEqual(root.utf8) || real.utf8.starts(with: prefix.utf8) else {
            throw Failure(.outside(realPath: real), "it leads to \(real), outside \(root) (through a symbolic link)")
        }
        // `real` has no links left; refusing one closes the window for a swap since realpath.
        try self.init(path: real, followLinks: false)
    }

    deinit { close(descriptor) }

    /// The absolute path with every symbolic link, `.` and `..` resolved, or nil (with errno
    /// set) when something along it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Fills `buffer` from `offset`; returns the bytes read, fewer only at the end of the file.
    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
        precondition(offset >= 0, "RegularFile.read: negative offset")
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let got = pread(descriptor, base + done, buffer.count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw Failure(errno: errno)
            }
            if got == 0 { break }
            done += got
        }
        return done
    }

    /// `count` bytes from `offset`, or fewer at the end of the file.
    public func bytes(at offset: Int, count: Int) throws(Failure) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let got = try out.withUnsafeMutableBytes { buffer in Result { () throws(Failure) in try read(at: offset, into: buffer) } }.get()
        if got < count { out.removeLast(count - got) }
        return out
    }

    /// `count` bytes from `offset`, or fewer at the end of the file.
    public func data(at offset: Int, count: Int) throws(Failure) -> Data {
        var out = Data(count: count)
        let got = try out.withUnsafeMutableBytes { buffer in Result { () throws(Failure) in try read(at: offset, into: buffer) } }.get()
        if got < count { out.removeLast(count - got) }
        return out
    }

    /// The whole content of the regular file at `path`.
    ///
    /// - Throws: `Failure` when it is missing, not a regular file, or larger than `maxBytes`.
    /// `followLinks: false` refuses a symbolic link as the last component.
    public static func contents(of path: String, maxBytes: Int, followLinks: Bool = true) throws(Failure) -> [UInt8] {
        try RegularFile(path: path, followLinks: followLinks).contents(maxBytes: maxBytes)
    }

    /// The whole content of this file, when it holds at most `maxBytes` bytes.
    public func contents(maxBytes: Int) throws(Failure) -> [UInt8] {
        guard size <= maxBytes else {
            throw Failure(.tooLarge, "it holds \(size) bytes, more than the limit of \(maxBytes)")
        }
        return try bytes(at: 0, count: size)
    }

    /// "a directory", "a FIFO (named pipe)", ...: what a non-regular file is, for messages.
    static func describe(mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "a special file"
        }
    }
}

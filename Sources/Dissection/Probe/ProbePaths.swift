// Paths inside a probe dataset, and reading files from them.
//
// Every path in `index.csv` is relative to `images/`, and every file of a dataset is read through
// `ProbePaths.read(_:in:)`, which checks it twice before opening it:
// - lexically (`refusal`): an absolute path, a `..` component, a NUL byte or a backslash is refused
//   before anything touches the file system, so a hostile index cannot name `/etc/passwd` or
//   `../../secrets`;
// - on disk (`resolve`): every symbolic link on the way is resolved (realpath) and the real path
//   must lie inside the real dataset directory, so `images/`, a subfolder, an image or a table
//   that is a symbolic link leading out of the dataset is refused the same way. A link whose
//   target stays inside the dataset is followed; the dataset directory itself may be a link.
// The file is then read by Runtime's `RegularFile`, which refuses FIFOs and devices without blocking.
// Images and segmentations, read by the thousand, first try a cheaper way with the same outcome
// when the dataset holds its folders open (`DatasetFolders`: nothing on the way a link).
import Runtime
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Checking and reading paths named by a probe dataset.
public enum ProbePaths {
    /// Largest file the reader will load (a 384-pixel Broden JPEG is about 60 KB).
    public static let maxFileBytes = 256 << 20

    /// Why `path` (relative to `images/` or to the dataset directory) may not be used, or nil
    /// when it is lexically safe; `resolve` then checks where it leads on disk.
    public static func refusal(_ path: String) -> String? {
        let bytes = path.utf8
        guard let first = bytes.first else { return "an empty path" }
        if first == UInt8(ascii: "/") || first == UInt8(ascii: "~") {
            return "path '\(ProbeText.shown(path))' leaves the dataset directory (it is absolute)"
        }
        // Scan the components: a `..` one leaves the directory; NUL and backslash are refused.
        var componentLength = 0
        var dots = 0
        for byte in bytes {
            switch byte {
            case 0: return "a path with a NUL byte"
            case UInt8(ascii: "\\"): return "path '\(ProbeText.shown(path))' has a backslash; Broden paths use '/'"
            case UInt8(ascii: "/"):
                if componentLength == 2 && dots == 2 { return "path '\(ProbeText.shown(path))' leaves the dataset directory (it has a '..' component)" }
                componentLength = 0; dots = 0
            default:
                componentLength += 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        if componentLength == 2 && dots == 2 { return "path '\(ProbeText.shown(path))' leaves the dataset directory (it has a '..' component)" }
        return nil
    }

    /// The real path of `relative` (relative to the dataset `directory`: `index.csv`,
    /// `images/ade20k/x.jpg`), after the lexical check of `refusal` and with every symbolic
    /// link resolved; it lies inside the real dataset directory.
    ///
    /// - Parameter realDirectory: `realPath(directory)` when the caller has it already.
    /// - Throws: `FileReadError` (`refused` set) when the path is refused or leads out of the
    ///   dataset, or when a file on the way is missing.
    public static func resolve(_ relative: String, in directory: String,
                               realDirectory: String? = nil) throws(FileReadError) -> String {
        if let refusal = refusal(relative) { throw FileReadError(reason: refusal, refused: true) }
        let root: String
        if let realDirectory { root = realDirectory } else { root = try realPath(directory) }
        let real = try realPath(join(directory, relative))
        // Compared byte for byte: String's prefix test works on characters under canonical
        // equivalence, so an NFD spelling of the directory (another directory on disk) or a
        // combining mark after the "/" would change its answer.
        let inside = root == "/" ? real.utf8.count > 1 : real.utf8.starts(with: (root + "/").utf8)
        guard inside else {
            throw FileReadError(reason: "a symbolic link leads out of the dataset directory (to \(ProbeText.shown(real)))",
                                refused: true)
        }
        return real
    }

    /// The whole content of the regular file `relative` inside the dataset `directory` (see
    /// `resolve`; `images/` is part of `relative` for images and segmentations).
    ///
    /// - Parameter folders: the dataset's folders held open, when it has them: a file whose way
    ///   holds no link is then opened with one `openat` in its folder (`DatasetFolders`), with
    ///   the same outcome as the realpath way, which every other case takes.
    /// - Throws: `FileReadError` (missing, refused, not a regular file, too large, read
    ///   failure), whose description is the reason alone, to be put after the file name.
    static func read(_ relative: String, in directory: String, realDirectory: String? = nil, folders: DatasetFolders?,
                     maxBytes: Int = maxFileBytes) throws(FileReadError) -> [UInt8] {
        if let folders, refusal(relative) == nil {
            do {
                if let file = try folders.file(relative) { return try file.contents(maxBytes: maxBytes) }
            } catch {
                throw FileReadError(error)
            }
        }
        return try read(relative, in: directory, realDirectory: realDirectory, maxBytes: maxBytes)
    }

    /// `read` by realpath's way alone.
    public static func read(_ relative: String, in directory: String, realDirectory: String? = nil,
                            maxBytes: Int = maxFileBytes) throws(FileReadError) -> [UInt8] {
        let path = try resolve(relative, in: directory, realDirectory: realDirectory)
        // `path` is real (no link in it); a link put there since resolve() checked is refused
        // rather than followed out of the dataset.
        do { return try RegularFile.contents(of: path, maxBytes: maxBytes, followLinks: false) } catch { throw FileReadError(error) }
    }

    /// `path` with every symbolic link, `.` and `..` resolved (POSIX `realpath`).
    /// - Throws: `FileReadError` when a component is missing or cannot be searched.
    public static func realPath(_ path: String) throws(FileReadError) -> String {
        guard let resolved = realpath(path, nil) else { throw FileReadError(errno: errno) }
        defer { free(resolved) }
        return String(cString: resolved)
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

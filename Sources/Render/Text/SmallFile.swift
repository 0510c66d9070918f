// Reading a small file whose path a user or the environment chose (TERM, TERMINFO, a theme name)
// without ever blocking: opened non-blocking and read only when it is a regular file, so a FIFO,
// a device or a directory there is refused at once instead of hanging the program in `open` or
// `read`. Links are followed (terminfo databases are full of them). Render depends on nothing of
// ours; the runtime's `RegularFile` does the same for models, probes and weights.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Small regular files, read whole.
public enum SmallFile {
    /// The bytes of the regular file at `path`, or nil when it is missing, unreadable, not a
    /// regular file, or larger than `maxBytes`.
    public static func contents(of path: String, maxBytes: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) <= maxBytes else { return nil }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while out.count <= maxBytes {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return out.count <= maxBytes ? out : nil
    }
}

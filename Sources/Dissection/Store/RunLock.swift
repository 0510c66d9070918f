// One writer per run directory: an exclusive flock on `<run>/run.lock`, released by the kernel
// when the process ends however it ends (kill -9 included), so a stale lock can never block a
// resume. The file holds the holder's pid for the refusal message.
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// An exclusive lock on a run directory, held until `release()` or process exit.
final class RunLock: @unchecked Sendable {
    private var fd: Int32
    let path: String

    /// Takes the lock or throws `RunError.locked` naming the holder.
    init(directory: String) throws {
        path = (directory as NSString).appendingPathComponent("run.lock")
        fd = Glibc.open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)  // never a link out of the run
        guard fd >= 0 else {
            throw RunError.store(path: path, reason: "cannot create the lock file (\(String(cString: strerror(errno))))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 64)
            let n = pread(fd, &buffer, 63, 0)
            let text = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
            Glibc.close(fd)
            fd = -1
            throw RunError.locked(directory: directory, holder: text.isEmpty ? "unknown pid" : "pid \(text)")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
    }

    /// Releases the lock.
    func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        Glibc.close(fd)
        fd = -1
    }

    deinit { release() }
}

// One writer per run directory: an exclusive flock on `<run>/run.lock`, released by the kernel
// when the process ends however it ends (kill -9 included), so a stale lock can never block a
// resume. The file holds the holder's pid for the refusal message.
//
// Readers ask whether a writer is alive without taking any lock (a reader that locked, even for
// a moment, could make a writer starting at that moment refuse to run): the writer also holds an
// open-file-description write lock on the same file, which `fcntl(F_OFD_GETLK)` reports to
// anyone and the kernel drops with the writer. A status of "running" in the database with no
// such lock is a writer that is gone (killed, crashed, its machine rebooted).
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
        var query = Self.wholeFile(F_WRLCK)
        _ = fcntl(fd, Self.setOFDLock, &query)  // best effort: without it readers fall back to the pid
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
    }

    /// Whether a writer holds `directory`'s lock now: the open-file-description lock when the
    /// file system reports locks, else the pid written in the file names a live process.
    /// Takes no lock and creates nothing.
    static func isHeld(directory: String) -> Bool {
        let path = (directory as NSString).appendingPathComponent("run.lock")
        let fd = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return false }
        var query = wholeFile(F_WRLCK)
        if fcntl(fd, getOFDLock, &query) == 0 { return query.l_type != Int16(F_UNLCK) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, 31, 0)
        guard n > 0, let pid = Int32(String(decoding: buffer[0..<n], as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    // Linux's fcntl commands for open-file-description locks (not exported by Swift's Glibc).
    private static let getOFDLock: Int32 = 36, setOFDLock: Int32 = 37

    private static func wholeFile(_ type: Int32) -> flock {
        var l = flock()
        l.l_type = Int16(type); l.l_whence = Int16(SEEK_SET); l.l_start = 0; l.l_len = 0
        return l
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

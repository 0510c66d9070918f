// A test hook for the resume tests: `NETDISSECT_TEST_KILL=<pass>:<images>[:checkpoint]` makes the
// process SIGKILL itself once pass <pass> has done <images> images (after the batch that gets
// there, or, with `:checkpoint`, inside the next checkpoint's transaction before it commits).
// It exists so a test can kill a real subprocess at a chosen moment instead of a lucky one.
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Where the test hook asks to die, if anywhere.
struct CrashHook: Sendable {
    let pass: Int
    let images: Int
    let inCheckpoint: Bool

    /// The hook from the environment, or nil.
    static let current: CrashHook? = {
        guard let text = ProcessInfo.processInfo.environment["NETDISSECT_TEST_KILL"] else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count >= 2, let pass = Int(parts[0]), let images = Int(parts[1]) else { return nil }
        return CrashHook(pass: pass, images: images, inCheckpoint: parts.count > 2 && parts[2] == "checkpoint")
    }()

    /// Kills the process when the batch just done reached the hook's point.
    static func afterBatch(pass: Int, done: Int) {
        guard let h = current, !h.inCheckpoint, h.pass == pass, done >= h.images else { return }
        kill(getpid(), SIGKILL)
    }

    /// Kills the process inside a checkpoint transaction at or after the hook's point.
    static func inCheckpoint(pass: Int, done: Int) {
        guard let h = current, h.inCheckpoint, h.pass == pass, done >= h.images else { return }
        kill(getpid(), SIGKILL)
    }
}

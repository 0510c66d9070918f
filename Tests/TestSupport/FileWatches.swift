// Watching what code under test does to hostile files: which files it opens in a directory it
// must stay out of (Linux inotify), and whether it blocks opening a FIFO.
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Names of the files in `directory` (not below) that were opened while `body` ran, in order;
/// `"."` stands for the directory itself. Empty where inotify is unavailable (not Linux).
///
/// The watch is on the directory's inode: an open through a symbolic link elsewhere counts too.
public func filesOpened(in directory: String, during body: () throws -> Void) throws -> [String] {
    #if os(Linux)
    let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
    guard fd >= 0 else { throw WatchError("inotify_init1 failed: errno \(errno)") }
    defer { close(fd) }
    guard inotify_add_watch(fd, directory, UInt32(IN_OPEN)) >= 0 else {
        throw WatchError("inotify_add_watch(\(directory)) failed: errno \(errno)")
    }
    try body()
    var names: [String] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    let header = MemoryLayout<inotify_event>.size
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { break }
        var offset = 0
        while offset + header <= n {
            let length = buffer.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)) }
            let raw = buffer[(offset + header)..<min(n, offset + header + length)]
            let name = String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            names.append(name.isEmpty ? "." : name)
            offset += header + length
        }
    }
    return names
    #else
    try body()
    return []
    #endif
}

/// Runs `body` while watching the FIFO at `path`; returns true when something stayed blocked
/// opening it for reading (the watch then opens it for writing, which releases the reader with
/// an empty file, so a regression fails the test instead of hanging it).
///
/// `grace` seconds pass before the watch starts: a reader that checks the file type first
/// holds the FIFO open for microseconds, never that long.
public func blocksOnFIFO(_ path: String, grace: Double = 1, _ body: () throws -> Void) rethrows -> Bool {
    let state = FIFOWatchState()
    let watcher = Thread {
        let start = Date()
        while !state.isDone {
            if Date().timeIntervalSince(start) >= grace {
                let fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)   // succeeds only with a reader
                if fd >= 0 {
                    state.markBlocked()
                    close(fd)
                }
            }
            usleep(50_000)
        }
    }
    watcher.start()
    defer { state.finish() }
    try body()
    state.finish()
    return state.wasBlocked
}

/// Makes a FIFO (named pipe) at `path`.
public func makeFIFO(_ path: String) throws {
    guard mkfifo(path, 0o644) == 0 else { throw WatchError("mkfifo(\(path)) failed: errno \(errno)") }
}

private final class FIFOWatchState: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    private var blocked = false
    var isDone: Bool { lock.withLock { done } }
    var wasBlocked: Bool { lock.withLock { blocked } }
    func finish() { lock.withLock { done = true } }
    func markBlocked() { lock.withLock { blocked = true } }
}

/// A watch could not be set up.
public struct WatchError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

// Messages from background work to the UI thread: a locked queue plus a pipe whose read end the
// UI loop polls beside the terminal, so a message wakes it at once without busy waiting.

import Foundation

/// A thread-safe queue of messages that wakes the UI loop.
public final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var queue: [Message] = []
    private var fds: [Int32] = [-1, -1]

    /// A new inbox with its wake pipe.
    public init() {
        if pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        }
    }

    deinit { for fd in fds where fd >= 0 { Foundation.close(fd) } }

    /// The descriptor to poll for readability.
    public var wakeDescriptor: Int32 { fds[0] }

    /// Queues `message` and wakes the UI loop.
    public func post(_ message: Message) {
        lock.lock()
        queue.append(message)
        lock.unlock()
        var byte: UInt8 = 1
        _ = write(fds[1], &byte, 1)
    }

    /// Every queued message, oldest first.
    public func drain() -> [Message] {
        var scratch = [UInt8](repeating: 0, count: 64)
        while scratch.withUnsafeMutableBytes({ read(fds[0], $0.baseAddress, $0.count) }) > 0 {}
        lock.lock(); defer { lock.unlock() }
        let out = queue
        queue.removeAll(keepingCapacity: true)
        return out
    }
}

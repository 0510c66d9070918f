// Temporary directories for tests: each call makes a fresh one under /tmp, and the test process
// removes every one it made when it exits (a `make test` used to leave about a thousand behind).
// Set NETDISSECT_KEEP_TEST_DIRS=1 to keep them for a look after a failure.
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Returns a temporary directory unique to this call, created and empty; it is removed, with
/// whatever the test left in it, when the test process exits.
public func makeTemporaryDirectory(_ hint: String = "nd") throws -> String {
    let template = "/tmp/\(hint)-XXXXXX"
    var bytes = Array(template.utf8CString)
    let made = bytes.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    guard made != nil else { throw TemporaryDirectoryError(path: template) }
    let path = String(cString: bytes)
    TemporaryDirectories.add(path)
    return path
}

public struct TemporaryDirectoryError: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "could not create a temporary directory from \(path)" }
}

/// The directories `makeTemporaryDirectory` made in this process, removed at its exit.
enum TemporaryDirectories {
    private static let made = Mutex<[String]>([])
    /// Registers the exit handler once, on the first directory.
    private static let registration: Void = {
        atexit { TemporaryDirectories.removeAll() }
    }()

    static func add(_ path: String) {
        _ = registration
        made.withLock { $0.append(path) }
    }

    /// Removes every directory made, with what tests left in it (`removeItem` deletes symbolic
    /// links, never what they point to: tests plant links to files outside).
    static func removeAll() {
        guard ProcessInfo.processInfo.environment["NETDISSECT_KEEP_TEST_DIRS"] == nil else { return }
        for path in made.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}

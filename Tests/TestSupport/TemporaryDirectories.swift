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

    static func removeAll() {
        guard ProcessInfo.processInfo.environment["NETDISSECT_KEEP_TEST_DIRS"] == nil else { return }
        for path in made.withLock({ $0 }) { removeTree(path) }
    }

    /// Removes `path` and everything under it without following symbolic links (tests plant
    /// links to files outside); a directory a test made unreadable is opened up first.
    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            unlink(path)
            return
        }
        chmod(path, 0o700)
        if let directory = opendir(path) {
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(directory)
            for name in names { removeTree(path + "/" + name) }
        }
        rmdir(path)
    }
}

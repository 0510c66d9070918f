// Labelled sweeps: run a check for every value of a parameter so a failure names its case.
import Testing

/// Runs `body` once per element of `values`, prefixing any recorded issue with `name = value`.
///
///     withEvery("seed", in: 0..<8) { seed in ... }
public func withEvery<S: Sequence>(
    _ name: String, in values: S,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: (S.Element) throws -> Void
) {
    for value in values {
        do {
            try body(value)
        } catch {
            Issue.record("\(name) = \(value): \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// Returns a temporary directory unique to this call, created and empty.
public func makeTemporaryDirectory(_ hint: String = "nd") throws -> String {
    let template = "/tmp/\(hint)-XXXXXX"
    var bytes = Array(template.utf8CString)
    let made = bytes.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    guard made != nil else { throw TemporaryDirectoryError(path: template) }
    return String(cString: bytes)
}

public struct TemporaryDirectoryError: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "could not create a temporary directory from \(path)" }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

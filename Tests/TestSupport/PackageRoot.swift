// The repository's root directory, for tests that read or re-record files in the source tree
// (README, themes, models, golden files). Computed from this file's own path, which does not move
// when test files move between folders.
import Foundation

/// The repository root (the directory of Package.swift).
public let packageRoot: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()   // Tests/TestSupport
    .deletingLastPathComponent()   // Tests
    .deletingLastPathComponent().path

/// `relative` resolved against the repository root.
public func packagePath(_ relative: String) -> String {
    (packageRoot as NSString).appendingPathComponent(relative)
}

// The repository a test file lives in, found by walking up to Package.swift, so that a test
// moved to a deeper folder still finds models/ and data/.
import Foundation

/// The directory holding Package.swift above `file` (the calling test's source file).
public func repositoryRoot(_ file: String = #filePath) -> String {
    var url = URL(fileURLWithPath: file).deletingLastPathComponent()
    while url.path != "/" {
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        url = url.deletingLastPathComponent()
    }
    return FileManager.default.currentDirectoryPath
}

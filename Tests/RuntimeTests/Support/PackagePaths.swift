// Files under the package root that scripts/fetch-models writes (the real MobileNetV2 and
// onnxruntime's outputs on the bundled photo).
import Foundation
import TestSupport

/// Paths under the package root.
enum PackagePaths {
    static let root = packageRoot
    static func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    /// A file scripts/fetch-models writes, or a failure that says to run it.
    static func model(_ name: String) throws -> String {
        let p = path("models/\(name)")
        guard FileManager.default.fileExists(atPath: p) else {
            throw MissingModel(path: p)
        }
        return p
    }

    struct MissingModel: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) is missing; run scripts/fetch-models (make test does) to fetch the real MobileNetV2" }
    }
}

// Locating fixtures: read from the test bundle, re-recorded into the source tree.
import Foundation
import TestSupport

enum FixtureFiles {
    /// The bundled copy of `Fixtures/<path>`.
    static func url(_ path: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(path)
    }

    /// The bytes of `Fixtures/<path>`.
    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(path)))
    }

    /// The source-tree path of `Fixtures/<path>`, where golden files are re-recorded.
    static func sourcePath(_ path: String) -> String {
        packagePath("Tests/RenderTests/Fixtures/" + path)
    }

    /// True when golden files should be re-recorded (`RECORD_GOLDEN=1`).
    static var recording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" }
}

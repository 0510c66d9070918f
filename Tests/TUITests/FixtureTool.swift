// Writes the end-to-end fixture where a person can open it: `ND_WRITE_FIXTURE=/tmp/x swift test
// --filter writeFixtureForManualUse` (a no-op without the variable).

import Foundation
import Testing

@Suite struct FixtureTool {
    @Test func writeFixtureForManualUse() throws {
        guard let dir = ProcessInfo.processInfo.environment["ND_WRITE_FIXTURE"] else { return }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try ExplorerFixture.write(to: dir, images: Int(ProcessInfo.processInfo.environment["ND_FIXTURE_IMAGES"] ?? "48") ?? 48)
    }
}

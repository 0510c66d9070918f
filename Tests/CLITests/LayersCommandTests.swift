// `netdissect layers` on the real MobileNetV2, as a user reads it: every module path that names
// a layer is listed, so the names the README and the demo use (`features.18`) can be found there
// (issue 22, item 8: `features.18` was hidden behind its parent `features`).
import Foundation
import Testing
import TestSupport

@Suite struct LayersCommandTests {
    @Test func everyModulePathThatNamesALayerIsListed() throws {
        let model = packagePath("models/mobilenet_v2.onnx")
        try #require(FileManager.default.fileExists(atPath: model), "\(model) is missing; run scripts/fetch-models (make test does)")
        guard requireNetdissectBinary() != nil else { return }
        let result = try runNetdissect(["layers", model], timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").map(String.init)
        // The module column: paths joined by ", " up to the two spaces before the shape.
        func modules(_ row: String) -> [String] {
            (row.components(separatedBy: "  ").first ?? "").components(separatedBy: ", ")
        }
        let last = try #require(rows.first { modules($0).contains("features.18") }, "no row for features.18:\n\(result.stdout)")
        #expect(modules(last) == ["features", "features.18", "features.18.2"], "outermost first: \(last)")
        #expect(last.contains("(1280, 7, 7)"))
        #expect(rows.contains { modules($0).contains("features.13") })
    }
}

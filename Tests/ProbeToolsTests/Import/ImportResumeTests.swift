// A stopped import continues where it stopped and writes the same probe as one that never stopped.
import Dissection
import Foundation
import TestSupport
import Testing
@testable import ProbeTools

@Suite struct ImportResumeTests {
    @Test func aStoppedImportContinuesToTheSameProbe() throws {
        let root = try makeTemporaryDirectory("nd-resume")
        let quadrants = (0..<40).map { i in
            Quadrants(topLeft: 1 + i % 3, topRight: i % 5 == 0 ? 0 : 13, bottomLeft: 150 - i % 4, bottomRight: i == 7 ? 201 : 5)
        }
        let src = try ImportFixtures.ade20k(in: root, train: Array(quadrants[..<30]), val: Array(quadrants[30...]))
        let whole = try importProbe(src, .ade20k, out: root + "/whole")

        // Stopped after 16 images (one batch of 2 workers), with a problem line and half a line
        // written after them (a stop in the middle of a batch's lines).
        #expect(throws: ImportError.self) {
            _ = try ProbeImport.run(source: src, out: root + "/stopped", options: options(), stopAfter: 16)
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/stopped/index.csv"))
        let journal = root + "/stopped/.import/journal"
        let done = try String(contentsOfFile: journal, encoding: .utf8)
        #expect(done.split(separator: "\n").filter { $0.hasPrefix("R\t") || $0.hasPrefix("S\t") }.count == 16)
        #expect(done.split(separator: "\n").filter { $0.hasPrefix("P\t") }.count == 1, "image 8's problem")
        let handle = try #require(FileHandle(forWritingAtPath: journal))
        try handle.seekToEnd(); try handle.write(contentsOf: Data("P\tx.png\tcut\nR\t0\t25".utf8)); try handle.close()

        // Other settings do not continue it.
        var other = options(); other.limit = 5
        #expect(throws: ImportError.self) { _ = try ProbeImport.run(source: src, out: root + "/stopped", options: other) }

        var reported: [ImportProblem] = []
        let resumed = try ProbeImport.run(source: src, out: root + "/stopped", options: options(), report: { reported.append($0) })
        #expect(resumed.resumed == 16 && resumed.imported == 40)
        // Image 8's problem was found before the stop: it is reported again at the end, marked so.
        #expect(reported.map(\.description) == whole.problems.map(\.description) && reported.allSatisfy(\.earlier))
        #expect(whole.problems.allSatisfy { !$0.earlier })
        #expect(resumed.problems == whole.summary.problems && resumed.problems == 1)
        for table in ["index.csv", "category.csv", "label.csv", "c_object.csv", "c_scene.csv"] {
            let a = try String(contentsOfFile: root + "/whole/" + table, encoding: .utf8)
            let b = try String(contentsOfFile: root + "/stopped/" + table, encoding: .utf8)
            #expect(a == b, "\(table)")
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/stopped/.import"))
        _ = try expectCleanCheck(root + "/stopped")
    }

    private func options() -> ImportOptions {
        var o = ImportOptions(format: .ade20k)
        o.workers = 2
        return o
    }
}

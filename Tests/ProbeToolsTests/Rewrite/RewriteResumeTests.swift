// A stopped resize or subset continues where it stopped and writes the same probe, byte for
// byte, as one that never stopped; the problems found before the stop are reported again.
import Dissection
import Foundation
import TestSupport
import Testing
@testable import ProbeTools

@Suite struct RewriteResumeTests {
    /// A synthetic probe of 40 images of 32 pixels, its fourth image unreadable.
    func source() throws -> (root: String, probe: String) {
        let root = try makeTemporaryDirectory("nd-rewrite-resume")
        var options = SynthOptions()
        options.images = 40
        options.size = 32
        options.workers = 2
        _ = try SyntheticBroden.generate(to: root + "/probe", options: options)
        let fourth = try ProbeDataset.open(directory: root + "/probe").records[3].image
        try ImportFixtures.write(Array("not a jpeg".utf8), root + "/probe/images/" + fourth)
        return (root, root + "/probe")
    }

    /// Every file under `a` and under `b` (hidden ones too), byte for byte.
    func expectSameFiles(_ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let files = { (dir: String) -> [String] in (FileManager.default.subpaths(atPath: dir) ?? []).filter { ProbePaths.isFile(dir + "/" + $0) }.sorted() }
        #expect(files(a) == files(b), sourceLocation: sourceLocation)
        #expect(files(a).count > 40, sourceLocation: sourceLocation)
        for file in files(a) {
            #expect(FileManager.default.contentsEqual(atPath: a + "/" + file, andPath: b + "/" + file), "\(file)", sourceLocation: sourceLocation)
        }
    }

    /// Stops `run` after 16 rows, cuts a line into its journal, continues it, and compares it to an uninterrupted run.
    func expectResumes(_ run: (_ out: String, _ report: @escaping (ImportProblem) -> Void, _ stopAfter: Int?) throws -> RewriteSummary,
                       other: (_ out: String) throws -> RewriteSummary, root: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        var wholeProblems: [ImportProblem] = []
        let whole = try run(root + "/whole", { wholeProblems.append($0) }, nil)
        #expect(whole.resumed == 0 && whole.problems == 1 && wholeProblems.count == 1, sourceLocation: sourceLocation)

        var before: [ImportProblem] = []
        #expect(throws: ImportError.self, sourceLocation: sourceLocation) { _ = try run(root + "/stopped", { before.append($0) }, 16) }
        #expect(before.count == 1 && !before[0].earlier, sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: root + "/stopped/index.csv"), sourceLocation: sourceLocation)
        let journal = root + "/stopped/.rewrite/journal"
        let handle = try #require(FileHandle(forWritingAtPath: journal))
        try handle.seekToEnd(); try handle.write(contentsOf: Data("P\tx\tcut short\nR\t0\t25".utf8)); try handle.close()
        // Other settings do not continue it.
        #expect(throws: ImportError.self, sourceLocation: sourceLocation) { _ = try other(root + "/stopped") }

        var after: [ImportProblem] = []
        let resumed = try run(root + "/stopped", { after.append($0) }, nil)
        #expect(resumed.resumed == 16 && resumed.written == whole.written && resumed.leftOut == whole.leftOut, sourceLocation: sourceLocation)
        #expect(resumed.problems == 1, sourceLocation: sourceLocation)
        // The unreadable fourth row was reported before the stop: again at the end, marked so.
        #expect(after.map(\.description) == wholeProblems.map(\.description) && after.allSatisfy(\.earlier), sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: root + "/stopped/.rewrite"), sourceLocation: sourceLocation)
        try expectSameFiles(root + "/whole", root + "/stopped", sourceLocation: sourceLocation)
        let report = try ProbeDataset.check(directory: root + "/stopped", workers: 2)
        #expect(report.isUsable && report.problems.isEmpty, "\(report.lines())", sourceLocation: sourceLocation)
    }

    @Test func aStoppedResizeContinuesToTheSameProbe() throws {
        let (root, probe) = try source()
        try expectResumes({ out, report, stopAfter in
            try ProbeRewrite.resize(probe, size: 20, out: out, workers: 2, report: report, stopAfter: stopAfter)
        }, other: { out in try ProbeRewrite.resize(probe, size: 24, out: out, workers: 2) }, root: root)
    }

    @Test func aStoppedSubsetContinuesToTheSameProbe() throws {
        let (root, probe) = try source()
        let categories = try ProbeDataset.open(directory: probe).categories.map(\.name)
        let kept = Array(categories.prefix(2))
        try expectResumes({ out, report, stopAfter in
            try ProbeRewrite.subset(probe, limit: 36, categories: kept, out: out, workers: 2, report: report, stopAfter: stopAfter)
        }, other: { out in try ProbeRewrite.subset(probe, limit: 35, categories: kept, out: out, workers: 2) }, root: root)
    }

    @Test func aChangedSourceIsNotMixedIn() throws {
        let (root, probe) = try source()
        #expect(throws: ImportError.self) { _ = try ProbeRewrite.resize(probe, size: 20, out: root + "/out", workers: 2, stopAfter: 16) }
        // The last row dropped from the source's index.csv.
        let rows = try String(contentsOfFile: probe + "/index.csv", encoding: .utf8).split(separator: "\n")
        try ImportFixtures.write(rows.dropLast().joined(separator: "\n") + "\n", probe + "/index.csv")
        do {
            _ = try ProbeRewrite.resize(probe, size: 20, out: root + "/out", workers: 2)
            Issue.record("a changed source continued a resize")
        } catch {
            #expect(error.description.contains("unfinished job with other settings"))
        }
    }
}

// `probe check`: per-category counts, every problem with file and line, and the verdict.
import DissectionTestSupport
import Foundation
import Render
import Testing
import TestSupport
@testable import Dissection
@testable import ProbeTools

@Suite struct ProbeCheckTests {
    @Test func fixtureIsUsableWithItsMissingFileNamed() throws {
        let report = try ProbeDataset.check(directory: try fixtureDirectory("tiny"), workers: 2)
        #expect(report.records == 3 && report.usable == 2 && report.skipped == 1)
        #expect(report.train == 2 && report.val == 1)
        #expect(report.isUsable)
        #expect(report.problems == [ProbeProblem(file: "index.csv", line: 3, severity: .warning,
                                                 cause: "images/pascal/two_object.png: no such file; image left out")])
        let byName = Dictionary(uniqueKeysWithValues: report.categories.map { ($0.name, $0) })
        #expect(byName["color"]?.images == 2 && byName["color"]?.labelsFound == 2)
        #expect(byName["part"]?.labelsFound == 3)  // head 10, tail 11 and leg 5 across two layers
        #expect(byName["scene"]?.labelsFound == 1 && byName["scene"]?.labelsListed == 2)
        #expect(byName["texture"]?.images == 1)
        let text = report.lines().joined(separator: "\n")
        #expect(text.contains("index.csv:3: warning: images/pascal/two_object.png: no such file"))
        #expect(text.contains("2 of 3 images usable, 1 skipped; the dataset can be used"))
    }

    @Test func unknownPixelLabelsAreReportedWithTheirLine() throws {
        let directory = try writeDataset(index: "image,split,ih,iw,sh,sw,object,scene\na/1.jpg,train,8,8,2,2,a/1_object.png,3\n")
        try writeFile(try JPEG.encode(RGBImage(width: 8, height: 8)), "\(directory)/images/a/1.jpg")
        try writeFile(try PNG.encode(LabelMap(width: 2, height: 2, labels: [1, 77, 0, 300]).rgEncoded()), "\(directory)/images/a/1_object.png")
        let report = try ProbeDataset.check(directory: directory)
        #expect(report.isUsable)
        #expect(report.problems.map(\.description) == ["index.csv:2: warning: images/a/1_object.png: labels 77, 300 not in label.csv; ignored"])
        #expect(report.categories[0].labelsFound == 1)
    }

    @Test func aDatasetWithNoUsableImageCannotBeUsed() throws {
        let directory = try writeDataset(index: "image,split,ih,iw,sh,sw,object,scene\n../x.jpg,train,8,8,4,4,,3\nmissing.jpg,val,8,8,4,4,,3\n")
        let report = try ProbeDataset.check(directory: directory)
        #expect(!report.isUsable && report.usable == 0)
        #expect(report.problems.map(\.line) == [2, 3])  // the reader's for line 2, the loader's for line 3
        #expect(report.lines().last?.hasSuffix("the dataset cannot be used") == true)
        let empty = try ProbeDataset.check(directory: try writeDataset(index: "image,split,ih,iw,sh,sw,object,scene\n"))
        #expect(!empty.isUsable)
    }

    @Test func unopenableDatasetThrowsAMessageNamingTheFile() throws {
        let directory = try writeDataset(index: "")
        do {
            _ = try ProbeDataset.check(directory: directory)
            Issue.record("an empty index.csv was accepted")
        } catch {
            #expect(error.message(directory: directory) == "\(directory)/index.csv: the file is empty; is this a Broden-layout dataset?")
        }
    }
}

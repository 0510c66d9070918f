// Per-image problems are reported one line each and the import goes on; hostile sources and bad
// options stop it with one line naming the file and the cause.
import Dissection
import DissectionTestSupport
import Foundation
import Render
import TestSupport
import Testing
@testable import ProbeTools

@Suite struct ImportProblemTests {
    typealias Q = Quadrants
    static let q = Q(topLeft: 1, topRight: 0, bottomLeft: 3, bottomRight: 13)

    @Test func badImagesAreReportedAndLeftOut() throws {
        let root = try makeTemporaryDirectory("nd-bad")
        let src = try ImportFixtures.ade20k(in: root, train: Array(repeating: Self.q, count: 7), val: [])
        let images = src + "/images/training/", masks = src + "/annotations/training/"
        // 2: no mask; 3: a mask of another size; 4: a corrupt image; 5: an RGB mask;
        // 6: a mask that is a link leading out of the dataset; 7: a mask that is a FIFO.
        try FileManager.default.removeItem(atPath: masks + "ADE_train_00000002.png")
        try ImportFixtures.write(try ImportFixtures.grey(Self.q, side: 12), masks + "ADE_train_00000003.png")
        try ImportFixtures.write(Array("not a jpeg".utf8), images + "ADE_train_00000004.jpg")
        try ImportFixtures.write(try PNG.encode(ImportFixtures.picture(1)), masks + "ADE_train_00000005.png")
        let outside = try makeTemporaryDirectory("nd-outside")
        try ImportFixtures.write(try ImportFixtures.grey(Self.q), outside + "/secret.png")
        try FileManager.default.removeItem(atPath: masks + "ADE_train_00000006.png")
        try link(masks + "ADE_train_00000006.png", to: outside + "/secret.png")
        try FileManager.default.removeItem(atPath: masks + "ADE_train_00000007.png")
        try fifo(masks + "ADE_train_00000007.png")

        let result = withinDeadline(60, fifos: [masks + "ADE_train_00000007.png"]) { try? importProbe(src, .ade20k) }
        let (dir, summary, problems) = try #require(result)
        #expect(summary.imported == 1 && summary.skipped == 6 && summary.problems == 6)
        let lines = problems.map(\.description)
        #expect(lines.count == 6)
        #expect(lines[0].contains("ADE_train_00000002.png") && lines[0].contains("no mask") && lines[0].contains("left out"))
        #expect(lines[1].contains("ADE_train_00000003.png") && lines[1].contains("12x12") && lines[1].contains("16x16"))
        #expect(lines[2].contains("ADE_train_00000004.jpg"))
        #expect(lines[3].contains("ADE_train_00000005.png") && lines[3].contains("truecolour"))
        #expect(lines[4].contains("ADE_train_00000006.png") && lines[4].contains("outside"))
        #expect(lines[5].contains("ADE_train_00000007.png") && lines[5].contains("FIFO"))
        #expect(lines.allSatisfy { !$0.contains("\n") })
        _ = try expectCleanCheck(dir)
    }

    @Test func linksListedThatLeadOutOrNowhereAreReported() throws {
        let root = try makeTemporaryDirectory("nd-listed-links")
        let outside = try makeTemporaryDirectory("nd-outside-listed")
        // ADE20K: image 2 is a link leading out of the dataset, image 3 a link leading nowhere.
        let ade = try ImportFixtures.ade20k(in: root, train: Array(repeating: Self.q, count: 3), val: [])
        let images = ade + "/images/training/"
        try FileManager.default.moveItem(atPath: images + "ADE_train_00000002.jpg", toPath: outside + "/2.jpg")
        try link(images + "ADE_train_00000002.jpg", to: outside + "/2.jpg")
        try FileManager.default.removeItem(atPath: images + "ADE_train_00000003.jpg")
        try link(images + "ADE_train_00000003.jpg", to: outside + "/missing.jpg")
        let (_, summary, problems) = try importProbe(ade, .ade20k)
        #expect(summary.imported == 1 && summary.problems == 2)
        let lines = problems.map(\.description)
        #expect(lines.count == 2, "\(lines)")
        #expect(lines[0].contains("ADE_train_00000002.jpg") && lines[0].contains("leads out of the dataset") && lines[0].hasSuffix("file left out"), "\(lines[0])")
        #expect(lines[1].contains("ADE_train_00000003.jpg") && lines[1].contains("leads nowhere") && lines[1].hasSuffix("file left out"), "\(lines[1])")

        // Cityscapes: a city folder that is a link leading out of the dataset.
        let city = try ImportFixtures.cityscapes(in: root, train: [Self.q, Self.q], val: [Self.q])
        try FileManager.default.moveItem(atPath: city + "/leftImg8bit/train/aachen", toPath: outside + "/aachen")
        try link(city + "/leftImg8bit/train/aachen", to: outside + "/aachen")
        let (_, citySummary, cityProblems) = try importProbe(city, .cityscapes)
        #expect(citySummary.imported == 1 && citySummary.problems == 1)
        #expect(cityProblems.map(\.description) == ["\(city)/leftImg8bit/train/aachen: a symbolic link leads out of the dataset directory (to \(try ProbePaths.realPath(outside))/aachen); folder left out"])
    }

    @Test func sourceAndOptionErrorsNameTheCause() throws {
        let root = try makeTemporaryDirectory("nd-errors")
        let src = try ImportFixtures.ade20k(in: root, train: [Self.q], val: [])
        func failure(_ source: String, _ format: ImportFormat, out: String? = nil, _ options: (inout ImportOptions) -> Void = { _ in }) -> String {
            do {
                _ = try importProbe(source, format, options: options, out: out ?? root + "/out-\(UUID().uuidString.prefix(6))")
                return "no error"
            } catch { return "\(error)" }
        }
        #expect(failure(root + "/missing", .ade20k).contains("is not a directory"))
        #expect(failure(src, .voc).contains("JPEGImages"))
        #expect(failure(src, .cityscapes).contains("leftImg8bit"))
        #expect(failure(src, .cocoPanoptic).contains("panoptic_val2017.json"))
        #expect(failure(src, .masks).contains("images and masks"))
        try FileManager.default.moveItem(atPath: src + "/objectInfo150.txt", toPath: root + "/objectInfo150.txt")
        #expect(failure(src, .ade20k).contains("objectInfo150.txt: not found"))
        try FileManager.default.moveItem(atPath: root + "/objectInfo150.txt", toPath: src + "/objectInfo150.txt")
        try ImportFixtures.write("name,category\nunicorn,material\n", root + "/map.csv")
        #expect(failure(src, .ade20k) { $0.map = root + "/map.csv" }.contains("'unicorn' is not a class"))
        try ImportFixtures.write("name,category\nwall,scene\n", root + "/map2.csv")
        #expect(failure(src, .ade20k) { $0.map = root + "/map2.csv" }.contains("image-level"))
        #expect(failure(src, .ade20k) { $0.category = "../x" }.contains("letters, digits"))
        #expect(failure(src, .ade20k) { $0.split = "test" }.contains("no image"))
        // An output directory holding something else.
        try ImportFixtures.write("x", root + "/full/notes.txt")
        #expect(failure(src, .ade20k, out: root + "/full").contains("is not empty"))
        // A finished probe is not imported into again.
        _ = try importProbe(src, .ade20k, out: root + "/done")
        #expect(failure(src, .ade20k, out: root + "/done").contains("already holds a probe"))
    }

    @Test func aHostileClassListIsCleaned() throws {
        let root = try makeTemporaryDirectory("nd-hostile")
        let src = try ImportFixtures.maskFolder(in: root, images: [Q(topLeft: 1, topRight: 2, bottomLeft: 0, bottomRight: 1)],
                                                classes: "1,\"bad\u{1B}]0;title\u{07}name\"\n2,\"quote \"\"q\"\", comma\"\n")
        let (dir, _, _) = try importProbe(src, .masks)
        _ = try expectCleanCheck(dir)
        let names = try ProbeDataset.open(directory: dir).labels.map(\.name)
        #expect(names.allSatisfy { !$0.unicodeScalars.contains { $0.value < 0x20 } })
        #expect(names.contains("quote \"q\", comma"))
    }
}

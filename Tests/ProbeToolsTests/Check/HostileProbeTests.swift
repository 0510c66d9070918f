// Hostile probe datasets (issue 25): symbolic links out of the dataset, FIFOs, label ids no
// segmentation can hold, terminal escapes and megabyte names, millions of bad rows, damaged
// c_*.csv and index.csv headers. Each must end in a clean problem or error naming the file and
// the cause, never a hang, a crash, a file read from outside the dataset, or memory that grows
// with a number written in a table.
import DissectionTestSupport
import Foundation
import ProbeTools
import Testing
import TestSupport
@testable import Dissection
import Render

@Suite struct HostileProbeTests {
    // MARK: Symbolic links (item 2)

    @Test func linksLeavingTheDatasetAreRefusedBeforeTheFileIsOpened() throws {
        let cases: [(String, (String, String) throws -> Void, String)] = [
            ("an image", { d, o in try link("\(d)/images/a/1.jpg", to: "\(o)/images/a/1.jpg") }, "images/a/1.jpg"),
            ("a segmentation", { d, o in try link("\(d)/images/a/1_object.png", to: "\(o)/images/a/1_object.png") }, "images/a/1_object.png"),
            ("a subfolder", { d, o in try link("\(d)/images/a", to: "\(o)/images/a") }, "images/a/1.jpg"),
            ("images/", { d, o in try link("\(d)/images", to: "\(o)/images") }, "images/a/1.jpg"),
        ]
        for (what, make, file) in cases {
            let directory = try writeUsableDataset()
            let outside = try outsideCopy(of: directory)
            // The outside target is a FIFO: had the reader opened it, the cause would say so.
            try make(directory, outside)
            let target = try ProbePaths.realPath("\(directory)/\(file)")
            try fifo(target)
            let report = try #require(withinDeadline(20, fifos: [target]) { try? ProbeDataset.check(directory: directory, workers: 1) })
            #expect(report.usable == (what.hasSuffix("/") || what == "a subfolder" ? 0 : 1), "\(what)")
            let problem = try #require(report.problems.first, "\(what)")
            #expect(problem.file == "index.csv" && problem.line == 2, "\(what)")
            #expect(problem.cause.hasPrefix(file + ": a symbolic link leads out of the dataset directory (to /"), "\(what): \(problem)")
            #expect(!problem.cause.contains("FIFO"), "\(what): the outside file was opened")
        }
    }

    @Test func aTableLinkedFromOutsideIsRefused() throws {
        for table in ["index.csv", "label.csv", "category.csv"] {
            let directory = try writeUsableDataset()
            let outside = try outsideCopy(of: directory)
            try link("\(directory)/\(table)", to: "\(outside)/\(table)")
            #expect(throws: ProbeError.self) { try ProbeDataset.open(directory: directory) }
            do { _ = try ProbeDataset.open(directory: directory) } catch {
                guard case let .refused(file, reason) = error else { Issue.record("\(table): \(error)"); continue }
                #expect(file == table && reason.contains("symbolic link leads out"))
                #expect(error.message(directory: directory).hasPrefix("\(directory)/\(table): refused ("))
            }
        }
        // A c_<category>.csv from outside only loses what it would have said.
        let directory = try writeUsableDataset()
        let outside = try outsideCopy(of: directory)
        try link("\(directory)/c_object.csv", to: "\(outside)/c_object.csv")
        let dataset = try ProbeDataset.open(directory: directory)
        #expect(dataset.problems.contains { $0.file == "c_object.csv" && $0.cause.contains("symbolic link leads out") })
    }

    @Test func linksThatStayInsideAreFollowed() throws {
        let directory = try writeUsableDataset()
        try FileManager.default.moveItem(atPath: "\(directory)/images/a/1.jpg", toPath: "\(directory)/elsewhere.jpg")
        try link("\(directory)/images/a/1.jpg", to: "../../elsewhere.jpg")
        try FileManager.default.createDirectory(atPath: "\(directory)/tables", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: "\(directory)/label.csv", toPath: "\(directory)/tables/label.csv")
        try link("\(directory)/label.csv", to: "\(directory)/tables/label.csv")
        // The dataset directory itself may be reached through a link.
        let alias = try makeTemporaryDirectory("alias") + "/dataset"
        try link(alias, to: directory)
        let report = try ProbeDataset.check(directory: alias, workers: 1)
        #expect(report.usable == 2 && report.problems.isEmpty, "\(report.problems)")
    }

    @Test func heldFoldersReadWhatRealpathsChecksRead() throws {
        // Plain folders go through the held descriptors, a linked folder inside the dataset
        // through realpath's checks: the same bytes either way, and the same errors.
        let directory = try writeUsableDataset()
        try FileManager.default.createDirectory(atPath: "\(directory)/images/b/c", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(directory)/images/a/1.jpg", toPath: "\(directory)/images/b/c/1.jpg")
        try link("\(directory)/images/d", to: "b")
        try fifo("\(directory)/images/a/pipe.png")
        let dataset = try ProbeDataset.open(directory: directory)
        let files = ["a/1.jpg", "a/2_object.png", "b/c/1.jpg", "d/c/1.jpg", "a/missing.jpg", "e/1.jpg", "a", "a/pipe.png",
                     "a/1.jpg/x", "./a/1.jpg", "a//1.jpg"]
        for (file, limit) in files.map({ ($0, 1 << 20) }) + [("a/1.jpg", 10)] {
            let held = Result { () throws(FileReadError) in try dataset.readImageFile(file, maxBytes: limit) }
            let checked = Result { () throws(FileReadError) in
                try ProbePaths.read("images/" + file, in: directory, maxBytes: limit)
            }
            #expect(held == checked, "\(file), at most \(limit) bytes")
        }
        #expect((try? dataset.readImageFile("a/1.jpg", maxBytes: 1 << 20))?.isEmpty == false)
    }

    @Test func aFolderSwappedForALinkWhileReadingIsNotFollowed() throws {
        let directory = try writeUsableDataset()
        let outside = try outsideCopy(of: directory)
        let dataset = try ProbeDataset.open(directory: directory)
        let original = try dataset.readImageFile("a/1.jpg", maxBytes: 1 << 20)
        // images/a becomes a link out of the dataset, to a FIFO where 1.jpg was.
        #expect(rename("\(directory)/images/a", "\(directory)/images/a-moved") == 0)
        try link("\(directory)/images/a", to: "\(outside)/images/a")
        try fifo("\(outside)/images/a/1.jpg")
        let again = withinDeadline(20, fifos: ["\(outside)/images/a/1.jpg"]) {
            try? dataset.readImageFile("a/1.jpg", maxBytes: 1 << 20)
        }
        // The held folder is the one first opened (now images/a-moved), never the link's target.
        #expect(again == original)
        // A dataset opened afresh meets the link and refuses it.
        let fresh = try ProbeDataset.open(directory: directory)
        #expect(throws: FileReadError.self) { try fresh.readImageFile("a/1.jpg", maxBytes: 1 << 20) }
    }

    @Test func foldersAreCutOnBytes() {
        #expect(DatasetFolders.split("images/a/1.jpg") == ("images/a", "1.jpg"))
        #expect(DatasetFolders.split("1.jpg") == ("", "1.jpg"))
        // "/" and a combining mark after it are one Character; the cut is still at the "/".
        #expect(DatasetFolders.split("images/\u{301}a") == ("images", "\u{301}a"))
    }

    @Test func insideIsDecidedOnBytesNotOnCharacters() throws {
        // "caf\u{E9}" (NFC) and "cafe\u{301}" (NFD) are equal Swift strings but two directories
        // on disk: a link into the twin leads out. POSIX calls, so that nothing normalises names.
        let parent = try makeTemporaryDirectory("unicode")
        let directory = parent + "/caf\u{E9}", twin = parent + "/cafe\u{301}"
        #expect(directory == twin && directory.utf8.count != twin.utf8.count)
        #expect(rename(try writeUsableDataset(), directory) == 0)
        #expect(rename(try outsideCopy(of: directory), twin) == 0)
        #expect(unlink(directory + "/images/a/1.jpg") == 0 && symlink(twin + "/images/a/1.jpg", directory + "/images/a/1.jpg") == 0)
        let report = try ProbeDataset.check(directory: directory, workers: 1)
        #expect(report.usable == 1)
        #expect(report.problems.map(\.cause).first?.hasPrefix("images/a/1.jpg: a symbolic link leads out of the dataset directory") == true,
                "\(report.problems)")

        // A folder inside whose name starts with a combining mark (which joins the "/" before
        // it into one character) is inside.
        let inside = try writeUsableDataset()
        #expect(rename(inside + "/images", inside + "/\u{301}images") == 0 && symlink("\u{301}images", inside + "/images") == 0)
        let fine = try ProbeDataset.check(directory: inside, workers: 1)
        #expect(fine.usable == 2 && fine.problems.isEmpty, "\(fine.problems)")
    }

    // MARK: FIFOs (item 8)

    @Test func fifosAreRefusedWithoutBlocking() throws {
        let directory = try writeUsableDataset()
        try fifo("\(directory)/label.csv")
        let opened = withinDeadline(20, fifos: ["\(directory)/label.csv"]) { () -> ProbeError? in
            do { _ = try ProbeDataset.open(directory: directory); return nil } catch { return error as? ProbeError }
        }
        #expect(opened == .refused(file: "label.csv", reason: "not a regular file: a FIFO (named pipe)"))

        for file in ["images/a/1.jpg", "images/a/1_object.png"] {
            let directory = try writeUsableDataset()
            try fifo("\(directory)/\(file)")
            let report = try #require(withinDeadline(20, fifos: ["\(directory)/\(file)"]) {
                try? ProbeDataset.check(directory: directory, workers: 1)
            })
            #expect(report.usable == 1)
            #expect(report.problems.map(\.description) == ["index.csv:2: warning: \(file): not a regular file: a FIFO (named pipe); image left out"])
        }
    }

    // MARK: Label ids (item 6)

    @Test func labelIDsNoSegmentationCanHoldAreRefused() throws {
        let directory = try writeUsableDataset()
        try writeFile(Array("number,name,category,frequency,coverage,syns\n1,dog,object(1),1,0.5,\n3,street-s,scene(1),1,1,\n100000000,huge,object(1),1,1,\n65536,just-over,scene(1),1,1,\n".utf8),
                      "\(directory)/label.csv")
        var index = try String(contentsOfFile: "\(directory)/index.csv", encoding: .utf8)
        index = index.replacingOccurrences(of: "a/2_object.png,3\n", with: "a/2_object.png,3;100000000;999999999999999\n")
        try writeFile(Array(index.utf8), "\(directory)/index.csv")
        let dataset = try ProbeDataset.open(directory: directory)
        #expect(dataset.maxLabelID == 3)
        let causes = dataset.problems.map(\.description)
        #expect(causes.contains("label.csv:4: warning: label number 100000000 is above 65535, the largest a segmentation can encode (R + 256 * G); row left out"))
        #expect(causes.contains { $0.hasPrefix("label.csv:5: warning: label number 65536 is above 65535") })
        #expect(causes.contains("index.csv:3: warning: scene: label 100000000 is above 65535, the largest label id (R + 256 * G); ignored"))
        #expect(causes.contains { $0.hasPrefix("index.csv:3: warning: scene: label 999999999999999 is above 65535") })
        // What the engine sizes its per-label arrays by.
        let source = try ProbeSampleSource(dataset: dataset, categories: nil, limit: nil, workers: 1)
        #expect(source.catalog.maxLabelID <= LabelMap.maxLabel)
    }

    // MARK: Terminal escapes and long names (item 4)

    @Test func namesAndPathsAreCleanedAndCut() throws {
        // OSC (retitle, ended by BEL), CSI colours, an 8-bit CSI and a newline, inside quoted
        // fields so that they reach the names; and names of 100,000 characters.
        let escape = "\u{1B}]0;PWNED\u{07}\u{1B}[31mred\u{1B}[0m\u{9B}2J\n"
        let long = String(repeating: "L", count: 100_000)
        let directory = try writeDataset(
            index: "image,split,ih,iw,sh,sw,object,scene,\"x\(escape)\"\n"
                + "\"a/\(escape).jpg\",train,8,8,4,4,,3,\n"
                + "a/\(long).jpg,train,8,8,4,4,,\"3;\u{1B}[2J\u{07}zap\",\n"
                + "a/3.jpg,train,8,8,4,4,\"a/\(escape)\(long).png\",3,\n",
            labels: "number,name,category,frequency,coverage,syns\n1,dog,object(1),1,0.5,\n3,s,scene(1),1,1,\n\"x\(escape)\",n,object(1),1,1,\n",
            categories: "name,first,last,count,frequency\nobject,1,2,2,1\nscene,3,3,1,1\n\"evil\(escape)\",0,0,0,0\n\(long),0,0,0,0\n")
        let report = try ProbeDataset.check(directory: directory, workers: 1)
        let lines = report.lines()
        #expect(report.categories.count == 4 && report.problems.count >= 8, "\(report.problems)")
        for line in lines {
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(line.debugDescription)")
            #expect(line.count < 400, "a line of \(line.count) characters")
        }
        #expect(!lines.joined().contains("PWNED"))
        #expect(lines.contains { $0.hasPrefix("evilred") })
        #expect(lines.contains { $0.hasPrefix("LLLL") && $0.contains("…") })
        #expect(lines.contains { $0.hasSuffix("scene: 'zap' is not a label id; ignored") })
    }

    // MARK: Rows by the million (item 7)

    @Test func badRowsStopTheReadAndCostNothingEach() throws {
        // A proxy of the 4-million-row file: 20,000 rows of empty fields.
        let header = "image,split,ih,iw,sh,sw,object,scene\n"
        let directory = try writeDataset(index: header + "a/1.jpg,train,8,8,4,4,,3\n" + String(repeating: ",,,,,,,\n", count: 20_000))
        #expect(throws: ProbeError.malformed(file: "index.csv", line: 1002,
                                             reason: "1000 rows cannot be used (the first, line 3: no image path: the 'image' column is empty); reading stopped here")) {
            try ProbeDataset.open(directory: directory)
        }
        // Fewer bad rows are each refused with their line, and the good ones kept.
        let few = try ProbeDataset.open(directory: try writeDataset(index: header + ",,,,,,,\na/1.jpg,train,8,8,4,4,,3\n,train,8,8,4,4,,3\n"))
        #expect(few.records.map { $0.defect == nil } == [false, true, false])
        #expect(few.problems.map(\.description) == ["index.csv:2: warning: no image path: the 'image' column is empty; row left out",
                                                   "index.csv:4: warning: no image path: the 'image' column is empty; row left out"])
    }

    @Test func problemsBeyondAThousandAreCounted() throws {
        let rows = (0..<3000).map { "a/\($0).jpg,train,8,8,4,4,,77" }.joined(separator: "\n")
        let dataset = try ProbeDataset.open(directory: try writeDataset(index: "image,split,ih,iw,sh,sw,object,scene\n" + rows + "\n"))
        #expect(dataset.records.count == 3000 && dataset.records.allSatisfy { $0.defect == nil })
        let index = dataset.problems.filter { $0.file == "index.csv" }
        #expect(index.count == CSVTable.maxListed + 1)
        #expect(index.last?.description == "index.csv:1002: warning: 2000 more problems from this line on, not listed (only the first 1000 of a file are)")
    }

    @Test func aRowOfAMillionFieldsKeepsFewOfThem() throws {
        let dataset = try ProbeDataset.open(directory: try writeDataset(index: "image,split,ih,iw,sh,sw,object,scene\n"
                                                                        + "a/1.jpg,train,8,8,4,4,,3" + String(repeating: ",x", count: 1_000_000) + "\n"))
        #expect(dataset.records.count == 1 && dataset.records[0].defect == "4096 fields where the header has 8")
        #expect(dataset.problems.map(\.cause).contains("more than 4096 fields in one row; the rest are ignored"))
    }

    // MARK: Silent acceptance (item 10)

    @Test func duplicatedHeaderColumnsAreAnError() throws {
        let directory = try writeDataset(index: "image,split,ih,iw,sh,sw,object,scene,object\na/1.jpg,train,8,8,4,4,,3,\n")
        #expect(throws: ProbeError.malformed(file: "index.csv", line: 1, reason: "column 'object' appears twice in the header (columns 7 and 9)")) {
            try ProbeDataset.open(directory: directory)
        }
        let labels = try writeDataset(index: "image,split,ih,iw,sh,sw,object,scene\n",
                                      labels: "number,name,name,category\n1,dog,cat,object(1)\n")
        #expect(throws: ProbeError.malformed(file: "label.csv", line: 1, reason: "column 'name' appears twice in the header (columns 2 and 3)")) {
            try ProbeDataset.open(directory: labels)
        }
    }

    @Test func damagedCoveragesAndDuplicateRowsInCategoryTables() throws {
        let directory = try writeUsableDataset()
        try writeFile(Array("code,number,name,frequency,coverage\n1,1,dog,1,nan\n2,2,cat,1,inf\n3,2,cat,1,-1\n4,1,dog,1,0.5\n5,2,cat,1,0.25\n6,2,cat,1,0.75\n".utf8),
                      "\(directory)/c_object.csv")
        let dataset = try ProbeDataset.open(directory: directory)
        let lines = dataset.problems.filter { $0.file == "c_object.csv" }.map(\.description)
        #expect(lines == ["c_object.csv:2: warning: coverage 'nan' is not a finite number >= 0; row left out",
                          "c_object.csv:3: warning: coverage 'inf' is not a finite number >= 0; row left out",
                          "c_object.csv:4: warning: coverage '-1' is not a finite number >= 0; row left out",
                          "c_object.csv:7: warning: label 2 is listed twice; the first row counts"])
        #expect(dataset.label(id: 2)?.categories.first?.coverage == 0.25)
    }
}

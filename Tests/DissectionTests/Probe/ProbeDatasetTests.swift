// Opening damaged datasets: every defect is named with file and line, nothing crashes.
import DissectionTestSupport
import Foundation
import Testing
import TestSupport
@testable import Dissection
import Render

@Suite struct ProbeDatasetTests {
    let header = "image,split,ih,iw,sh,sw,object,scene\n"

    @Test func missingTablesAndDirectoryThrowOneLine() throws {
        #expect(throws: ProbeError.notADirectory(path: "/nonexistent/broden")) {
            try ProbeDataset.open(directory: "/nonexistent/broden")
        }
        let directory = try writeDataset(index: header)
        try FileManager.default.removeItem(atPath: "\(directory)/label.csv")
        #expect(throws: ProbeError.unreadable(file: "label.csv", reason: "no such file")) {
            try ProbeDataset.open(directory: directory)
        }
        let noImage = try writeDataset(index: "split,ih,iw,sh,sw,object,scene\n")
        #expect(throws: ProbeError.missingColumn(file: "index.csv", column: "image")) {
            try ProbeDataset.open(directory: noImage)
        }
    }

    @Test func pathsLeavingTheDatasetAreRefused() throws {
        let directory = try writeDataset(index: header + """
            ../outside.jpg,train,8,8,4,4,,3
            a/ok.jpg,train,8,8,4,4,/etc/passwd,3
            a/ok2.jpg,train,8,8,4,4,a/../../x.png;a/fine.png,3
            a/ok3.jpg,train,8,8,4,4,a/fine.png,3
            """)
        let dataset = try ProbeDataset.open(directory: directory)
        #expect(dataset.records.map { $0.defect != nil } == [true, true, true, false])
        #expect(dataset.problems.filter { $0.severity == .warning }.map(\.line) == [2, 3, 4])
        #expect(dataset.records[1].defect?.contains("/etc/passwd") == true)
        #expect(throws: SampleError.self) { try dataset.sample(dataset.records[0]) }
    }

    @Test func wrongColumnCountsBecomeDefectiveRecordsInPlace() throws {
        let dataset = try ProbeDataset.open(directory: try writeDataset(index: header + """
            a/1.jpg,train,8,8,4,4,,3
            a/2.jpg,train,8,8,4,4
            a/3.jpg,train,8,8,4,4,,3,,,
            a/4.jpg,train,8,8,4,4,,3,extra
            """))
        #expect(dataset.records.map(\.index) == [0, 1, 2, 3])
        #expect(dataset.records.map(\.line) == [2, 3, 4, 5])
        #expect(dataset.records.map { $0.defect == nil } == [true, false, true, false])
        #expect(dataset.records[1].image == "a/2.jpg")
        let lines = dataset.problems.map(\.line)
        #expect(lines == [3, 5], "\(dataset.problems)")
        #expect(dataset.problems.allSatisfy { $0.file == "index.csv" })
    }

    @Test func spreadsheetCopiesReadTheSame() throws {
        let plain = header + "a/1.jpg,train,8,8,4,4,a/1_object.png,3;0\na/2.jpg,val,8,8,4,4,,\n"
        var windows = "\u{FEFF}" + plain.replacingOccurrences(of: "\n", with: "\r\n")
        windows.removeLast()  // "\r\n" is one Character: the file now ends without a newline
        let quoted = header + "\"a/1.jpg\",train,8,8,4,4,\"a/1_object.png\",\"3;0\"\na/2.jpg,val,8,8,4,4,,"
        let expected = try ProbeDataset.open(directory: try writeDataset(index: plain)).records
        #expect(expected.count == 2 && expected[0].labels(1) == [3])
        for text in [windows, quoted] {
            #expect(try ProbeDataset.open(directory: try writeDataset(index: text)).records == expected)
        }
    }

    @Test func badSizesAndUnknownLabels() throws {
        let dataset = try ProbeDataset.open(directory: try writeDataset(index: header + """
            a/1.jpg,train,8,x,4,4,,3
            a/2.jpg,train,8,8,0,4,,3
            a/3.jpg,train,8,8,4,4,,3;77;zebra;0
            """))
        #expect(dataset.records.map { $0.defect != nil } == [true, true, false])
        #expect(dataset.records[2].labels(1) == [3])
        let causes = dataset.problems.filter { $0.line == 4 }.map(\.cause)
        #expect(causes.count == 2 && causes[0].contains("77") && causes[1].contains("zebra"))
    }

    @Test func sizeMismatchAndCorruptSegmentationAreSkipsNamingTheFile() throws {
        let directory = try writeDataset(index: header + """
            a/1.jpg,train,8,8,4,4,a/1_object.png,3
            a/1.jpg,train,8,8,4,4,a/bad.png,3
            a/1.jpg,train,9,8,4,4,,3
            """)
        try writeFile(try JPEG.encode(RGBImage(width: 8, height: 8, fill: (9, 9, 9))), "\(directory)/images/a/1.jpg")
        try writeFile(try PNG.encode(RGBImage(width: 5, height: 4)), "\(directory)/images/a/1_object.png")
        try writeFile(Array("not a png at all".utf8), "\(directory)/images/a/bad.png")
        let dataset = try ProbeDataset.open(directory: directory)
        func reason(_ i: Int) -> SampleError? {
            do { _ = try dataset.sample(dataset.records[i]); return nil } catch { return error }
        }
        #expect(reason(0)?.file == "images/a/1_object.png")
        #expect(reason(0)?.reason.contains("4x5") == true)
        #expect(reason(1)?.file == "images/a/bad.png" && reason(1)?.line == 3)
        #expect(reason(2)?.reason.contains("ih x iw = 9x8") == true)
    }

    @Test func randomIndexBytesNeverCrash() throws {
        let directory = try writeDataset(index: header)
        withEvery("seed", in: 0..<40) { seed in
            var rng = SeededGenerator(seed: UInt64(seed))
            let alphabet = Array("a/1.jpg,train,8,4;0\"\r\n../".utf8) + [0, 0xFF, 0xEF, 0xBB, 0xBF]
            let body = (0..<Int.random(in: 0..<400, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            try writeFile(Array((seed % 2 == 0 ? header : "").utf8) + body, "\(directory)/index.csv")
            if let dataset = try? ProbeDataset.open(directory: directory) {
                for record in dataset.records {
                    #expect(record.cells.count == dataset.categories.count)
                    _ = try? dataset.sample(record)
                }
            }
        }
    }

    @Test func randomSegmentationBytesNeverCrash() throws {
        let directory = try writeDataset(index: header + "a/1.jpg,train,8,8,4,4,a/s.png,3\n")
        try writeFile(try JPEG.encode(RGBImage(width: 8, height: 8)), "\(directory)/images/a/1.jpg")
        let good = try PNG.encode(LabelMap(width: 4, height: 4, labels: Array(0..<16)).rgEncoded())
        let dataset = try ProbeDataset.open(directory: directory)
        withEvery("seed", in: 0..<60) { seed in
            var rng = SeededGenerator(seed: UInt64(seed))
            var bytes = seed % 3 == 0 ? (0..<Int.random(in: 0..<200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) } : good
            if seed % 3 != 0 {
                for _ in 0..<4 { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            }
            try writeFile(bytes, "\(directory)/images/a/s.png")
            if let sample = try? dataset.sample(dataset.records[0]) {
                #expect(sample.layers[0][0].labels.count == 16)
            }
        }
    }
}

@Suite struct LabelMapTests {
    @Test func redPlusTwoHundredFiftySixGreen() {
        let image = RGBImage(width: 3, height: 1, pixels: [0, 0, 9, 44, 1, 0, 255, 255, 255])
        #expect(LabelMap(rgEncoded: image).labels == [0, 300, 65535])
        #expect(LabelMap(rgEncoded: image).rgEncoded().pixels == [0, 0, 0, 44, 1, 0, 255, 255, 0])
    }

    @Test func everySizeDecodesPixelByPixel() {
        // Eight pixels per step and one at a time at the end, blue ignored throughout: every
        // label equals R + 256 * G of its own pixel.
        withEvery("width", in: [1, 2, 7, 8, 9, 15, 16, 17, 112, 113]) { width in
            var rng = SeededGenerator(seed: UInt64(width))
            for height in [1, 2, 3] {
                let pixels = (0..<width * height * 3).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let expected = (0..<width * height).map { UInt32(pixels[3 * $0]) + 256 * UInt32(pixels[3 * $0 + 1]) }
                #expect(LabelMap(rgEncoded: RGBImage(width: width, height: height, pixels: pixels)).labels == expected, "\(width)x\(height)")
            }
        }
    }
}

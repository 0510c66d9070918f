// Snapshot tests of half-block and text pictures. Golden files live in Fixtures/golden; re-record
// them with `RECORD_GOLDEN=1 swift test --filter HalfBlockTests` and review the diff.
import Foundation
import Testing
@testable import Render

@Suite struct HalfBlockTests {
    func checkGolden(_ name: String, _ text: String) throws {
        if FixtureFiles.recording {
            try text.write(toFile: FixtureFiles.sourcePath("golden/" + name), atomically: true, encoding: .utf8)
            return
        }
        let expected = String(decoding: try FixtureFiles.bytes("golden/" + name), as: UTF8.self)
        #expect(text == expected, "\(name) differs from its golden file (RECORD_GOLDEN=1 re-records)")
    }

    @Test func truecolorSnapshot() throws {
        let lines = HalfBlockPicture.lines(sampleImage(width: 8, height: 5), depth: .truecolor)
        #expect(lines.count == 3)
        try checkGolden("halfblock-truecolor.txt", lines.joined(separator: "\n") + "\n")
    }

    @Test func palette256Snapshot() throws {
        let lines = HalfBlockPicture.lines(sampleImage(width: 8, height: 6), depth: .palette256)
        #expect(lines.count == 3)
        try checkGolden("halfblock-256.txt", lines.joined(separator: "\n") + "\n")
    }

    @Test func textSnapshot() throws {
        let lines = TextPicture.lines(sampleImage(width: 16, height: 6))
        try checkGolden("text-picture.txt", lines.joined(separator: "\n") + "\n")
    }

    @Test func cellsCarryTheUpperAndLowerPixels() {
        let img = RGBImage(width: 1, height: 2, pixels: [10, 20, 30, 40, 50, 60])
        #expect(HalfBlockPicture.lines(img, depth: .truecolor)
                == ["\u{1B}[38;2;10;20;30m\u{1B}[48;2;40;50;60m▀\u{1B}[0m"])
        let odd = RGBImage(width: 2, height: 1, pixels: [1, 2, 3, 1, 2, 3])
        #expect(HalfBlockPicture.lines(odd, depth: .truecolor) == ["\u{1B}[38;2;1;2;3m\u{1B}[49m▀▀\u{1B}[0m"])
    }

    @Test func everyRowResetsAndCountsItsCells() {
        for depth in [ColorDepth.truecolor, .palette256] {
            for line in HalfBlockPicture.lines(sampleImage(width: 9, height: 7), depth: depth) {
                #expect(line.hasSuffix("\u{1B}[0m"))
                #expect(line.filter { $0 == "▀" }.count == 9)
            }
        }
    }
}

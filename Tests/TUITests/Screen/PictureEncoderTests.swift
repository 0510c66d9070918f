// Pictures as the explorer writes them: inside their rectangle, centred, with no newlines.

import Render
import TestSupport
import Testing
@testable import TUI

@Suite struct PictureEncoderTests {
    /// Cells per row a half-block picture covers: half blocks plus cursor-forward skips.
    func cellsPerRow(_ bytes: [UInt8]) -> [Int] {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.components(separatedBy: "\u{1B}[1B").map { row in
            var cells = row.filter { $0 == "▀" }.count
            var rest = Substring(row)
            while let r = rest.range(of: "\u{1B}[") {
                let tail = rest[r.upperBound...]
                let digits = tail.prefix { $0.isNumber }
                if tail.dropFirst(digits.count).first == "C", let n = Int(digits) { cells += n }
                rest = tail
            }
            return cells
        }
    }

    @Test func halfBlocksStayInsideTheirRectangle() throws {
        let encoder = TerminalPictureEncoder(capabilities: TerminalCapabilities(colors: 256))
        let shapes: [[Int]] = [[224, 224, 12, 6], [300, 100, 10, 8], [50, 400, 9, 3], [1, 1, 1, 1]]
        withEvery("shape", in: shapes) { shape in
            let image = RGBImage(width: shape[0], height: shape[1], fill: (200, 30, 30))
            let bytes = try encoder.encode(image, columns: shape[2], rows: shape[3], cellWidth: 10, cellHeight: 20,
                                           format: .halfBlock)
            #expect(!bytes.contains(0x0A), "no newlines")
            let rows = cellsPerRow(bytes)
            #expect(rows.count <= shape[3])
            #expect(rows.allSatisfy { $0 <= shape[2] }, "\(rows)")
            #expect(String(decoding: bytes, as: UTF8.self).contains("▀"))
        }
    }

    @Test func sixelIsOneDeviceControlString() throws {
        let encoder = TerminalPictureEncoder(capabilities: TerminalCapabilities(sixel: true, colors: 256))
        let bytes = try encoder.encode(RGBImage(width: 64, height: 64, fill: (10, 200, 30)), columns: 8, rows: 4,
                                       cellWidth: 10, cellHeight: 20, format: .sixel)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\u{1B}P"))
        #expect(text.hasSuffix("\u{1B}\\"))
    }
}

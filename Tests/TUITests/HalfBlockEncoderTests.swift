// Half-block pictures stay inside their rectangle and carry the right colours.

import Render
import TestSupport
import Testing
@testable import TUI

@Suite struct HalfBlockEncoderTests {
    /// Visible cells per row: half blocks plus skipped cells (cursor-forward moves).
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

    @Test func staysInsideItsRectangle() throws {
        let encoder = HalfBlockEncoder(truecolor: true)
        let shapes: [[Int]] = [[224, 224, 12, 6], [300, 100, 10, 8], [50, 400, 9, 3], [1, 1, 1, 1]]
        withEvery("shape", in: shapes) { shape in
            let image = RGBImage(width: shape[0], height: shape[1], fill: (200, 30, 30))
            let bytes = try encoder.encode(image, columns: shape[2], rows: shape[3], cellWidth: 10, cellHeight: 20,
                                           format: .halfBlock)
            let rows: [Int] = cellsPerRow(bytes)
            #expect(rows.count == shape[3])
            #expect(rows.allSatisfy { $0 == shape[2] }, "\(rows)")
        }
    }

    @Test func topAndBottomPixelsGoToForegroundAndBackground() throws {
        var image = RGBImage(width: 1, height: 2)
        image[0, 0] = (255, 0, 0)
        image[0, 1] = (0, 0, 255)
        let text = String(decoding: try HalfBlockEncoder(truecolor: true).encode(image, columns: 1, rows: 1, cellWidth: 10,
                                                                                  cellHeight: 20, format: .halfBlock), as: UTF8.self)
        #expect(text.contains("\u{1B}[38;2;255;0;0m\u{1B}[48;2;0;0;255m▀"))
        let palette = String(decoding: try HalfBlockEncoder(truecolor: false).encode(image, columns: 1, rows: 1, cellWidth: 10,
                                                                                      cellHeight: 20, format: .halfBlock), as: UTF8.self)
        #expect(palette.contains("\u{1B}[38;5;196m\u{1B}[48;5;21m▀"))
    }
}

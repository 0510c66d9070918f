import Testing
@testable import Render

@Suite struct MontageTests {
    @Test func everyPrintableCharacterHasAGlyph() {
        for code in 32..<127 {
            let rows = BitmapFont.bits(for: Unicode.Scalar(UInt8(code)))
            #expect(rows.count == 8)
            if code != 32 { #expect(rows.contains { $0 != 0 }, "glyph \(code) is blank") }
        }
    }

    @Test func fontMeasuresAndTruncates() {
        let font = BitmapFont(scale: 2)
        #expect(font.width(of: "") == 0)
        #expect(font.width(of: "ab") == 22)
        let cut = font.truncated("a long caption here", toWidth: 60)
        #expect(cut.hasSuffix(".."))
        #expect(font.width(of: cut) <= 60)
    }

    @Test func drawingPutsPixelsWhereTheGlyphSays() {
        var img = RGBImage(width: 6, height: 8)
        BitmapFont().draw("|", into: &img, x: 0, y: 0, color: .white)
        for y in 0..<8 { #expect(img[2, y] == (y < 7 ? (255, 255, 255) : (0, 0, 0))) }
        #expect(img[0, 0] == (0, 0, 0))
    }

    @Test func stripLaysTilesOutInOneRow() {
        let red = RGBImage(width: 10, height: 10, color: RGBColor(255, 0, 0))
        let style = MontageStyle(cellWidth: 20, cellHeight: 20, gap: 2, background: .black)
        let strip = Montage.strip([MontageTile(image: red), MontageTile(image: red)], style: style)
        #expect(strip.width == 2 + 2 * 22 && strip.height == 24)
        #expect(strip[2, 2] == (255, 0, 0))          // first tile scaled up to fill its cell
        #expect(strip[23, 10] == (0, 0, 0))          // the gap
        #expect(strip[24, 21] == (255, 0, 0))
    }

    @Test func captionsAddABandAndGridsWrap() {
        let tile = MontageTile(image: RGBImage(width: 8, height: 8, color: .white), caption: "IoU 0.12")
        let style = MontageStyle(cellWidth: 60, cellHeight: 30, gap: 4)
        let grid = Montage.grid(Array(repeating: tile, count: 5), columns: 3, style: style)
        #expect(grid.width == 4 + 3 * 64)
        #expect(grid.height == 4 + 2 * (30 + style.font.lineHeight + 2 + 4))
        // The caption is drawn somewhere in the first band.
        let band = grid.cropped(x: 4, y: 34, width: 60, height: style.font.lineHeight)
        #expect(band.pixels.contains(230))
    }

    @Test func emptyMontageIsBlank() {
        let img = Montage.strip([], style: MontageStyle(cellWidth: 10, cellHeight: 10))
        #expect(img.height == 4)
    }
}

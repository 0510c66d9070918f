// Sanitising and measuring text, fitting lines, the canvas with wide characters, and bars.

import Render
import Testing
@testable import TUI

@Suite struct TextTests {
    @Test func controlCharactersNeverReachTheScreen() {
        #expect(CellText.sanitized("dog\u{1B}[2J") == "dog")
        #expect(CellText.sanitized("a\tb\nc") == "a b c")
        #expect(CellText.sanitized("x\u{202E}y\u{1B}]0;title\u{07}z") == "xyz")
        #expect(CellText.sanitized("plain") == "plain")
    }

    @Test func widths() {
        #expect(CellText.width("dog") == 3)
        #expect(CellText.width("犬") == 2)
        #expect(CellText.width("e\u{301}") == 1)
        #expect(CellText.width("") == 0)
    }

    @Test func fitting() {
        #expect(CellText.fit("dog", width: 5) == "dog  ")
        #expect(CellText.fit("dog", width: 5, alignRight: true) == "  dog")
        #expect(CellText.fit("elephant", width: 5) == "elep…")
        #expect(CellText.fit("犬犬犬", width: 4) == "犬… ")
        #expect(CellText.fit("abc", width: 0) == "")
    }

    @Test func lineBuilderIsExact() {
        let style = Theme.default.normal
        var b = LineBuilder()
        b.add("hello ", style); b.add("world", style)
        #expect(b.build(width: 8, fill: style).text == "hello wo")
        #expect(b.build(width: 14, fill: style).text == "hello world   ")
    }

    @Test func canvasHandlesWideCharacters() {
        let style = Theme.default.normal
        var c = Canvas(rows: 1, columns: 6, fill: style)
        c.draw(StyledLine([Span("犬犬犬", style)]), row: 0, column: 0, width: 6)
        #expect(c.line(0).text == "犬犬犬")
        c.draw(StyledLine([Span("x", style)]), row: 0, column: 1, width: 1)
        #expect(c.line(0).text == " x犬犬")
        #expect(c.line(0).width == 6)
    }

    @Test func bars() {
        #expect(Glyphs.utf8.bar(fraction: 0.5, width: 4).filled == "██")
        #expect(Glyphs.utf8.bar(fraction: 0.53, width: 4).filled == "██▏")
        #expect(Glyphs.ascii.bar(fraction: 0.5, width: 4) == ("##", "  "))
        #expect(Glyphs.utf8.bar(fraction: .nan, width: 3).filled.isEmpty)
        #expect(Glyphs.utf8.bar(fraction: 7, width: 3).filled == "███")
    }

    @Test func numbers() {
        #expect(formatIoU(0.2134) == "0.213")
        #expect(formatIoU(0.04) == "0.040")
        #expect(formatDuration(62) == "1m02s")
        #expect(formatDuration(7325) == "2h02m")
        #expect(formatActivation(9.456) == "9.46")
        #expect(formatActivation(-0.5) == "-0.50")
        #expect(formatActivation(123.6) == "124")
        // A model's activations may be huge (a run stores any float32): no trap in Int conversion.
        #expect(formatActivation(1e30) == "1e+30")
        #expect(formatActivation(-Double(Float.greatestFiniteMagnitude)) == "-3.4028235e+38")
        #expect(percent(0.031) == "3%")
    }

    @Test func listCursorKeepsSelectionVisible() {
        var c = ListCursor()
        c.move(by: 10, count: 20, visible: 5)
        #expect(c.selected == 10 && c.offset == 6)
        c.scroll(by: -6, count: 20, visible: 5)
        #expect(c.offset == 0 && c.selected == 4)
        c.clamp(count: 3, visible: 5)
        #expect(c.selected == 2 && c.offset == 0)
        c.clamp(count: 0, visible: 5)
        #expect(c.selected == 0)
    }
}

import Testing
@testable import Render

@Suite struct TerminalTests {
    @Test func da1WithFourMeansSixel() {
        let vt340 = TerminalReplies.parse(Array("\u{1B}[?63;1;2;4;6;9;15;16;22;28c".utf8))
        #expect(vt340.complete && vt340.sixel)
        let plain = TerminalReplies.parse(Array("\u{1B}[?64;1;2;6;9;15;16;17;18;21;22;28c".utf8))
        #expect(plain.complete && !plain.sixel)
        // "4" as the class (first parameter) is not the sixel attribute.
        #expect(!TerminalReplies.parse(Array("\u{1B}[?4;6c".utf8)).sixel)
    }

    @Test func repliesAreFoundAmongOtherBytes() {
        let bytes = Array("x\u{1B}[6;17;9t\u{1B}[?1;0;256Sjunk\u{1B}[?62;4c".utf8)
        let r = TerminalReplies.parse(bytes)
        #expect(r.cellSize == CellSize(width: 9, height: 17))
        #expect(r.colorRegisters == 256)
        #expect(r.sixel)
    }

    @Test func theLargestSixelPictureIsRead() {
        // xterm -ti vt340 with its default maximum graphic size answers CSI ? 2 ; 1 ; 0 S so.
        let r = TerminalReplies.parse(Array("\u{1B}[?1;0;16S\u{1B}[?2;0;1000;1000S\u{1B}[?63;4c".utf8))
        #expect(r.sixelMaxSize == PixelSize(width: 1000, height: 1000))
        #expect(r.colorRegisters == 16)
        // An error status (3) or a zero size is no limit at all.
        #expect(TerminalReplies.parse(Array("\u{1B}[?2;3;0S".utf8)).sixelMaxSize == nil)
        #expect(TerminalReplies.parse(Array("\u{1B}[?2;0;0;0S".utf8)).sixelMaxSize == nil)
    }

    @Test func sixelPicturesStayWithinTheTerminalsLimit() throws {
        // `unit` at 120 columns made a 1180 x 284 picture, which xterm (1000 x 1000) dropped.
        let strip = sampleImage(width: 1180, height: 284)
        let cell = CellSize(width: 10, height: 20)
        let unknown = TerminalPictureMaker(mode: .sixel(tmuxPassthrough: false), cellSize: cell)
        let size = unknown.pixelSize(of: strip, maxColumns: 118, maxRows: 100)
        #expect(size.width <= 1000 && size.height <= 1000 && size.width >= 990, "\(size)")
        let wide = TerminalPictureMaker(mode: .sixel(tmuxPassthrough: false), cellSize: cell,
                                        sixelLimit: PixelSize(width: 4096, height: 4096))
        #expect(wide.pixelSize(of: strip, maxColumns: 118, maxRows: 100) == (1180, 284))
        let small = TerminalPictureMaker(mode: .sixel(tmuxPassthrough: false), cellSize: cell,
                                         sixelLimit: PixelSize(width: 500, height: 100))
        let s = small.pixelSize(of: strip, maxColumns: 118, maxRows: 100)
        #expect(s.width <= 500 && s.height <= 100)
        let picture = try small.picture(of: strip, maxColumns: 118, maxRows: 100)
        let decoded = try SixelDecoder.decode(picture.bytes)
        #expect(decoded.width <= 500 && decoded.height <= 100)
        // Half-blocks have no such limit.
        let blocks = TerminalPictureMaker(mode: .blocks(.truecolor), cellSize: cell, sixelLimit: PixelSize(width: 10, height: 10))
        #expect(blocks.pixelSize(of: strip, maxColumns: 118, maxRows: 100).width == 118)
    }

    @Test func incompleteRepliesAreNotComplete() {
        #expect(!TerminalReplies.parse(Array("\u{1B}[?63;1;2".utf8)).complete)
        #expect(!TerminalReplies.parse([]).complete)
        #expect(TerminalReplies.parse(Array("\u{1B}[6;0;0t".utf8)).cellSize == nil)
    }

    @Test func choosingFollowsOverridesThenTheTerminal() {
        var caps = TerminalCapabilities(isTerminal: true, sixel: true, colors: 256)
        #expect(GraphicsMode.choose(.auto, caps) == .sixel(tmuxPassthrough: false))
        #expect(GraphicsMode.choose(.blocks, caps) == .blocks(.palette256))
        #expect(GraphicsMode.choose(.none, caps) == .text)
        caps.insideTmux = true
        #expect(GraphicsMode.choose(.auto, caps) == .blocks(.palette256))
        #expect(GraphicsMode.choose(.sixel, caps) == .sixel(tmuxPassthrough: true))
        caps.insideTmux = false
        caps.noColor = true
        #expect(GraphicsMode.choose(.auto, caps) == .text)
        #expect(GraphicsMode.choose(.sixel, caps) == .sixel(tmuxPassthrough: false))
        let pipe = TerminalCapabilities(isTerminal: false, sixel: false, colors: 1 << 24)
        #expect(GraphicsMode.choose(.auto, pipe) == .text)
        let direct = TerminalCapabilities(isTerminal: true, colors: 1 << 24)
        #expect(GraphicsMode.choose(.auto, direct) == .blocks(.truecolor))
        let vt100 = TerminalCapabilities(isTerminal: true, colors: 8)
        #expect(GraphicsMode.choose(.auto, vt100) == .text)
    }

    @Test func environmentDecidesColours() {
        let empty = "/nonexistent-terminfo"
        func caps(_ env: [String: String]) -> TerminalCapabilities {
            TerminalProbe.fromEnvironment(env.merging(["TERMINFO_DIRS": empty, "HOME": empty]) { a, _ in a })
        }
        #expect(caps(["TERM": "xterm", "COLORTERM": "truecolor"]).truecolor)
        #expect(caps(["TERM": "foot-direct"]).truecolor)
        #expect(caps(["TERM": "weird-256color"]).colors == 256)
        #expect(caps(["TERM": "dumb"]).colors == 2)
        #expect(caps(["TERM": "xterm", "TMUX": "/tmp/tmux-0/default,1,0"]).insideTmux)
        #expect(caps(["NO_COLOR": "1"]).noColor)
        #expect(!caps(["NO_COLOR": ""]).noColor)
    }

    @Test func pictureSizesFitTheCells() throws {
        let image = sampleImage(width: 200, height: 100)
        let cell = CellSize(width: 10, height: 20)
        let sixel = TerminalPictureMaker(mode: .sixel(tmuxPassthrough: false), cellSize: cell)
        #expect(sixel.pixelSize(of: image, maxColumns: 10, maxRows: 10) == (100, 50))
        let picture = try sixel.picture(of: image, maxColumns: 10, maxRows: 10, identity: "x")
        #expect(picture.columns == 10 && picture.rows == 3)
        #expect(sixel.cache.count == 1)
        let blocks = TerminalPictureMaker(mode: .blocks(.truecolor), cellSize: cell)
        let b = try blocks.picture(of: image, maxColumns: 10, maxRows: 10)
        #expect(b.columns == 10 && b.rows == 3)   // 10 x 5 half-block pixels -> 3 rows
        let text = TerminalPictureMaker(mode: .text, cellSize: cell)
        let t = try text.picture(of: image, maxColumns: 40, maxRows: 40)
        #expect(t.columns == 40 && t.rows == 10)
    }
}

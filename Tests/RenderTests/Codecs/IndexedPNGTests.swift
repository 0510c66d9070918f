// Indexed PNGs read as their stored values: greyscale samples of any depth and palette indices,
// whatever the palette's colours; truecolour refused.
import Testing
import TestSupport
@testable import Render

@Suite struct IndexedPNGTests {
    @Test func greyRoundTripsAtEightAndSixteenBits() throws {
        for (bits, top) in [(8, 255), (16, 65_535)] {
            var rng = SeededGenerator(seed: UInt64(bits))
            for (w, h) in [(1, 1), (3, 2), (17, 9)] {
                let image = IndexedImage(width: w, height: h, values: (0..<w * h).map { _ in UInt16(Int.random(in: 0...top, using: &rng)) })
                let bytes = try PNG.encodeIndexed(image, kind: .grey(bits: bits))
                #expect(try PNG.header(of: bytes).colorType == 0)
                let (decoded, kind) = try PNG.decodeIndexed(bytes)
                #expect(decoded == image, "\(bits) bits \(w)x\(h)")
                #expect(kind == .grey(bits: bits))
            }
        }
    }

    @Test func paletteIndicesAreReadNotTheirColours() throws {
        // Two indices share one colour: only the index tells them apart.
        let colors: [(UInt8, UInt8, UInt8)] = [(0, 0, 0), (128, 0, 0), (128, 0, 0), (224, 224, 192)]
        let image = IndexedImage(width: 4, height: 2, values: [0, 1, 2, 3, 3, 2, 1, 0])
        let bytes = try PNG.encodeIndexed(image, kind: .palette(bits: 8, colors: colors))
        #expect(try PNG.header(of: bytes).colorType == 3)
        let (decoded, kind) = try PNG.decodeIndexed(bytes)
        #expect(decoded == image)
        #expect(kind == .palette(bits: 8, colors: colors))
        // The RGB decoding of the same file gives the colours.
        let rgb = try PNG.decodeRGB(bytes)
        #expect(rgb[1, 0] == (128, 0, 0) && rgb[2, 0] == (128, 0, 0))
    }

    @Test func subBytePacking() {
        // One row of 5 samples at 1, 2 and 4 bits, most significant bits first, padded.
        #expect(PNG.unpack([0b1011_0000], width: 5, height: 1, bits: 1, rowBytes: 1) == [1, 0, 1, 1, 0])
        #expect(PNG.unpack([0b1110_0100, 0b1100_0000], width: 5, height: 1, bits: 2, rowBytes: 2) == [3, 2, 1, 0, 3])
        #expect(PNG.unpack([0xF0, 0x5A, 0x30, 0x70], width: 3, height: 2, bits: 4, rowBytes: 2) == [15, 0, 5, 3, 0, 7])
    }

    @Test func truecolourAndGarbageAreRefused() throws {
        let rgb = try PNG.encode(RGBImage(width: 2, height: 2, fill: (1, 2, 3)))
        #expect(throws: CodecError.notIndexed(colorType: 2)) { try PNG.decodeIndexed(rgb) }
        #expect(CodecError.notIndexed(colorType: 2).description.contains("truecolour"))
        #expect(throws: CodecError.empty(format: .png)) { try PNG.decodeIndexed([]) }
        #expect(throws: CodecError.self) { try PNG.decodeIndexed(Array(rgb.prefix(30))) }
        let big = try PNG.encodeIndexed(IndexedImage(width: 40, height: 3, values: Array(repeating: 1, count: 120)), kind: .grey(bits: 8))
        #expect(throws: CodecError.self) { try PNG.decodeIndexed(big, limits: ImageLimits(maxSide: 32, maxPixels: 1000)) }
        // Cut anywhere before the end of the image data (the last 12 bytes are the IEND chunk).
        withEvery("cut", in: Array(stride(from: 8, to: big.count - 12, by: 7))) { cut in
            #expect(throws: CodecError.self) { try PNG.decodeIndexed(Array(big.prefix(cut))) }
        }
    }
}

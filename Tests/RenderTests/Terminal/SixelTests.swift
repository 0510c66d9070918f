import Testing
import TestSupport
@testable import Render

/// A 64x48 test picture: a smooth gradient with a bright square, like an overlay thumbnail.
func sampleImage(width: Int = 64, height: Int = 48) -> RGBImage {
    var img = RGBImage(width: width, height: height)
    for y in 0..<height {
        for x in 0..<width {
            img[x, y] = (UInt8(x * 255 / max(1, width - 1)), UInt8(y * 255 / max(1, height - 1)), 96)
        }
    }
    img.fill(x: width / 4, y: height / 4, width: width / 3, height: height / 3, color: RGBColor(250, 220, 10))
    return img
}

/// Mean absolute difference per channel, 0...255.
func meanAbsoluteDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
    precondition(a.width == b.width && a.height == b.height)
    var total = 0
    for i in 0..<a.pixels.count { total += abs(Int(a.pixels[i]) - Int(b.pixels[i])) }
    return Double(total) / Double(a.pixels.count)
}

@Suite struct SixelTests {
    @Test func decodedOutputMatchesTheSourceForEveryPalette() throws {
        let image = sampleImage()
        let cases: [(SixelOptions, Double)] = [
            (SixelOptions(palette: .adaptive(colors: 256), dither: .none), 6),
            (SixelOptions(palette: .adaptive(colors: 256), dither: .atkinson), 8),
            (SixelOptions(palette: .reused(colors: 256), dither: .none), 6),
            (SixelOptions(palette: .fixedXTerm256, dither: .none), 14),
            (SixelOptions(palette: .fixedXTerm256, dither: .floydSteinberg), 20),
            (SixelOptions(palette: .adaptive(colors: 16), dither: .positional), 24),
        ]
        for (options, tolerance) in cases {
            let bytes = try SixelEncoder(options: options).encode(image)
            #expect(bytes.starts(with: [0x1B, UInt8(ascii: "P")]), "\(options)")
            #expect(bytes.suffix(2) == [0x1B, UInt8(ascii: "\\")], "\(options)")
            let decoded = try SixelDecoder.decode(bytes)
            #expect(decoded.width == image.width && decoded.height == image.height, "\(options)")
            guard decoded.width == image.width && decoded.height == image.height else { continue }
            let error = meanAbsoluteDifference(decoded, image)
            #expect(error < tolerance, "\(options): mean error \(error)")
        }
    }

    @Test func oddSizesSurviveTheSixBandLayout() throws {
        withEvery("size", in: [(1, 1), (3, 7), (13, 6), (5, 11)]) { size in
            let image = sampleImage(width: size.0, height: size.1)
            let decoded = try SixelDecoder.decode(try SixelEncoder().encode(image))
            // Pictures under one six-pixel band are padded to six rows.
            #expect(decoded.width == size.0 && decoded.height == max(6, size.1))
            let drawn = decoded.cropped(x: 0, y: 0, width: size.0, height: size.1)
            #expect(meanAbsoluteDifference(drawn, image) < 8)
        }
    }

    @Test func encodingLeavesTheCallersImageAlone() throws {
        let image = sampleImage()
        let copy = image
        _ = try SixelEncoder(options: SixelOptions(palette: .adaptive(colors: 64), dither: .floydSteinberg)).encode(image)
        #expect(image == copy)
    }

    @Test func reusedPaletteStaysAcrossPicturesUntilReset() throws {
        let encoder = SixelEncoder(options: SixelOptions(palette: .reused(colors: 32)))
        let a = sampleImage()
        let first = try encoder.encode(a)
        #expect(try encoder.encode(a) == first)
        // A differently coloured picture is mapped to the first one's palette...
        let green = RGBImage(width: 64, height: 48, color: RGBColor(0, 200, 0))
        let mapped = try SixelDecoder.decode(try encoder.encode(green))
        // ...and after a reset it gets its own, exact palette.
        encoder.resetPalette()
        let own = try SixelDecoder.decode(try encoder.encode(green))
        #expect(meanAbsoluteDifference(own, green) <= meanAbsoluteDifference(mapped, green))
        #expect(meanAbsoluteDifference(own, green) < 2)
    }

    @Test func cacheReturnsStoredEncodingsAndEvictsOldest() throws {
        let cache = SixelCache(capacity: 1)
        let encoder = SixelEncoder()
        let key = SixelCacheKey(identity: "a", width: 64, height: 48, options: encoder.options)
        var made = 0
        let one = try cache.encoding(for: key, encoder: encoder) { made += 1; return sampleImage() }
        let two = try cache.encoding(for: key, encoder: encoder) { made += 1; return sampleImage() }
        #expect(one == two && made == 1)
        let other = SixelCacheKey(identity: "b", width: 64, height: 48, options: encoder.options)
        _ = try cache.encoding(for: other, encoder: encoder) { sampleImage() }
        #expect(cache.count == 1 && cache.lookup(key) == nil)
    }

    @Test func garbageDecodesToNothingOrThrows() {
        // libsixel's decoder is lenient: text without sixel data yields at most a blank pixel.
        let result = try? SixelDecoder.decode(Array("not sixel".utf8))
        #expect(result == nil || result!.pixels.allSatisfy { $0 == 0 })
    }

    @Test func tmuxPassthroughDoublesEscapes() {
        let wrapped = TerminalPictureMaker.tmuxPassthrough([0x1B, 0x50, 0x71, 0x1B, 0x5C])
        #expect(wrapped == Array("\u{1B}Ptmux;\u{1B}\u{1B}Pq\u{1B}\u{1B}\\\u{1B}\\".utf8))
    }
}

// JPEG and PNG codecs: round trips, and every kind of bad input refused with a named cause.
import Testing
import TestSupport
@testable import Render

/// A smooth test picture with some detail, so JPEG's error stays small and measurable.
func testPicture(width: Int, height: Int) -> RGBImage {
    var image = RGBImage(width: width, height: height)
    for y in 0..<height {
        for x in 0..<width {
            image[x, y] = (UInt8(x * 255 / max(width - 1, 1)), UInt8(y * 255 / max(height - 1, 1)),
                           UInt8((x + y) * 127 / max(width + height - 2, 1)))
        }
    }
    return image
}

/// CRC-32 (PNG's), to forge well-formed chunks in tests.
func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
    }
    return ~crc
}

@Suite struct JPEGTests {
    @Test func roundTripKeepsSizeAndIsClose() throws {
        for (width, height) in [(1, 1), (2, 3), (17, 9), (224, 224), (227, 113)] {
            let image = testPicture(width: width, height: height)
            let bytes = try JPEG.encode(image, quality: 95)
            #expect(Array(bytes.prefix(2)) == [0xFF, 0xD8])
            let decoded = try JPEG.decode(bytes)
            #expect(decoded.width == width && decoded.height == height)
            let meanError = zip(decoded.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)
                / image.pixels.count
            // Tiny images with a full-range gradient lose colour to 4:2:0 subsampling: check those by size only.
            if width >= 16 && height >= 16 { #expect(meanError <= 4, "\(width)x\(height): mean error \(meanError)") }
            #expect(try JPEG.size(of: bytes) == (width, height))
        }
    }

    @Test func emptyAndForeignBytesAreNamed() {
        #expect(throws: CodecError.empty(format: .jpeg)) { try JPEG.decode([]) }
        #expect(throws: CodecError.notThisFormat(format: .jpeg)) { try JPEG.decode(Array("hello".utf8)) }
    }

    @Test func truncatedFileIsRefused() throws {
        var rng = SeededGenerator(seed: 7)
        let noisy = RGBImage(width: 128, height: 128, pixels: (0..<128 * 128 * 3).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let bytes = try JPEG.encode(noisy, quality: 90)
        for cut in [bytes.count / 2, bytes.count - 2, 20] {
            #expect(throws: CodecError.self, "cut at \(cut)") { try JPEG.decode(Array(bytes.prefix(cut))) }
        }
        do {
            _ = try JPEG.decode(Array(bytes.prefix(bytes.count / 2)))
        } catch {
            guard case .truncated = error else { Issue.record("expected .truncated, got \(error)"); return }
        }
    }

    @Test func hostileSizeIsRefusedBeforeAllocating() throws {
        var bytes = try JPEG.encode(testPicture(width: 8, height: 8), quality: 90)
        // Find the SOF0 marker and claim 65000 x 65000.
        let sof = try #require((0..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        for offset in [5, 7] { bytes[sof + offset] = 0xFD; bytes[sof + offset + 1] = 0xE8 }
        #expect(try JPEG.size(of: bytes) == (65000, 65000))
        do {
            _ = try JPEG.decode(bytes)
            Issue.record("a 65000x65000 header was accepted")
        } catch {
            guard case .tooLarge(_, 65000, 65000, _) = error else { Issue.record("got \(error)"); return }
        }
    }

    @Test func aFatalErrorAfterAWarningIsNotTakenForAWarning() throws {
        var rng = SeededGenerator(seed: 11)
        let noisy = RGBImage(width: 64, height: 64, pixels: (0..<64 * 64 * 3).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let good = try JPEG.encode(noisy, quality: 90)
        let sos = try #require((0..<good.count - 1).first { good[$0] == 0xFF && good[$0 + 1] == 0xDA })
        let entropy = sos + 2 + Int(good[sos + 2]) << 8 + Int(good[sos + 3])
        func insert(_ marker: [UInt8], into bytes: [UInt8], at fraction: Double) -> [UInt8] {
            let at = entropy + Int(Double(good.count - entropy) * fraction)
            return Array(bytes[..<at]) + marker + Array(bytes[at...])
        }
        // A stray RST marker a fifth into the scan: libjpeg warns ("premature end of data
        // segment") and decodes on; the picture is kept, as before.
        let warned = insert([0xFF, 0xD0], into: good, at: 0.2)
        #expect((try? JPEG.decode(warned))?.pixels.count == 64 * 64 * 3)
        // Two stray bytes before the SOS marker: a warning while the header is read; the
        // picture is whole (Pillow reads such files too).
        let strayBytes = Array(good[..<sos]) + [0, 0] + Array(good[sos...])
        #expect(try JPEG.decode(strayBytes) == JPEG.decode(good))
        #expect(try JPEG.size(of: strayBytes) == (64, 64))
        // An unknown marker further on is fatal: refused alone, and refused after the warning
        // too (TurboJPEG's error code then still says "warning").
        for (what, bytes) in [("alone", insert([0xFF, 0x02], into: good, at: 0.7)),
                              ("after a warning", insert([0xFF, 0x02], into: warned, at: 0.7))] {
            do {
                _ = try JPEG.decode(bytes)
                Issue.record("\(what): a file with an unsupported marker in its scan was decoded")
            } catch {
                guard case let .malformed(_, reason) = error else { Issue.record("\(what): got \(error)"); continue }
                #expect(reason.contains("Unsupported marker type 0x02"), "\(what): \(reason)")
            }
        }
    }

    @Test func randomAndCorruptedBytesNeverCrash() throws {
        let good = try JPEG.encode(testPicture(width: 32, height: 32), quality: 90)
        withEvery("seed", in: 0..<64) { seed in
            var rng = SeededGenerator(seed: UInt64(seed))
            var bytes = good
            for _ in 0..<8 { bytes[Int.random(in: 2..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            if let image = try? JPEG.decode(bytes) { #expect(image.pixels.count == image.width * image.height * 3) }
            let noise = (0..<Int.random(in: 0..<512, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? JPEG.decode([0xFF, 0xD8, 0xFF] + noise)
        }
    }
}

@Suite struct CMYKJPEGTests {
    /// `Fixtures/cmyk/cmyk.jpg`: a 16x8 CMYK JPEG as Pillow writes one (Adobe APP14 marker, inverted
    /// inks); `cmyk.rgb`: Pillow's RGB conversion of it (`Image.open(f).convert("RGB")`).
    @Test func aCMYKJPEGIsDecodedAsPillowConvertsIt() throws {
        let bytes = try FixtureFiles.bytes("cmyk/cmyk.jpg")
        #expect(JPEG.hasAdobeMarker(bytes))
        let image = try JPEG.decode(bytes)
        let expected = try FixtureFiles.bytes("cmyk/cmyk.rgb")
        #expect(image.width == 16 && image.height == 8)
        let worst = zip(image.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 255
        #expect(worst <= 2, "largest difference from Pillow: \(worst)")
    }

    @Test func inksConvertBothWays() {
        // Full cyan ink, no black: (0, 255, 255); stored inverted that is C' = 0, K' = 255.
        #expect(JPEG.rgb(fromCMYK: [255, 0, 0, 0], inverted: false) == [0, 255, 255])
        #expect(JPEG.rgb(fromCMYK: [0, 255, 255, 255], inverted: true) == [0, 255, 255])
        #expect(JPEG.rgb(fromCMYK: [0, 0, 0, 255], inverted: false) == [0, 0, 0])
        #expect(!JPEG.hasAdobeMarker(try! JPEG.encode(RGBImage(width: 4, height: 4, fill: (1, 2, 3)))))
    }
}

@Suite struct PNGTests {
    @Test func roundTripIsExact() throws {
        for (width, height) in [(1, 1), (3, 2), (112, 112), (113, 7)] {
            var rng = SeededGenerator(seed: UInt64(width * 1000 + height))
            let pixels = (0..<width * height * 3).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let image = RGBImage(width: width, height: height, pixels: pixels)
            for level in [0, 1, 6] {
                let bytes = try PNG.encode(image, compressionLevel: level)
                #expect(try PNG.decodeRGB(bytes) == image, "\(width)x\(height) level \(level)")
                #expect(try PNG.header(of: bytes) == PNG.Header(width: width, height: height, bitDepth: 8, colorType: 2))
            }
        }
    }

    @Test func emptyForeignAndTruncatedAreNamed() throws {
        #expect(throws: CodecError.empty(format: .png)) { try PNG.decodeRGB([]) }
        #expect(throws: CodecError.notThisFormat(format: .png)) { try PNG.decodeRGB(Array("GIF89a....".utf8)) }
        let bytes = try PNG.encode(testPicture(width: 40, height: 40))
        for cut in [10, 30, 60, bytes.count / 2] {
            #expect(throws: CodecError.self, "cut at \(cut)") { try PNG.decodeRGB(Array(bytes.prefix(cut))) }
        }
    }

    @Test func hostileSizeIsRefusedBeforeAllocating() throws {
        var bytes = try PNG.encode(testPicture(width: 4, height: 4))
        // IHDR data starts at byte 16: width, height (big-endian), then the CRC at 29.
        func put(_ value: UInt32, at offset: Int) {
            for i in 0..<4 { bytes[offset + i] = UInt8((value >> (24 - 8 * UInt32(i))) & 0xFF) }
        }
        put(100_000, at: 16)
        put(100_000, at: 20)
        put(crc32(bytes[12..<29]), at: 29)
        #expect(try PNG.header(of: bytes).width == 100_000)
        do {
            _ = try PNG.decodeRGB(bytes)
            Issue.record("a 100000x100000 header was accepted")
        } catch {
            guard case .tooLarge(_, 100_000, 100_000, _) = error else { Issue.record("got \(error)"); return }
        }
    }

    @Test func randomAndCorruptedBytesNeverCrash() throws {
        let good = try PNG.encode(testPicture(width: 24, height: 24))
        withEvery("seed", in: 0..<64) { seed in
            var rng = SeededGenerator(seed: UInt64(seed))
            var bytes = good
            for _ in 0..<6 { bytes[Int.random(in: 8..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            if let image = try? PNG.decodeRGB(bytes) { #expect(image.pixels.count == image.width * image.height * 3) }
            let noise = (0..<Int.random(in: 0..<512, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? PNG.decodeRGB(Array(good.prefix(8)) + noise)
        }
    }

    @Test func theChunkCRCGuardsThePixelData() throws {
        let picture = testPicture(width: 24, height: 24)
        let good = try PNG.encode(picture)
        // The IDAT chunk: length (4 bytes, big-endian), "IDAT", data, CRC over type and data.
        var offset = 8, idat: Range<Int>?
        while offset + 8 <= good.count {
            let length = good[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            if Array(good[offset + 4..<offset + 8]) == Array("IDAT".utf8) { idat = offset + 8..<offset + 8 + length; break }
            offset += 12 + length
        }
        let data = try #require(idat)
        func putCRC(_ bytes: inout [UInt8]) {
            let crc = crc32(bytes[data.lowerBound - 4..<data.upperBound])
            for i in 0..<4 { bytes[data.upperBound + i] = UInt8((crc >> (24 - 8 * UInt32(i))) & 0xFF) }
        }
        // A damaged byte of compressed data is refused: its chunk's CRC no longer matches.
        var damaged = good
        damaged[data.lowerBound + data.count / 2] ^= 0x5A
        #expect(throws: CodecError.self) { try PNG.decodeRGB(damaged) }
        // The stream's own Adler-32 (its last four bytes) is not checked: with the CRC made to
        // match, a wrong one decodes to the same picture.
        var wrongAdler = good
        for i in data.upperBound - 4..<data.upperBound { wrongAdler[i] ^= 0xFF }
        putCRC(&wrongAdler)
        #expect(try PNG.decodeRGB(wrongAdler) == picture)
    }

    @Test func errorsReadAsOneLine() {
        let message = CodecError.tooLarge(format: .png, width: 100_000, height: 100_000, limits: .standard).description
        #expect(message.contains("100000x100000") && !message.contains("\n"))
    }
}

@Suite struct ImageDecoderTests {
    @Test func eachFormatGoesToItsCodec() throws {
        let image = testPicture(width: 9, height: 5)
        let png = try PNG.encode(image), jpeg = try JPEG.encode(image)
        #expect(ImageFormat(signatureOf: png) == .png)
        #expect(ImageFormat(signatureOf: jpeg) == .jpeg)
        #expect(try ImageDecoder.decode(png) == image)
        #expect(try ImageDecoder.decode(jpeg) == JPEG.decode(jpeg))
    }

    @Test func emptyForeignAndDamagedAreNamed() throws {
        #expect(throws: ImageDecodingError.empty) { try ImageDecoder.decode([]) }
        #expect(throws: ImageDecodingError.unknownFormat) { try ImageDecoder.decode(Array("GIF89a....".utf8)) }
        #expect(ImageFormat(signatureOf: [0xFF]) == nil && ImageFormat(signatureOf: [0x89, 0x50, 0x4E]) == nil)
        let png = try PNG.encode(testPicture(width: 40, height: 40))
        // A signature alone, or a file cut short: the codec's own cause.
        withEvery("bytes", in: [[0xFF, 0xD8], Array(png.prefix(30))] as [[UInt8]]) { bytes in
            do {
                _ = try ImageDecoder.decode(bytes)
                Issue.record("\(bytes.count) bytes were decoded")
            } catch {
                guard case .codec? = error as? ImageDecodingError else { Issue.record("got \(error)"); return }
            }
        }
        #expect(ImageDecodingError.unknownFormat.description == "not a JPEG or PNG image")
    }
}

// The label-mask record: what the builder made comes back equal, and a record that is cut short,
// altered or meant for another image is refused, never trusted.
import DissectionTestSupport
import Testing
@testable import Dissection

@Suite struct LabelMaskCodingTests {
    let probe = RandomProbe(seed: 7, N: 40, C: 2, sizes: [(7, 9), (30, 20), (64, 3), (1, 1)])

    func record(_ m: LabelMasks) -> [UInt8] {
        var w = ByteWriter()
        m.encode(into: &w)
        return w.bytes
    }

    func decode(_ bytes: [UInt8], _ height: Int, _ width: Int) -> LabelMasks? {
        var r = ByteReader(bytes)
        guard let m = LabelMasks(decoding: &r, height: height, width: width, catalog: probe.catalog), r.atEnd else { return nil }
        return m
    }

    @Test func builtMasksComeBackEqual() {
        var decoded = 0
        for a in probe.annotations.compactMap({ $0 }) {
            let m = LabelMasks(a, catalog: probe.catalog)
            #expect(decode(record(m), a.height, a.width) == m)
            decoded += 1
        }
        #expect(decoded >= 25)
    }

    @Test func everyCutIsRefused() throws {
        let a = try #require(probe.annotations.compactMap { $0 }.first { LabelMasks($0, catalog: probe.catalog).pixelLabels.count >= 2 })
        let bytes = record(LabelMasks(a, catalog: probe.catalog))
        for n in 0..<bytes.count { #expect(decode(Array(bytes[0..<n]), a.height, a.width) == nil, "cut at \(n)") }
    }

    @Test func alteredRecordsAreRefused() throws {
        let a = try #require(probe.annotations.compactMap { $0 }.first {
            let m = LabelMasks($0, catalog: probe.catalog)
            return m.pixelLabels.count >= 2 && $0.height * $0.width % 64 != 0
        })
        let m = LabelMasks(a, catalog: probe.catalog)
        let bytes = record(m)
        let pixelStart = 16 + 4 * m.imageLabels.count  // the first pixel label's id
        func with(_ offset: Int, _ value: Int32) -> [UInt8] {
            var b = bytes
            withUnsafeBytes(of: value.littleEndian) { for k in 0..<4 { b[offset + k] = $0[k] } }
            return b
        }
        #expect(decode(bytes, a.height + 1, a.width) == nil)  // another image's size
        #expect(decode(with(pixelStart, 4), a.height, a.width) == nil)  // label 4 is not scored
        #expect(decode(with(pixelStart, -1), a.height, a.width) == nil)
        #expect(decode(with(pixelStart, Int32.max), a.height, a.width) == nil)
        #expect(decode(with(pixelStart, m.pixelLabels[1]), a.height, a.width) == nil)  // not ascending
        #expect(decode(with(pixelStart + 8, Int32(m.wordCount + 1)), a.height, a.width) == nil)  // span past the mask
        #expect(decode(with(12, Int32(m.pixelLabels.count + 1)), a.height, a.width) == nil)  // more labels than there are
        // A bit past the last pixel, in the mask's last word.
        var past = m
        let k = m.pixelLabels.count - 1
        past.words[k * m.wordCount + m.wordCount - 1] |= 1 << 63
        past.wordSpans[k] = past.wordSpans[k].lowerBound..<m.wordCount
        #expect(decode(record(past), a.height, a.width) == nil)
    }
}

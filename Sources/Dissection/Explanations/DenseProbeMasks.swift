// Masks over the whole probe as one packed bitset: what `explain --dump` writes for the NumPy
// baseline of benchmarks/explain (a dense boolean mask per label, as Mu and Andreas hold them).
//
// The probe's pixels are its images concatenated in image order, each row-major (`P` pixels in
// all; a skipped image has none); probe pixel `p` is bit `p & 63` of word `p >> 6`, so the words'
// little-endian bytes are numpy's `packbits(bitorder="little")`. Dense: `P / 8` bytes per mask,
// for benchmark probes, not for Broden (the searches never build these).

/// Whole-probe masks of labels and units, packed.
public struct DenseProbeMasks {
    public let labels: ProbeLabels
    /// `offsets[i]`: the probe pixel where image `i` starts; `offsets[imageCount]` is `P`.
    public let offsets: [Int]

    public init(labels: ProbeLabels) {
        self.labels = labels
        var offsets = [0]
        offsets.reserveCapacity(labels.imageCount + 1)
        for i in 0..<labels.imageCount { offsets.append(offsets[i] + labels.pixelCount(i)) }
        self.offsets = offsets
    }

    /// `P`, the probe's pixels.
    public var pixels: Int { offsets.last! }

    /// Words of one mask.
    public var wordCount: Int { Bitset.wordCount(pixels: pixels) }

    /// Label `id`'s mask (pixel masks as in the tally; an image-level label covers its image).
    // runs of label id on every image -> (wordCount(P),)
    public func label(_ id: Int32) -> [UInt64] {
        var bits = [UInt64](repeating: 0, count: wordCount)
        let s = labels.slot(id)
        guard s >= 0 else { return bits }
        bits.withUnsafeMutableBufferPointer { b in
            for i32 in labels.images(slot: s) {
                let i = Int(i32)
                switch labels.coverage(of: id, in: i) {
                case .none: break
                case .whole: RunLength.setRange(b.baseAddress!, offsets[i], offsets[i + 1])
                case let .entry(e): labels.decode(entry: e, into: b.baseAddress!, offset: offsets[i])
                }
            }
        }
        return bits
    }

    /// A unit's mask `M_u`.
    // runs of M_u on every image -> (wordCount(P),)
    public func unit(_ u: UnitPixels) -> [UInt64] {
        var bits = [UInt64](repeating: 0, count: wordCount)
        bits.withUnsafeMutableBufferPointer { b in
            for (k, i) in u.images.enumerated() { u.decode(k, into: b.baseAddress!, offset: offsets[Int(i)]) }
        }
        return bits
    }
}

// One unit's mask over the probe, `M_u`, as runs per image where it is not empty: the unit side
// of compositional explanations.
//
// A unit's mask covers about 0.5 % of the probe's pixels (the top quantile), concentrated on the
// images it fires on; runs keep it at a few bytes per masked pixel-row segment. The bits come
// from the engine's `UnitMasker` (the tally's masks, bit for bit).

/// The mask `M_u` of one unit over the probe.
public struct UnitPixels: Sendable, Equatable {
    /// Images where the mask is not empty, ascending.
    public private(set) var images: [Int32] = []
    /// Image `images[k]`'s runs are `runs[runStart[k]..<runStart[k + 1]]`.
    private(set) var runStart: [Int] = [0]
    private(set) var runs: [UInt32] = []
    /// `|M|`.
    public private(set) var pixels = 0

    public init() {}

    /// Appends the mask of image `image` (after every image appended before), given as bits.
    // bits (wordCount) of a sh x sw mask
    public mutating func append(image: Int, bits: UnsafePointer<UInt64>, wordCount: Int, pixelCount: Int) {
        precondition(images.last.map { Int($0) < image } ?? true, "UnitPixels: images out of order")
        let before = runs.count
        let n = RunLength.encode(bits, wordCount: wordCount, pixels: pixelCount, into: &runs)
        guard n > 0 else { runs.removeLast(runs.count - before); return }
        images.append(Int32(image))
        runStart.append(runs.count)
        pixels += n
    }

    /// Sets the bits of the mask on `images[k]`, moved by `offset` bits, in `bits` (zero where they go).
    func decode(_ k: Int, into bits: UnsafeMutablePointer<UInt64>, offset: Int = 0) {
        runs.withUnsafeBufferPointer { r in
            RunLength.decode(UnsafeBufferPointer(rebasing: r[runStart[k]..<runStart[k + 1]]), into: bits, offset: offset)
        }
    }

    /// Bytes held (the arrays' capacities: what is really allocated).
    public var bytes: Int { runs.capacity * 4 + images.capacity * 4 + runStart.capacity * 8 }
}

// Exact quantiles in memory bounded by the number of units alone: a two-level radix select.
//
// Floats map to 32-bit keys that sort like the floats (`orderedKey`). Pass 1 counts every unit's
// values by the high 16 bits of their key (65,536 bins); once the count n is known, the bins
// holding the two order statistics numpy.quantile reads are known. A second pass counts, within
// those one or two bins only, the low 16 bits; the two keys, hence the two values, follow exactly.
// Memory: 256 KB per unit in pass 1 and at most 512 KB per unit in the refine pass, whatever the
// number of images. The engine uses this instead of `TopValueSelector` when a layer's top values
// would take more memory than these histograms (early layers, large maps, large q).

/// Two-level histogram state for one unit.
public struct RadixQuantile: Sendable, Equatable {
    /// Values counted in pass 1 (NaN excluded).
    public internal(set) var count: Int = 0
    /// Pass 1: counts by the high 16 bits of the key.
    var high: [UInt32]
    /// Refine pass: the high bins being refined (one or two) and their low-16-bit counts.
    var refineBins: [Int] = []
    var low: [[UInt32]] = []

    public init() { high = [UInt32](repeating: 0, count: 1 << 16) }

    /// A float's order-preserving 32-bit key.
    @inlinable public static func orderedKey(_ v: Float) -> UInt32 {
        let bits = v.bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }

    /// The float of a key.
    @inlinable public static func value(ofKey key: UInt32) -> Float {
        Float(bitPattern: key & 0x8000_0000 != 0 ? key & 0x7FFF_FFFF : ~key)
    }

    /// Pass 1: counts values.
    public mutating func countHigh(_ values: UnsafeBufferPointer<Float>) {
        high.withUnsafeMutableBufferPointer { h in
            for v in values where !v.isNaN {
                h[Int(Self.orderedKey(v) >> 16)] &+= 1
            }
        }
        count += values.lazy.filter { !$0.isNaN }.count
    }

    /// The high bin holding the order statistic of 0-based ascending rank `r`, and how many values lie below it.
    func bin(ofRank r: Int) -> (bin: Int, below: Int) {
        var below = 0
        for b in 0..<(1 << 16) {
            let c = Int(high[b])
            if r < below + c { return (b, below) }
            below += c
        }
        preconditionFailure("RadixQuantile: rank \(r) beyond \(count) values")
    }

    /// Prepares the refine pass for `numpy.quantile(p)`; false when no value was counted.
    public mutating func startRefine(p: Double) -> Bool {
        guard count > 0 else { return false }
        let (lower, upper, _) = NumpyQuantile.ranks(count: count, p: p)
        let a = bin(ofRank: lower).bin, b = bin(ofRank: upper).bin
        refineBins = a == b ? [a] : [a, b]
        low = refineBins.map { _ in [UInt32](repeating: 0, count: 1 << 16) }
        return true
    }

    /// Refine pass: counts the low bits of values in the refined bins.
    public mutating func countLow(_ values: UnsafeBufferPointer<Float>) {
        guard !refineBins.isEmpty else { return }
        let first = refineBins[0], second = refineBins.count > 1 ? refineBins[1] : -1
        for v in values where !v.isNaN {
            let key = Self.orderedKey(v)
            let h = Int(key >> 16)
            if h == first { low[0][Int(key & 0xFFFF)] &+= 1 } else if h == second { low[1][Int(key & 0xFFFF)] &+= 1 }
        }
    }

    /// The value of ascending rank `r` after the refine pass.
    func value(ofRank r: Int) -> Float {
        let (b, below) = bin(ofRank: r)
        let k = refineBins.firstIndex(of: b)!
        var seen = below
        for l in 0..<(1 << 16) {
            seen += Int(low[k][l])
            if r < seen { return Self.value(ofKey: UInt32(b) << 16 | UInt32(l)) }
        }
        preconditionFailure("RadixQuantile: refine counts disagree with pass 1")
    }

    /// `numpy.quantile(all values, p)` after the refine pass, exactly; nil when there were none.
    public func quantile(_ p: Double) -> Float? {
        guard count > 0, !refineBins.isEmpty else { return nil }
        let (lower, upper, gamma) = NumpyQuantile.ranks(count: count, p: p)
        return NumpyQuantile.interpolate(value(ofRank: lower), value(ofRank: upper), gamma: gamma)
    }

    /// Bytes of histogram memory per unit (pass 1, refine).
    public static let bytesPerUnit = (1 << 16) * 4 * 3

    // MARK: Checkpoints (sparse: only non-zero bins are written)

    /// The state as bytes.
    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.int(count)
        Self.writeSparse(high, &w)
        w.int(refineBins.count)
        for (k, b) in refineBins.enumerated() { w.int(b); Self.writeSparse(low[k], &w) }
        return w.bytes
    }

    /// Restores a state written by `serialized()`; nil when the bytes do not describe one.
    public init?(serialized bytes: [UInt8]) {
        var r = ByteReader(bytes)
        self.init(reading: &r)
        guard r.atEnd else { return nil }
    }

    init?(reading r: inout ByteReader) {
        guard let count = r.int(), count >= 0, let high = Self.readSparse(&r), let n = r.int(), n >= 0, n <= 2 else { return nil }
        self.count = count
        self.high = high
        for _ in 0..<n {
            guard let b = r.int(), b >= 0, b < (1 << 16), let l = Self.readSparse(&r) else { return nil }
            refineBins.append(b)
            low.append(l)
        }
    }

    static func writeSparse(_ bins: [UInt32], _ w: inout ByteWriter) {
        let nonzero = bins.indices.filter { bins[$0] != 0 }
        w.int(nonzero.count)
        for i in nonzero { w.int(i << 32 | Int(bins[i])) }
    }

    static func readSparse(_ r: inout ByteReader) -> [UInt32]? {
        guard let n = r.int(), n >= 0, n <= (1 << 16) else { return nil }
        var bins = [UInt32](repeating: 0, count: 1 << 16)
        for _ in 0..<n {
            guard let packed = r.int(), packed >= 0 else { return nil }
            let i = packed >> 32
            guard i < (1 << 16) else { return nil }
            bins[i] = UInt32(truncatingIfNeeded: packed)
        }
        return bins
    }
}

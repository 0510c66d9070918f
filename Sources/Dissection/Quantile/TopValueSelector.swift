// Exact top-quantile selection in one pass: keep only the largest values of a unit.
//
// The threshold T_u reads the order statistics around rank (n - 1)(1 - q), which for the top
// quantile lie among the `keep = n - floor((n - 1)(1 - q))` largest values (about q·n of them).
// The selector appends every value above a running cutoff to a buffer of twice that size; when
// the buffer fills it partitions it around the keep-th largest value, drops the rest and raises
// the cutoff to that value. A dropped value can never be among the `keep` largest, so the answer
// is exact, and each value costs one comparison once the cutoff has risen. Memory is
// 2 · keep floats per unit, whatever the order of the data. NaN is never kept nor counted.

/// The largest values of one unit's activations, enough to answer its top quantile exactly.
public struct TopValueSelector: Sendable, Equatable {
    /// How many of the largest values are retained.
    public let keep: Int
    /// Values seen so far (NaN excluded).
    public internal(set) var count: Int = 0
    /// Values above `cutoff` (all of them until the first compaction); only `filled` are valid.
    private var buffer: [Float]
    private var filled: Int = 0
    /// Every value not in the buffer is <= cutoff; -inf until the first compaction.
    private var cutoff: Float = -.infinity
    private var compacted = false

    /// A selector that keeps the `keep` largest values.
    public init(keep: Int) {
        precondition(keep >= 1, "TopValueSelector: keep must be >= 1")
        self.keep = keep
        self.buffer = [Float](repeating: 0, count: 2 * keep)
    }

    /// Adds `values.count` values.
    /// - Complexity: amortised O(1) per value.
    public mutating func add(_ values: UnsafeBufferPointer<Float>) {
        var i = 0
        let n = values.count
        while i < n {
            // Fill as far as the buffer allows without a per-value capacity check.
            let capacity = buffer.count
            let cut = cutoff
            let open = compacted
            var seen = 0
            var f = filled
            buffer.withUnsafeMutableBufferPointer { dst in
                while i < n && f < capacity {
                    let v = values[i]
                    i += 1
                    if v.isNaN { continue }
                    seen += 1
                    if open ? v > cut : v >= cut {
                        dst[f] = v
                        f += 1
                    }
                }
            }
            filled = f
            count += seen
            if filled == capacity { compact() }
        }
    }

    /// Adds `values`, all finite and none above `peak`: when even the peak would not be kept,
    /// only the count changes (what `add` would conclude after comparing each of them).
    @inline(__always)
    public mutating func add(_ values: UnsafeBufferPointer<Float>, finitePeak peak: Float) {
        if compacted ? peak > cutoff : peak >= cutoff {
            addFinite(values)
        } else {
            count += values.count
        }
    }

    /// `add` for values known to be finite: eight at a time, compared with the cutoff at once;
    /// only a group with a value that passes is written, value by value, in order (most of a map
    /// whose peak passes does not). A piece at a time that cannot overflow the buffer, compacting
    /// when it is full (where `add` does). The plain version is `add`: the same values kept in
    /// the same order (`MapPeakTests.skippingByPeakKeepsTheSameValues`).
    mutating func addFinite(_ values: UnsafeBufferPointer<Float>) {
        count += values.count
        let n = values.count, base = values.baseAddress!
        var i = 0
        while i < n {
            let end = Swift.min(n, i + buffer.count - filled)
            let cut = cutoff, open = compacted
            var f = filled
            buffer.withUnsafeMutableBufferPointer { dst in
                @inline(__always) func keep(_ v: Float) { dst[f] = v; f &+= (open ? v > cut : v >= cut) ? 1 : 0 }
                let cuts = SIMD8<Float>(repeating: cut)
                var j = i
                while j + 8 <= end {
                    let v = UnsafeRawPointer(base + j).loadUnaligned(as: SIMD8<Float>.self)
                    if any(open ? v .> cuts : v .>= cuts) {
                        for lane in 0..<8 { keep(v[lane]) }
                    }
                    j += 8
                }
                while j < end { keep(base[j]); j += 1 }
            }
            filled = f
            i = end
            if filled == buffer.count { compact() }
        }
    }

    /// The largest peak a map may have and still be left out of the activation cache: every
    /// value at or below it stays at or below this selector's threshold, so such a map can never
    /// pass it. It is the cutoff once the buffer has compacted (the keep-th largest of a subset of
    /// the values seen, so at most the keep-th largest of all values, at most the value of rank
    /// `count - 1 - lower` that `quantile` interpolates up from), -inf before; it only rises.
    /// The arithmetic of `quantile` could in principle land below it (an interpolation that
    /// overflows), so the dissector checks every threshold against it before relying on it.
    public var skipBound: Float { compacted ? cutoff : -.infinity }

    /// Adds an array of values.
    public mutating func add(_ values: [Float]) {
        values.withUnsafeBufferPointer { add($0) }
    }

    /// Shrinks the buffer to exactly the `keep` largest values and raises the cutoff.
    public mutating func compact() {
        guard filled > keep else { return }
        let kth = buffer.withUnsafeMutableBufferPointer { b -> Float in
            // Partition b[0..<filled] so that b[0..<keep] are the keep largest, b[keep-1] smallest of them.
            Self.selectLargest(b.baseAddress!, count: filled, k: keep)
        }
        filled = keep
        cutoff = kth
        compacted = true
    }

    /// The value of rank `r` counted from the top (0 = the maximum), or nil when not held.
    public func value(fromTop r: Int) -> Float? {
        guard r >= 0, r < min(filled, count) else { return nil }
        var kept = Array(buffer[0..<filled])
        kept.sort(by: >)
        return kept[r]
    }

    /// `numpy.quantile(all values seen, p)`, exactly; nil when no value was seen or when `p`
    /// asks for a rank below those kept (the selector was built for a smaller p).
    public func quantile(_ p: Double) -> Float? {
        guard count > 0 else { return nil }
        let (lower, upper, gamma) = NumpyQuantile.ranks(count: count, p: p)
        let rLower = count - 1 - lower, rUpper = count - 1 - upper
        guard rLower < filled else { return nil }
        // The values of ranks rLower and rUpper (rLower or rLower - 1) from the top: the smallest
        // and the next smallest of the rLower + 1 largest, by selection (a sort of the kept values
        // per unit was a visible share of the step between the passes).
        var kept = Array(buffer[0..<filled])
        let (atLower, atUpper) = kept.withUnsafeMutableBufferPointer { b -> (Float, Float) in
            let k = rLower + 1
            let smallest = Self.selectLargest(b.baseAddress!, count: filled, k: k)
            guard rUpper < rLower else { return (smallest, smallest) }
            // The k - 1 largest are b[0..<k] without one copy of `smallest`.
            var next = Float.infinity, skipped = false
            for i in 0..<k {
                if !skipped && b[i] == smallest { skipped = true; continue }
                next = Swift.min(next, b[i])
            }
            return (smallest, next)
        }
        return NumpyQuantile.interpolate(atLower, atUpper, gamma: gamma)
    }

    /// `quantile` by sorting every kept value: the plain version (`QuantileTests` compares the two).
    func quantileBySorting(_ p: Double) -> Float? {
        guard count > 0 else { return nil }
        let (lower, upper, gamma) = NumpyQuantile.ranks(count: count, p: p)
        var kept = Array(buffer[0..<filled])
        kept.sort(by: >)
        let rLower = count - 1 - lower, rUpper = count - 1 - upper
        guard rLower < kept.count else { return nil }
        return NumpyQuantile.interpolate(kept[rLower], kept[rUpper], gamma: gamma)
    }

    /// The buffer and how many of its values are valid (for merging).
    var held: ([Float], Int) { (buffer, filled) }

    // MARK: Checkpoints

    /// The selector's state as bytes (compacted first, so at most `keep` values are written).
    public func serialized() -> [UInt8] {
        var copy = self
        copy.compact()
        var out = ByteWriter()
        out.int(copy.keep); out.int(copy.count); out.float(copy.cutoff)
        out.int(copy.compacted ? 1 : 0); out.int(copy.filled)
        out.scalars(copy.buffer[0..<copy.filled])
        return out.bytes
    }

    /// Equal when they hold the same values in the same order and would decide alike; what lies
    /// past `filled` (values written and not counted in) is not part of the state.
    public static func == (a: TopValueSelector, b: TopValueSelector) -> Bool {
        a.keep == b.keep && a.count == b.count && a.filled == b.filled && a.compacted == b.compacted
            && a.cutoff == b.cutoff && a.buffer[0..<a.filled] == b.buffer[0..<b.filled]
    }

    /// Restores a selector written by `serialized()`; nil when the bytes do not describe one.
    public init?(serialized bytes: [UInt8]) {
        var r = ByteReader(bytes)
        guard let keep = r.int(), keep >= 1, keep <= (1 << 40),
              let count = r.int(), count >= 0,
              let cutoff = r.float(), let flag = r.int(), let filled = r.int(),
              filled >= 0, filled <= 2 * keep,
              let values = r.scalars(filled, of: Float.self), r.atEnd else { return nil }
        self.keep = keep
        self.count = count
        self.cutoff = cutoff
        self.compacted = flag == 1
        self.filled = filled
        self.buffer = values + [Float](repeating: 0, count: 2 * keep - filled)
    }

    // MARK: Selection

    /// Rearranges `a[0..<count]` so that `a[0..<k]` holds the k largest values; returns the
    /// smallest of them. Hoare-style quickselect with median-of-three pivots.
    static func selectLargest(_ a: UnsafeMutablePointer<Float>, count: Int, k: Int) -> Float {
        precondition(k >= 1 && k <= count, "selectLargest: k = \(k) for \(count) values")
        var lo = 0, hi = count - 1
        let target = k - 1  // index of the k-th largest in descending order
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            // Median of three, descending order.
            if a[mid] > a[lo] { swap(a, lo, mid) }
            if a[hi] > a[lo] { swap(a, lo, hi) }
            if a[hi] > a[mid] { swap(a, mid, hi) }
            let pivot = a[mid]
            // The scans stop at the pivot's copy or a value swapped past it, so i and j stay
            // within lo...hi (+-1): wrapping steps, without the overflow checks that made up a
            // visible share of pass 1's selection.
            var i = lo, j = hi
            while i <= j {
                while a[i] > pivot { i &+= 1 }
                while a[j] < pivot { j &-= 1 }
                if i <= j { swap(a, i, j); i &+= 1; j &-= 1 }
            }
            if target <= j { hi = j } else if target >= i { lo = i } else { break }
        }
        // a[0..<k] now holds the k largest; find their minimum (the k-th largest).
        var m = a[0]
        for i in 1..<k where a[i] < m { m = a[i] }
        return m
    }

    @inline(__always) private static func swap(_ a: UnsafeMutablePointer<Float>, _ i: Int, _ j: Int) {
        let t = a[i]; a[i] = a[j]; a[j] = t
    }
}

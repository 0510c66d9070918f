// Pass 1 of a layer: every unit's exact top quantile and its top images, batch by batch.
//
// Both need only the raw activations, so they share one read of each batch. Units are split
// across cores; each worker owns its units' selectors and top-image lists. The quantile is found
// by selection (`TopValueSelector`, one pass, memory ~ q x values) or, when that would need more
// memory than histograms, by a radix select (`RadixQuantile`, a second "refine" pass, memory
// bounded by the unit count alone).
import Dispatch
import Runtime

/// How a layer's exact quantiles are found.
public enum QuantileMethod: String, Sendable, Codable, Equatable {
    /// Keep each unit's largest values (one pass).
    case selection
    /// Two-level radix histograms (pass 1 plus a refine pass).
    case histogram
}

/// The state of pass 1 for one layer.
public struct ThresholdPass: Sendable, Equatable {
    /// Units `C`, and `H * W`.
    public let units: Int, mapSize: Int
    /// `1 - q`: the quantile each threshold is.
    public let p: Double
    /// How the quantiles are found.
    public let method: QuantileMethod
    /// One selector per unit (selection), else empty.
    public internal(set) var selectors: [TopValueSelector]
    /// One histogram per unit (histogram), else empty.
    public internal(set) var histograms: [RadixQuantile]
    /// The top images of every unit.
    public internal(set) var top: TopImages
    /// Images added.
    public internal(set) var images: Int = 0
    /// Values that were NaN or infinite, over the images added.
    public internal(set) var nonFinite = NonFiniteCounts()

    /// Pass-1 state for a `(C, H, W)` layer over at most `maxImages` images.
    public init(units: Int, mapSize: Int, quantile q: Double, topK: Int, maxImages: Int, method: QuantileMethod? = nil) {
        precondition(q > 0 && q < 1, "ThresholdPass: q = \(q) outside (0, 1)")
        self.units = units
        self.mapSize = mapSize
        self.p = 1 - q
        let chosen = method ?? Self.method(units: units, mapSize: mapSize, quantile: q, maxImages: maxImages)
        self.method = chosen
        if chosen == .selection {
            let keep = max(1, NumpyQuantile.valuesNeededFromTop(maxCount: max(1, maxImages * mapSize), p: 1 - q))
            selectors = [TopValueSelector](repeating: TopValueSelector(keep: keep), count: units)
            histograms = []
        } else {
            selectors = []
            histograms = [RadixQuantile](repeating: RadixQuantile(), count: units)
        }
        top = TopImages(units: units, k: topK, mapSize: mapSize)
    }

    /// Selection when the largest values take no more memory than histograms would, else histogram.
    public static func method(units: Int, mapSize: Int, quantile q: Double, maxImages: Int) -> QuantileMethod {
        selectorBytes(units: units, mapSize: mapSize, quantile: q, maxImages: maxImages) <= units * RadixQuantile.bytesPerUnit
            ? .selection : .histogram
    }

    /// Bytes the chosen method may hold at most.
    public static func bytes(units: Int, mapSize: Int, quantile q: Double, maxImages: Int, method: QuantileMethod) -> Int {
        method == .selection ? selectorBytes(units: units, mapSize: mapSize, quantile: q, maxImages: maxImages)
                             : units * RadixQuantile.bytesPerUnit
    }

    /// Whether a refine pass is needed before the thresholds are known.
    public var needsRefine: Bool { method == .histogram }

    /// Bytes the selectors may hold at most (for deciding whether this method fits in memory).
    public static func selectorBytes(units: Int, mapSize: Int, quantile q: Double, maxImages: Int) -> Int {
        let keep = NumpyQuantile.valuesNeededFromTop(maxCount: max(1, maxImages * mapSize), p: 1 - q)
        return units * keep * 2 * MemoryLayout<Float>.size
    }

    /// Adds a batch.
    /// - Parameters:
    ///   - activations: `(n, C, H, W)` float32.
    ///   - indices: the image index of each row, nil for a row to leave out.
    ///   - stored: when given (`n * C` flags, image-major), set to 1 for each map the activation
    ///     cache must keep for the passes after this one and to 0 for the others: a map of a row
    ///     left out, and (selection) a map whose peak is at most its unit's `skipBound` before the
    ///     map is added, which can never pass the unit's threshold.
    ///   - peaks: the maps' peaks where they were measured as the batch was made (`MapPeaks`);
    ///     a row not measured there is measured here.
    // activations (n, C, H, W) -> selectors and top lists updated for the rows not left out;
    // stored (n, C) flags
    public mutating func add(_ activations: UnsafeBufferPointer<Float>, indices: [Int?], workers: Int,
                             stored: UnsafeMutablePointer<UInt8>? = nil, peaks: MapPeaks? = nil) {
        precondition(peaks.map { $0.units == units && $0.mapSize == mapSize } ?? true, "ThresholdPass.add: peaks of another layer")
        let n = indices.count, C = units, HW = mapSize
        precondition(activations.count >= n * C * HW, "ThresholdPass.add: \(activations.count) values for \(n) images")
        // Several chunks of units per worker, claimed as workers free up: units differ in how
        // many of their maps reach the selector, and with one chunk per worker the one that
        // finished first spun until the other was done (a visible share of pass 1).
        let chunks = max(1, min(workers * Self.chunksPerWorker, C))
        let act = SendableFloats(activations)
        let flags = stored.map(SendableFlags.init)
        let k = top.k
        let selection = method == .selection
        var chunkCounts = [NonFiniteCounts](repeating: NonFiniteCounts(), count: chunks)
        chunkCounts.withUnsafeMutableBufferPointer { counts in
        let countsBase = SendableCounts(base: counts.baseAddress!)
        selectors.withUnsafeMutableBufferPointer { sel in
        histograms.withUnsafeMutableBufferPointer { hist in
            top.withLists { lists in
                let h = PassHandle(selectors: sel.baseAddress, histograms: hist.baseAddress, lists: lists.baseAddress!)
                // On the model's workers (awake right after its batch), not on threads woken for it.
                Parallelism(threads: workers).forEach(chunks) { chunk, _ in
                    let uStart = chunk * C / chunks, uEnd = (chunk + 1) * C / chunks
                    for i in 0..<n {
                        guard let image = indices[i] else {
                            flags?.base.advanced(by: i * C + uStart).update(repeating: 0, count: uEnd - uStart)
                            continue
                        }
                        let measured = peaks?.isMeasured(row: i) == true ? peaks : nil
                        for u in uStart..<uEnd {
                            let map = act.base + (i * C + u) * HW
                            let values = UnsafeBufferPointer(start: map, count: HW)
                            // One read of the map for its peak and for whether any value is not
                            // finite (none when it was measured as it was made); only such (rare)
                            // maps are read again to count them, and the selector reads a finite
                            // map only when its peak could be kept.
                            let (peak, allFinite) = measured?.peak(row: i, unit: u) ?? Self.peak(of: values)
                            if selection {
                                // The bound before this map is added (it only rises after).
                                if let flags { flags.base[i * C + u] = peak > h.selectors![u].skipBound ? 1 : 0 }
                                if allFinite { h.selectors![u].add(values, finitePeak: peak) } else { h.selectors![u].add(values) }
                            } else {
                                if let flags { flags.base[i * C + u] = 1 }
                                h.histograms![u].countHigh(values)
                            }
                            if !allFinite { countsBase.base[chunk].count(values) }
                            TopImages.offer(into: &h.lists![u], k: k, image: image, maximum: peak, map: values)
                        }
                    }
                }
            }
        }
        }
        }
        for c in chunkCounts { nonFinite.add(c) }
        images += indices.lazy.filter { $0 != nil }.count
    }

    /// Chunks of units per worker in `add`.
    static let chunksPerWorker = 8

    /// The largest value of a map (NaN ignored; -inf when there is none) and whether every value
    /// is finite, in one read: eight lanes of running maxima, and a sum of `v - v` that stays 0
    /// for finite values and turns NaN at the first infinity or NaN.
    @inline(__always)
    static func peak(of values: UnsafeBufferPointer<Float>) -> (peak: Float, allFinite: Bool) {
        let n = values.count, base = values.baseAddress!
        var lanes = SIMD8<Float>(repeating: -.infinity), check = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self)
            lanes.replace(with: v, where: v .> lanes)
            check += v - v
            i += 8
        }
        // The lanes' largest by hand: `SIMD.max()` is a generic call here (a visible share of pass 1).
        let half = lanes.lowHalf.replacing(with: lanes.highHalf, where: lanes.highHalf .> lanes.lowHalf)
        let quarter = half.lowHalf.replacing(with: half.highHalf, where: half.highHalf .> half.lowHalf)
        var peak = Swift.max(quarter[0], quarter[1]), tail: Float = 0
        while i < n {
            let v = base[i]
            if v > peak { peak = v }
            tail += v - v
            i += 1
        }
        return (peak, !(check.sum() + tail).isNaN)
    }

    /// Prepares the refine pass (histogram method).
    public mutating func startRefine() {
        for u in histograms.indices { _ = histograms[u].startRefine(p: p) }
    }

    /// Refine pass: counts a batch's values within the bins that hold the ranks.
    // activations (n, C, H, W) -> low-bit counts for the rows not left out
    public mutating func refine(_ activations: UnsafeBufferPointer<Float>, indices: [Int?], workers: Int) {
        refine(activations, maps: nil, indices: indices, workers: workers)
    }

    /// `refine` of a batch whose maps lie where `maps` says (read back from the activation
    /// cache; every map of a row not left out must be there), or image-major when nil.
    mutating func refine(_ activations: UnsafeBufferPointer<Float>, maps: MapTable?, indices: [Int?], workers: Int) {
        let n = indices.count, C = units, HW = mapSize
        precondition(method == .histogram && activations.count >= (maps?.count ?? n * C) * HW, "ThresholdPass.refine: bad call")
        precondition(maps.map { $0.images == n && $0.units == C } ?? true, "ThresholdPass.refine: map table of another batch")
        let chunks = max(1, min(workers, C))
        let act = SendableFloats(activations)
        let numbers = maps?.numbers
        histograms.withUnsafeMutableBufferPointer { hist in
            let h = PassHandle(selectors: nil, histograms: hist.baseAddress, lists: nil)
            Parallelism(threads: workers).forEach(chunks) { chunk, _ in
                for i in 0..<n where indices[i] != nil {
                    for u in (chunk * C / chunks)..<((chunk + 1) * C / chunks) {
                        let k = numbers.map { Int($0[i * C + u]) } ?? i * C + u
                        precondition(k >= 0, "ThresholdPass.refine: a map of image \(indices[i]!) is not in the batch")
                        h.histograms![u].countLow(UnsafeBufferPointer(start: act.base + k * HW, count: HW))
                    }
                }
            }
        }
    }

    /// Per unit, the largest peak of a map `add` may have left out of the activation cache
    /// (`TopValueSelector.skipBound`; -inf for histograms, which leave none out).
    public var skipBounds: [Float] {
        method == .selection ? selectors.map(\.skipBound) : [Float](repeating: -.infinity, count: units)
    }

    /// `T_u` for every unit (after the refine pass for the histogram method); +inf for a unit
    /// that saw no value (its masks are then empty).
    /// Units are shared among `workers` threads (each selector sorts what it kept: at 63,000
    /// images, 30,000 values per unit).
    public func thresholds(workers: Int = 1) -> [Float] {
        parallelMap(units, workers: workers) { u in
            (method == .selection ? selectors[u].quantile(p) : histograms[u].quantile(p)) ?? .infinity
        }
    }

    // MARK: Checkpoints

    /// The state as bytes.
    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.int(units); w.int(mapSize); w.int(Int(p.bitPattern)); w.int(images); w.int(method == .selection ? 0 : 1)
        var bytes = w.bytes
        for s in selectors {
            let b = s.serialized()
            var len = ByteWriter(); len.int(b.count)
            bytes += len.bytes + b
        }
        for h in histograms {
            let b = h.serialized()
            var len = ByteWriter(); len.int(b.count)
            bytes += len.bytes + b
        }
        let t = top.serialized()
        var len = ByteWriter(); len.int(t.count)
        var counts = ByteWriter()
        counts.int(nonFinite.nan); counts.int(nonFinite.positiveInfinity); counts.int(nonFinite.negativeInfinity)
        return bytes + len.bytes + t + counts.bytes
    }

    /// Restores a state written by `serialized()`; nil when the bytes do not describe one.
    public init?(serialized bytes: [UInt8]) {
        var r = ByteReader(bytes)
        guard let units = r.int(), let mapSize = r.int(), let pBits = r.int(), let images = r.int(), let m = r.int(),
              units >= 0, units <= (1 << 24), mapSize >= 1, m == 0 || m == 1 else { return nil }
        var selectors: [TopValueSelector] = []
        var histograms: [RadixQuantile] = []
        for _ in 0..<units where m == 0 {
            guard let n = r.int(), n >= 0, n <= bytes.count - r.offset else { return nil }
            guard let s = TopValueSelector(serialized: Array(bytes[r.offset..<(r.offset + n)])) else { return nil }
            r.offset += n
            selectors.append(s)
        }
        for _ in 0..<units where m == 1 {
            guard let n = r.int(), n >= 0, n <= bytes.count - r.offset else { return nil }
            guard let h = RadixQuantile(serialized: Array(bytes[r.offset..<(r.offset + n)])) else { return nil }
            r.offset += n
            histograms.append(h)
        }
        // The top images, then the non-finite counts (absent in states written before they were kept).
        guard let n = r.int(), n >= 0, n <= bytes.count - r.offset,
              let top = TopImages(serialized: Array(bytes[r.offset..<(r.offset + n)])) else { return nil }
        r.offset += n
        var nonFinite = NonFiniteCounts()
        if !r.atEnd {
            guard let nan = r.int(), let pos = r.int(), let neg = r.int(), r.atEnd, nan >= 0, pos >= 0, neg >= 0 else { return nil }
            nonFinite = NonFiniteCounts(nan: nan, positiveInfinity: pos, negativeInfinity: neg)
        }
        self.nonFinite = nonFinite
        self.units = units
        self.mapSize = mapSize
        self.p = Double(bitPattern: UInt64(bitPattern: Int64(pBits)))
        self.images = images
        self.method = m == 0 ? .selection : .histogram
        self.selectors = selectors
        self.histograms = histograms
        self.top = top
    }
}

/// The stored-map flags workers write (each its own units).
struct SendableFlags: @unchecked Sendable { let base: UnsafeMutablePointer<UInt8> }

/// Per-worker non-finite counts.
struct SendableCounts: @unchecked Sendable { let base: UnsafeMutablePointer<NonFiniteCounts> }

/// Pointers to per-unit state for workers that each touch disjoint units.
struct PassHandle: @unchecked Sendable {
    let selectors: UnsafeMutablePointer<TopValueSelector>?
    let histograms: UnsafeMutablePointer<RadixQuantile>?
    let lists: UnsafeMutablePointer<[TopImageEntry]>?
}

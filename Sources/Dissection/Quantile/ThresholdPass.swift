// Pass 1 of a layer: every unit's exact top quantile and its top images, batch by batch.
//
// Both need only the raw activations, so they share one read of each batch. Units are split
// across cores; each worker owns its units' selectors and top-image lists.
import Dispatch

/// The state of pass 1 for one layer.
public struct ThresholdPass: Sendable, Equatable {
    /// Units `C`, and `H * W`.
    public let units: Int, mapSize: Int
    /// `1 - q`: the quantile each threshold is.
    public let p: Double
    /// One selector per unit.
    public private(set) var selectors: [TopValueSelector]
    /// The top images of every unit.
    public private(set) var top: TopImages
    /// Images added.
    public private(set) var images: Int = 0

    /// Pass-1 state for a `(C, H, W)` layer over at most `maxImages` images.
    public init(units: Int, mapSize: Int, quantile q: Double, topK: Int, maxImages: Int) {
        precondition(q > 0 && q < 1, "ThresholdPass: q = \(q) outside (0, 1)")
        self.units = units
        self.mapSize = mapSize
        self.p = 1 - q
        let keep = max(1, NumpyQuantile.valuesNeededFromTop(maxCount: max(1, maxImages * mapSize), p: 1 - q))
        selectors = [TopValueSelector](repeating: TopValueSelector(keep: keep), count: units)
        top = TopImages(units: units, k: topK, mapSize: mapSize)
    }

    /// Bytes the selectors may hold at most (for deciding whether this method fits in memory).
    public static func selectorBytes(units: Int, mapSize: Int, quantile q: Double, maxImages: Int) -> Int {
        let keep = NumpyQuantile.valuesNeededFromTop(maxCount: max(1, maxImages * mapSize), p: 1 - q)
        return units * keep * 2 * MemoryLayout<Float>.size
    }

    /// Adds a batch.
    /// - Parameters:
    ///   - activations: `(n, C, H, W)` float32.
    ///   - indices: the image index of each row, nil for a row to leave out.
    // activations (n, C, H, W) -> selectors and top lists updated for the rows not left out
    public mutating func add(_ activations: UnsafeBufferPointer<Float>, indices: [Int?], workers: Int) {
        let n = indices.count, C = units, HW = mapSize
        precondition(activations.count >= n * C * HW, "ThresholdPass.add: \(activations.count) values for \(n) images")
        let chunks = max(1, min(workers, C))
        let act = SendableFloats(activations)
        let k = top.k
        selectors.withUnsafeMutableBufferPointer { sel in
            top.withLists { lists in
                let h = PassHandle(selectors: sel.baseAddress!, lists: lists.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let uStart = chunk * C / chunks, uEnd = (chunk + 1) * C / chunks
                    for i in 0..<n {
                        guard let image = indices[i] else { continue }
                        for u in uStart..<uEnd {
                            let map = act.base + (i * C + u) * HW
                            let values = UnsafeBufferPointer(start: map, count: HW)
                            h.selectors[u].add(values)
                            var peak = -Float.infinity
                            for v in values where v > peak { peak = v }
                            TopImages.offer(into: &h.lists[u], k: k, image: image, maximum: peak, map: values)
                        }
                    }
                }
            }
        }
        images += indices.lazy.filter { $0 != nil }.count
    }

    /// `T_u` for every unit; +inf for a unit that saw no value (its masks are then empty).
    public func thresholds() -> [Float] {
        selectors.map { $0.quantile(p) ?? .infinity }
    }

    // MARK: Checkpoints

    /// The state as bytes.
    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.int(units); w.int(mapSize); w.int(Int(p.bitPattern)); w.int(images)
        var bytes = w.bytes
        for s in selectors {
            let b = s.serialized()
            var len = ByteWriter(); len.int(b.count)
            bytes += len.bytes + b
        }
        let t = top.serialized()
        var len = ByteWriter(); len.int(t.count)
        return bytes + len.bytes + t
    }

    /// Restores a state written by `serialized()`; nil when the bytes do not describe one.
    public init?(serialized bytes: [UInt8]) {
        var r = ByteReader(bytes)
        guard let units = r.int(), let mapSize = r.int(), let pBits = r.int(), let images = r.int(),
              units >= 0, units <= (1 << 24), mapSize >= 1 else { return nil }
        var selectors: [TopValueSelector] = []
        for _ in 0..<units {
            guard let n = r.int(), n >= 0, n <= bytes.count - r.offset else { return nil }
            guard let s = TopValueSelector(serialized: Array(bytes[r.offset..<(r.offset + n)])) else { return nil }
            r.offset += n
            selectors.append(s)
        }
        guard let n = r.int(), n == bytes.count - r.offset,
              let top = TopImages(serialized: Array(bytes[r.offset...])) else { return nil }
        self.units = units
        self.mapSize = mapSize
        self.p = Double(bitPattern: UInt64(bitPattern: Int64(pBits)))
        self.images = images
        self.selectors = selectors
        self.top = top
    }
}

/// Pointers to per-unit state for workers that each touch disjoint units.
struct PassHandle: @unchecked Sendable {
    let selectors: UnsafeMutablePointer<TopValueSelector>
    let lists: UnsafeMutablePointer<[TopImageEntry]>
}

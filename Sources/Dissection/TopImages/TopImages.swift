// The k images per unit with the largest spatial maximum of the raw activation (docs/method.md#top-images).
//
// Ties go to the lower image index. Each entry keeps the unit's raw H x W map on that image, so a
// viewer can draw the mask M_u(i) later without running the model again. Memory: k maps per unit.

/// One of a unit's top images.
public struct TopImageEntry: Sendable, Equatable {
    /// Image index in `index.csv` order.
    public var image: Int
    /// `max A_u(i)`.
    public var maximum: Float
    /// The raw map `A_u(i)`, `H * W` values row-major.
    public var map: [Float]

    public init(image: Int, maximum: Float, map: [Float]) {
        self.image = image
        self.maximum = maximum
        self.map = map
    }

    /// Whether `self` ranks before `other`: larger maximum, then lower index.
    @inlinable public func ranksBefore(_ other: TopImageEntry) -> Bool {
        maximum != other.maximum ? maximum > other.maximum : image < other.image
    }
}

/// The running top-k images of every unit of a layer.
public struct TopImages: Sendable, Equatable {
    /// Images kept per unit.
    public let k: Int
    /// Values per map, `H * W`.
    public let mapSize: Int
    /// Per unit, best first.
    public internal(set) var entries: [[TopImageEntry]]

    /// Empty lists for `units` units.
    public init(units: Int, k: Int, mapSize: Int) {
        precondition(units >= 0 && k >= 0 && mapSize >= 1, "TopImages: bad sizes")
        self.k = k
        self.mapSize = mapSize
        entries = [[TopImageEntry]](repeating: [], count: units)
    }

    /// Offers image `image` with raw map `map` (`mapSize` values) to unit `unit`'s list.
    public mutating func offer(unit: Int, image: Int, map: UnsafePointer<Float>) {
        guard k > 0 else { return }
        var peak = -Float.infinity
        for i in 0..<mapSize where map[i] > peak { peak = map[i] }
        offer(unit: unit, image: image, maximum: peak, map: map)
    }

    /// Offers an image whose maximum is already known.
    public mutating func offer(unit: Int, image: Int, maximum: Float, map: UnsafePointer<Float>) {
        Self.offer(into: &entries[unit], k: k, image: image, maximum: maximum,
                   map: UnsafeBufferPointer(start: map, count: mapSize))
    }

    /// Inserts `(image, maximum, map)` into a best-first `list` of at most `k` entries.
    static func offer(into list: inout [TopImageEntry], k: Int, image: Int, maximum: Float,
                      map: UnsafeBufferPointer<Float>) {
        guard k > 0 else { return }
        if list.count == k {
            let worst = list[k - 1]
            let beats = maximum != worst.maximum ? maximum > worst.maximum : image < worst.image
            guard beats else { return }
        }
        let entry = TopImageEntry(image: image, maximum: maximum, map: Array(map))
        let at = list.firstIndex { entry.ranksBefore($0) } ?? list.count
        list.insert(entry, at: at)
        if list.count > k { list.removeLast() }
    }

    /// Runs `body` with the per-unit lists for workers that each touch disjoint units.
    mutating func withLists<R>(_ body: (UnsafeMutableBufferPointer<[TopImageEntry]>) -> R) -> R {
        entries.withUnsafeMutableBufferPointer { body($0) }
    }

    // MARK: Checkpoints

    /// The lists as bytes.
    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.int(entries.count); w.int(k); w.int(mapSize)
        for list in entries {
            w.int(list.count)
            for e in list { w.int(e.image); w.float(e.maximum); w.scalars(e.map) }
        }
        return w.bytes
    }

    /// Restores lists written by `serialized()`; nil when the bytes do not describe them.
    public init?(serialized bytes: [UInt8]) {
        var r = ByteReader(bytes)
        guard let units = r.int(), let k = r.int(), let mapSize = r.int(),
              units >= 0, units <= (1 << 24), k >= 0, k <= (1 << 20), mapSize >= 1, mapSize <= (1 << 28)
        else { return nil }
        var entries: [[TopImageEntry]] = []
        entries.reserveCapacity(units)
        for _ in 0..<units {
            guard let n = r.int(), n >= 0, n <= k else { return nil }
            var list: [TopImageEntry] = []
            for _ in 0..<n {
                guard let image = r.int(), let maximum = r.float(), let map = r.scalars(mapSize, of: Float.self) else { return nil }
                list.append(TopImageEntry(image: image, maximum: maximum, map: map))
            }
            entries.append(list)
        }
        guard r.atEnd else { return nil }
        self.k = k
        self.mapSize = mapSize
        self.entries = entries
    }
}

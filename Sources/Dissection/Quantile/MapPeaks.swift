// Every map's peak, measured where the maps are made.
//
// Pass 1 needs each map's largest value (for the selector's cutoff, the top images and which maps
// the activation cache keeps) and whether all its values are finite. Read after the batch, the
// maps come from memory (a batch of MobileNetV2's last layer is 8 MB); measured by the model's
// worker right after it wrote an image's row, they come from its cache. `ThresholdPass.add` takes
// the measured ones and measures a row nobody did itself.

/// Per map of a batch: its peak and whether every value is finite (`ThresholdPass.peak`).
// rows n x units C, image-major
public final class MapPeaks: @unchecked Sendable {
    /// Units `C` and `H * W` of the layer.
    public let units: Int, mapSize: Int
    // Raw memory: workers write disjoint rows at once (arrays would be shared mutable state).
    private var peaks: UnsafeMutablePointer<Float>
    private var finite: UnsafeMutablePointer<Bool>
    private var measured: UnsafeMutablePointer<Bool>
    private var capacity = 0, rows = 0

    /// Peaks of a `(C, H, W)` layer's maps.
    public init(units: Int, mapSize: Int) {
        precondition(units > 0 && mapSize > 0, "MapPeaks: \(units) units of \(mapSize) values")
        self.units = units
        self.mapSize = mapSize
        peaks = .allocate(capacity: 1)
        finite = .allocate(capacity: 1)
        measured = .allocate(capacity: 1)
    }

    deinit {
        peaks.deallocate()
        finite.deallocate()
        measured.deallocate()
    }

    /// Forgets every row and makes room for `rows` (before a batch is produced; not concurrently).
    public func start(rows: Int) {
        if rows > capacity {
            peaks.deallocate(); finite.deallocate(); measured.deallocate()
            peaks = .allocate(capacity: rows * units)
            finite = .allocate(capacity: rows * units)
            measured = .allocate(capacity: rows)
            capacity = rows
        }
        measured.update(repeating: false, count: rows)
        self.rows = rows
    }

    /// Measures row `k`'s maps (`(C, H, W)` at `maps`). Rows may be measured concurrently, each once.
    public func measure(row k: Int, maps: UnsafePointer<Float>) {
        precondition(k >= 0 && k < rows, "MapPeaks.measure: row \(k) of \(rows)")
        let C = units, HW = mapSize
        for u in 0..<C {
            let (peak, allFinite) = ThresholdPass.peak(of: UnsafeBufferPointer(start: maps + u * HW, count: HW))
            peaks[k * C + u] = peak
            finite[k * C + u] = allFinite
        }
        measured[k] = true
    }

    /// Whether row `k` was measured since `start`.
    func isMeasured(row k: Int) -> Bool { k >= 0 && k < rows && measured[k] }

    /// The peak and finiteness of map `u` of a measured row `k`.
    @inline(__always)
    func peak(row k: Int, unit u: Int) -> (peak: Float, allFinite: Bool) { (peaks[k * units + u], finite[k * units + u]) }
}

// y (rows <= 8, n) = f(bias + addend + w (8, K) * x (K, n)) for n consecutive output pixels of one
// row (n <= 3 L, L = 16 with AVX-512; n <= L = 8 otherwise): the pixels in the lanes, as in the
// pointwise tiles, and the 8 output channels of one weight panel broadcast from it. Per k: one
// load of x per vector, 8 broadcasts and 8 FMAs per vector; each of the 8 rows leaves in runs of
// L pixels, with no transpose.
//
// The stems' tile. `ChannelLanesTile` puts the output channels in the lanes and transposes every
// tile on its way out: at K = 147 (ResNet's 7x7 stem, 3 input channels) the transposes were
// 10-15 % of the layer (a build that skipped them, wrong results, for the measure: benchmarks/
// HISTORY.md, "The evening of 2026-12-07"). Here a tile reads its x in place from the stride
// phases like the direct lanes (`LanesRows`: row k = (channel, tap)); a row of 112 output pixels
// is 48 + 32 + 32 (`split`). At K = 27 (MobileNetV2's and Inception-v3's first layers) both lose
// to the column matrix, the stores weighing too much against so short a sum (benchmarks/
// README.md, "Direct rows").
//
// The last vector of a tile may hold fewer than L pixels: its loads run past the row into the next
// phase or row of the copy (the caller leaves L floats after the last channel's plane), and only
// its first pixels are stored.

import KernelSupport

enum RowLanesTile {
    typealias Lanes = ChannelLanesTile.Lanes
    /// Pixels per vector.
    static let lanes = Lanes.scalarCount
    /// Output channels per tile (a weight panel's height).
    static let rows = 8
    /// Vectors of pixels one tile takes at most (8 rows of 3 vectors: 24 of the 32 registers with
    /// AVX-512; 8 of the 16 otherwise).
    #if NETDISSECT_ISA_AVX512
    static let maxVectors = 3
    #else
    static let maxVectors = 1
    #endif

    /// Pixels of the tiles that cover a row of `columns`: as few tiles as fit, whole vectors in
    /// every tile but the last, the vectors as equal as can be (112 -> 48, 32, 32 with AVX-512;
    /// 149 -> 48, 48, 32, 21).
    static func split(_ columns: Int) -> [Int] {
        precondition(columns > 0, "RowLanesTile: \(columns) columns")
        let vectors = (columns + lanes - 1) / lanes
        let count = (vectors + maxVectors - 1) / maxVectors
        let base = vectors / count, extra = vectors % count
        var widths = (0..<count).map { ($0 < extra ? base + 1 : base) * lanes }
        widths[count - 1] -= vectors * lanes - columns
        return widths
    }

    /// One tile of `columns` pixels (1 to `maxVectors` L) and `rows` output channels; `addend`
    /// (rows `ldy` apart, as y) may be y.
    @inline(__always)
    static func run<F: VectorFunction>(
        _ f: F, columns: Int, w: UnsafePointer<Float>, x: LanesRows, bias: UnsafePointer<Float>, rows: Int,
        addend: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>, ldy: Int
    ) {
        switch (columns + lanes - 1) / lanes {
        case 1: tile(f, One.self, columns: columns, w: w, x: x, bias: bias, rows: rows, addend: addend, y: y, ldy: ldy)
        #if NETDISSECT_ISA_AVX512
        case 2: tile(f, Two.self, columns: columns, w: w, x: x, bias: bias, rows: rows, addend: addend, y: y, ldy: ldy)
        case 3: tile(f, Three.self, columns: columns, w: w, x: x, bias: bias, rows: rows, addend: addend, y: y, ldy: ldy)
        #endif
        default: preconditionFailure("RowLanesTile: no kernel for \(columns) columns")
        }
    }

    /// The kernel: `V.columns` vectors of pixels by 8 rows of accumulators (never inlined, so each
    /// width is register-allocated on its own).
    @inline(never)
    static func tile<F: VectorFunction, V: ColumnCount>(
        _ f: F, _: V.Type, columns: Int, w: UnsafePointer<Float>, x: LanesRows, bias: UnsafePointer<Float>,
        rows: Int, addend: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>, ldy: Int
    ) {
        let n = V.columns  // 1 to 3
        @inline(__always) func start(_ r: Int) -> Lanes { Lanes(repeating: r < rows ? bias[r] : 0) }
        let b0 = start(0), b1 = start(1), b2 = start(2), b3 = start(3)
        let b4 = start(4), b5 = start(5), b6 = start(6), b7 = start(7)
        // a<r><v>: output channel r, pixels v L ..< (v + 1) L.
        var a00 = b0, a01 = b0, a02 = b0
        var a10 = b1, a11 = b1, a12 = b1
        var a20 = b2, a21 = b2, a22 = b2
        var a30 = b3, a31 = b3, a32 = b3
        var a40 = b4, a41 = b4, a42 = b4
        var a50 = b5, a51 = b5, a52 = b5
        var a60 = b6, a61 = b6, a62 = b6
        var a70 = b7, a71 = b7, a72 = b7
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> Lanes {
            UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
        }
        @inline(__always) func fma(_ a: Lanes, _ s: Float, _ v: Lanes) -> Lanes { ChannelLanesTile.fma(a, s, v) }
        var wp = w, channel = x.x
        let taps = x.taps, tapCount = x.tapCount
        // The lines this tile will store, on their way while it sums (`Prefetch.output`).
        for r in 0..<rows {
            for v in 0..<n { Prefetch.output(UnsafePointer(y + r * ldy + v * lanes)) }
        }
        for _ in 0..<x.channels {
            for t in 0..<tapCount {
                let xp = channel + taps[t]
                // Row by row, so that one broadcast is live at a time (24 sums, 3 x, 1 w).
                let x0 = load(xp)
                let x1 = n > 1 ? load(xp + lanes) : x0
                let x2 = n > 2 ? load(xp + 2 * lanes) : x0
                a00 = fma(a00, wp[0], x0)
                if n > 1 { a01 = fma(a01, wp[0], x1) }
                if n > 2 { a02 = fma(a02, wp[0], x2) }
                a10 = fma(a10, wp[1], x0)
                if n > 1 { a11 = fma(a11, wp[1], x1) }
                if n > 2 { a12 = fma(a12, wp[1], x2) }
                a20 = fma(a20, wp[2], x0)
                if n > 1 { a21 = fma(a21, wp[2], x1) }
                if n > 2 { a22 = fma(a22, wp[2], x2) }
                a30 = fma(a30, wp[3], x0)
                if n > 1 { a31 = fma(a31, wp[3], x1) }
                if n > 2 { a32 = fma(a32, wp[3], x2) }
                a40 = fma(a40, wp[4], x0)
                if n > 1 { a41 = fma(a41, wp[4], x1) }
                if n > 2 { a42 = fma(a42, wp[4], x2) }
                a50 = fma(a50, wp[5], x0)
                if n > 1 { a51 = fma(a51, wp[5], x1) }
                if n > 2 { a52 = fma(a52, wp[5], x2) }
                a60 = fma(a60, wp[6], x0)
                if n > 1 { a61 = fma(a61, wp[6], x1) }
                if n > 2 { a62 = fma(a62, wp[6], x2) }
                a70 = fma(a70, wp[7], x0)
                if n > 1 { a71 = fma(a71, wp[7], x1) }
                if n > 2 { a72 = fma(a72, wp[7], x2) }
                wp += Self.rows
            }
            channel += x.plane
        }
        putRow(f, n, 0, a00, a01, a02, columns: columns, rows: rows, addend: addend, y: y, ldy: ldy)
        putRow(f, n, 1, a10, a11, a12, columns: columns, rows: rows, addend: addend, y: y, ldy: ldy)
        putRow(f, n, 2, a20, a21, a22, columns: columns, rows: rows, addend: addend, y: y, ldy: ldy)
        putRow(f, n, 3, a30, a31, a32, columns: columns, rows: rows, addend: addend, y: y, ldy: ldy)
        putRow(f, n, 4, a40, a41, a42, columns: columns, rows: rows, addend: addend, y: y, ldy: ldy)
        putRow(f, n, 5, a50, a51, a52, columns: columns, rows: rows, addend: addend, y: y, ldy: ldy)
        putRow(f, n, 6, a60, a61, a62, columns: columns, rows: rows, addend: addend, y: y, ldy: ldy)
        putRow(f, n, 7, a70, a71, a72, columns: columns, rows: rows, addend: addend, y: y, ldy: ldy)
    }

    /// Output row r of a tile: its `n` vectors, when r is one of the tile's `rows`.
    @inline(__always)
    static func putRow<F: VectorFunction>(
        _ f: F, _ n: Int, _ r: Int, _ s0: Lanes, _ s1: Lanes, _ s2: Lanes, columns: Int, rows: Int,
        addend: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>, ldy: Int
    ) {
        guard r < rows else { return }
        let at = r * ldy
        store(f, s0, columns: columns, addend: addend.map { $0 + at }, y: y + at)
        if n > 1 { store(f, s1, columns: columns - lanes, addend: addend.map { $0 + at + lanes }, y: y + at + lanes) }
        if n > 2 {
            store(f, s2, columns: columns - 2 * lanes, addend: addend.map { $0 + at + 2 * lanes }, y: y + at + 2 * lanes)
        }
    }

    /// y[0 ..< min(L, columns)] = f(sums + addend): a whole vector, or the row's last pixels.
    @inline(__always)
    static func store<F: VectorFunction>(_ f: F, _ sums: Lanes, columns: Int, addend: UnsafePointer<Float>?,
                                         y: UnsafeMutablePointer<Float>) {
        var s = sums
        if columns >= lanes {
            if let addend { s += UnsafeRawPointer(addend).loadUnaligned(as: Lanes.self) }
            UnsafeMutableRawPointer(y).storeBytes(of: ChannelLanesTile.apply(f, s), as: Lanes.self)
        } else {
            if let addend { s += ChannelLanesTile.load(addend, columns) }
            ChannelLanesTile.store(ChannelLanesTile.apply(f, s), y, columns)
        }
    }
}

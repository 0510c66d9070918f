// y (rows <= L, n) = f(start + addend + w (L, K) * x (K, n)), the output channels in the lanes
// of one vector (L = 16 with AVX-512, 8 otherwise) and each of the n columns (7 to 13) its own
// register: per k one load of the panel's L weights, n broadcasts of x and n FMAs.
//
// The pointwise tiles (`PointwiseTile`) put columns in the lanes: 16 per register with AVX-512,
// so a map whose column count leaves 5 to 15 over a multiple of 16 finishes on the 8-lane `eight`
// tile (half the FMA width) and the 1-4 column `narrow` one. On Inception-v3's 5x5 maps (25 =
// 16 + 8 + 1 columns) that put a quarter of the products on half-width registers: one AMD EPYC
// core ran 448x5x5 -> 384 (3x3) at 68 GFLOP/s where onnxruntime ran 109. Here every FMA is
// full width whatever n, and a 5x5 map is two tiles of 13 and 12 columns.
//
// x is read in place (`LanesRows`: the column matrix, a pointwise convolution's input itself, or
// a padded input split into stride phases, where row k of a channel is one of its taps); w is one
// panel of `PointwiseWeights` packed L rows high ([k][L]). The sums leave through a transposed
// store (lane r of column j to y[r * ldy + j]), bias, addend and activation applied first.
//
// Where x is one row per k (a column matrix or a pointwise input: Inception-v3's 5x5 maps,
// 1280-2048 input channels), each k reads a whole 64-byte line of weights that comes from memory
// at every image, so the tile hints the panel's line 2 KiB ahead (`Prefetch.weights`): those
// layers ran 8-12 % faster on one AMD EPYC core (at 1 KiB). Not on the stride phases' tap rows
// (the direct lanes), where the same hint made layers 3-7 % slower (benchmarks/README.md, "Weight
// prefetch").

import KernelSupport

/// Where the rows of x a tile reads start: `channels` channels `plane` floats apart, and in each
/// `tapCount` rows at `taps` from the channel's start (k = channel * tapCount + tap). A column
/// matrix or a pointwise input is one tap at 0 per row (`plane` the row stride).
struct LanesRows {
    /// Column 0 of the first channel's rows.
    var x: UnsafePointer<Float>
    var channels: Int, plane: Int
    var taps: UnsafePointer<Int>, tapCount: Int

    /// `rows` rows `ld` apart, one per k (a column matrix, or x of a pointwise convolution).
    static func matrix(_ x: UnsafePointer<Float>, rows: Int, ld: Int) -> LanesRows {
        LanesRows(x: x, channels: rows, plane: ld, taps: ChannelLanesTile.oneTap, tapCount: 1)
    }
}

enum ChannelLanesTile {
    #if NETDISSECT_ISA_AVX512
    typealias Lanes = SIMD16<Float>
    #else
    typealias Lanes = SIMD8<Float>
    #endif
    /// Output channels per tile (a panel's height).
    static let lanes = Lanes.scalarCount
    /// Columns one tile takes.
    static let widths = 7...13
    /// The fewest columns of a map the channel-lanes path takes.
    static let minimumColumns = 8
    /// The taps of `LanesRows.matrix`: one, at 0.
    nonisolated(unsafe) static let oneTap: UnsafePointer<Int> = {
        let p = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    /// Widths of the tiles that cover `columns` (at least the narrowest tile's 7): as few as fit
    /// and as equal as can be (25 -> 13, 12; 100 -> 13 x 4, 12 x 4).
    static func split(_ columns: Int) -> [Int] {
        precondition(columns >= widths.lowerBound, "ChannelLanesTile: \(columns) columns")
        let count = (columns + widths.upperBound - 1) / widths.upperBound
        let base = columns / count, extra = columns % count
        return (0..<count).map { $0 < extra ? base + 1 : base }
    }

    /// The start of every column's sums: `bias[0..<rows]` in the lanes, zero in the others.
    static func start(_ bias: UnsafePointer<Float>?, rows: Int) -> Lanes {
        var v = Lanes()
        if let bias { for r in 0..<rows { v[r] = bias[r] } }
        return v
    }

    /// One tile of `width` (7 to 13, `widths`) columns; `addend` (rows `ldy` apart, as y) may be y.
    @inline(__always)
    static func run<F: VectorFunction>(
        _ f: F, width: Int, w: UnsafePointer<Float>, x: LanesRows,
        start: Lanes, addend: UnsafePointer<Float>?, rows: Int, y: UnsafeMutablePointer<Float>, ldy: Int
    ) {
        switch width {
        case 7: tile(f, Seven.self, w: w, x: x, start: start, addend: addend, rows: rows, y: y, ldy: ldy)
        case 8: tile(f, Eight.self, w: w, x: x, start: start, addend: addend, rows: rows, y: y, ldy: ldy)
        case 9: tile(f, Nine.self, w: w, x: x, start: start, addend: addend, rows: rows, y: y, ldy: ldy)
        case 10: tile(f, Ten.self, w: w, x: x, start: start, addend: addend, rows: rows, y: y, ldy: ldy)
        case 11: tile(f, Eleven.self, w: w, x: x, start: start, addend: addend, rows: rows, y: y, ldy: ldy)
        case 12: tile(f, Twelve.self, w: w, x: x, start: start, addend: addend, rows: rows, y: y, ldy: ldy)
        default:
            precondition(width == 13, "ChannelLanesTile: no kernel for width \(width)")
            tile(f, Thirteen.self, w: w, x: x, start: start, addend: addend, rows: rows, y: y, ldy: ldy)
        }
    }

    /// `s * v + a` as one FMA.
    @inline(__always)
    static func fma(_ a: Lanes, _ s: Float, _ v: Lanes) -> Lanes {
        #if NETDISSECT_ISA_AVX512
        return a.addingProduct(Lanes(repeating: s), v)
        #else
        return VectorMath.fma(a, Lanes(repeating: s), v)
        #endif
    }

    /// f over the lanes (the activations take 8 at a time).
    @inline(__always)
    static func apply<F: VectorFunction>(_ f: F, _ v: Lanes) -> Lanes {
        #if NETDISSECT_ISA_AVX512
        return Lanes(lowHalf: f(v.lowHalf), highHalf: f(v.highHalf))
        #else
        return f(v)
        #endif
    }

    /// The kernel: `N.columns` accumulators (never inlined, so each width is register-allocated
    /// on its own, as the pointwise tiles are).
    @inline(never)
    static func tile<F: VectorFunction, N: ColumnCount>(
        _ f: F, _: N.Type, w: UnsafePointer<Float>, x: LanesRows,
        start: Lanes, addend: UnsafePointer<Float>?, rows: Int, y: UnsafeMutablePointer<Float>, ldy: Int
    ) {
        let n = N.columns  // 7 to 13
        var c0 = start, c1 = start, c2 = start, c3 = start, c4 = start, c5 = start, c6 = start
        var c7 = start, c8 = start, c9 = start, c10 = start, c11 = start, c12 = start
        var wp = w, channel = x.x
        let taps = x.taps, tapCount = x.tapCount
        // One tap per row (a column matrix, a pointwise input): hint the panel 2 KiB ahead.
        let prefetch = tapCount == 1
        for _ in 0..<x.channels {
            for t in 0..<tapCount {
                let xp = channel + taps[t]
                if prefetch { Prefetch.weights(wp) }
                let wv = UnsafeRawPointer(wp).loadUnaligned(as: Lanes.self)
                c0 = fma(c0, xp[0], wv)
                c1 = fma(c1, xp[1], wv)
                c2 = fma(c2, xp[2], wv)
                c3 = fma(c3, xp[3], wv)
                c4 = fma(c4, xp[4], wv)
                c5 = fma(c5, xp[5], wv)
                c6 = fma(c6, xp[6], wv)
                if n > 7 { c7 = fma(c7, xp[7], wv) }
                if n > 8 { c8 = fma(c8, xp[8], wv) }
                if n > 9 { c9 = fma(c9, xp[9], wv) }
                if n > 10 { c10 = fma(c10, xp[10], wv) }
                if n > 11 { c11 = fma(c11, xp[11], wv) }
                if n > 12 { c12 = fma(c12, xp[12], wv) }
                wp += lanes
            }
            channel += x.plane
        }
        // Column j's sums: lane r is output channel r; transposed to runs of y per channel.
        #if NETDISSECT_ISA_AVX512
        let zero = Lanes()
        storeTransposed(f, (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, zero, zero, zero),
                        count: n, addend: addend, rows: rows, y: y, ldy: ldy)
        #else
        storeTransposed(f, (c0, c1, c2, c3, c4, c5, c6, c7), count: min(n, 8), addend: addend, rows: rows,
                        y: y, ldy: ldy)
        if n > 8 {
            storeTransposed(f, (c8, c9, c10, c11, c12, start, start, start), count: n - 8,
                            addend: addend.map { $0 + 8 }, rows: rows, y: y + 8, ldy: ldy)
        }
        #endif
    }
}

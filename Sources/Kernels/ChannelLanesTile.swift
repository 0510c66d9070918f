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
// x is read in place (rows `ldx` apart: the column matrix, or a pointwise convolution's input
// itself); w is one panel of `PointwiseWeights` packed L rows high ([k][L]). The sums leave through a transposed
// store (lane r of column j to y[r * ldy + j]), bias, addend and activation applied first.

import KernelSupport

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
    /// The fewest columns the tiles can split a map into (`split`).
    static let minimumColumns = 8

    /// Widths of the tiles that cover `columns` (at least `minimumColumns`): as few as fit and
    /// as equal as can be (25 -> 13, 12; 100 -> 13 x 4, 12 x 4).
    static func split(_ columns: Int) -> [Int] {
        precondition(columns >= minimumColumns, "ChannelLanesTile: \(columns) columns")
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
        _ f: F, width: Int, w: UnsafePointer<Float>, x: UnsafePointer<Float>, ldx: Int, k: Int,
        start: Lanes, addend: UnsafePointer<Float>?, rows: Int, y: UnsafeMutablePointer<Float>, ldy: Int
    ) {
        switch width {
        case 7: tile(f, Seven.self, w: w, x: x, ldx: ldx, k: k, start: start, addend: addend, rows: rows, y: y, ldy: ldy)
        case 8: tile(f, Eight.self, w: w, x: x, ldx: ldx, k: k, start: start, addend: addend, rows: rows, y: y, ldy: ldy)
        case 9: tile(f, Nine.self, w: w, x: x, ldx: ldx, k: k, start: start, addend: addend, rows: rows, y: y, ldy: ldy)
        case 10: tile(f, Ten.self, w: w, x: x, ldx: ldx, k: k, start: start, addend: addend, rows: rows, y: y, ldy: ldy)
        case 11: tile(f, Eleven.self, w: w, x: x, ldx: ldx, k: k, start: start, addend: addend, rows: rows, y: y, ldy: ldy)
        case 12: tile(f, Twelve.self, w: w, x: x, ldx: ldx, k: k, start: start, addend: addend, rows: rows, y: y, ldy: ldy)
        default:
            precondition(width == 13, "ChannelLanesTile: no kernel for width \(width)")
            tile(f, Thirteen.self, w: w, x: x, ldx: ldx, k: k, start: start, addend: addend, rows: rows, y: y, ldy: ldy)
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
        _ f: F, _: N.Type, w: UnsafePointer<Float>, x: UnsafePointer<Float>, ldx: Int, k: Int,
        start: Lanes, addend: UnsafePointer<Float>?, rows: Int, y: UnsafeMutablePointer<Float>, ldy: Int
    ) {
        let n = N.columns  // 7 to 13
        var c0 = start, c1 = start, c2 = start, c3 = start, c4 = start, c5 = start, c6 = start
        var c7 = start, c8 = start, c9 = start, c10 = start, c11 = start, c12 = start
        var wp = w, xp = x
        for _ in 0..<k {
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
            xp += ldx
        }
        // Column j's sums: lane r is output channel r.
        @inline(__always) func finish(_ j: Int, _ sums: Lanes) {
            var v = sums
            if let addend { for r in 0..<rows { v[r] += addend[r * ldy + j] } }
            v = apply(f, v)
            for r in 0..<rows { y[r * ldy + j] = v[r] }
        }
        finish(0, c0); finish(1, c1); finish(2, c2); finish(3, c3); finish(4, c4); finish(5, c5); finish(6, c6)
        if n > 7 { finish(7, c7) }
        if n > 8 { finish(8, c8) }
        if n > 9 { finish(9, c9) }
        if n > 10 { finish(10, c10) }
        if n > 11 { finish(11, c11) }
        if n > 12 { finish(12, c12) }
    }
}

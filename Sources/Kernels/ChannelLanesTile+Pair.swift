// Two panels of the channel-lanes tile in one pass over k, AVX-512 only: y (rows <= 2L, n) =
// f(start + addend + w (2L, K) * x (K, n)), the first panel's 16 output channels in the lanes of
// c<j>, the second's in d<j>; per k two loads of weights, n broadcasts of x and 2n FMAs.
//
// The single tile's n broadcasts per n FMAs held it where a core issues two 512-bit FMAs a cycle
// (AMD Zen 5): the pointwise tiles' 6 x 16 ran at 70-79 % of the FMA ceiling in L1 for the same
// reason, their 6 x 32 pair at 98-103 % (benchmarks/README.md, "Pairs of tiles"). Here each
// broadcast feeds two FMAs. Up to 13 columns: 26 accumulators, two weight vectors and a broadcast
// in the 32 registers.

import KernelSupport

extension ChannelLanesTile {
    /// Whether two adjacent full panels run as one (`pairTile`): where the pointwise tiles pair
    /// (`PointwiseTile.pairs`, AVX-512), whose 32 registers hold 2 x 13 accumulators.
    @inline(__always)
    static var pairs: Bool { PointwiseTile.pairs }

    #if NETDISSECT_ISA_AVX512
    /// Two panels over one tile of `width` (7 to 13) columns: the first's weights at `w`, the
    /// second's at `w + second`, its output rows (`rows` of them, 1 to L) L rows of y after the
    /// first's; `start` and `startSecond` their sums' starts (the bias).
    @inline(__always)
    static func runPair<F: VectorFunction>(
        _ f: F, width: Int, w: UnsafePointer<Float>, second: Int, x: LanesRows,
        start: Lanes, startSecond: Lanes, addend: UnsafePointer<Float>?, rows: Int,
        y: UnsafeMutablePointer<Float>, ldy: Int
    ) {
        switch width {
        case 7: pairTile(f, Seven.self, w: w, second: second, x: x, start: start, startSecond: startSecond,
                         addend: addend, rows: rows, y: y, ldy: ldy)
        case 8: pairTile(f, Eight.self, w: w, second: second, x: x, start: start, startSecond: startSecond,
                         addend: addend, rows: rows, y: y, ldy: ldy)
        case 9: pairTile(f, Nine.self, w: w, second: second, x: x, start: start, startSecond: startSecond,
                         addend: addend, rows: rows, y: y, ldy: ldy)
        case 10: pairTile(f, Ten.self, w: w, second: second, x: x, start: start, startSecond: startSecond,
                          addend: addend, rows: rows, y: y, ldy: ldy)
        case 11: pairTile(f, Eleven.self, w: w, second: second, x: x, start: start, startSecond: startSecond,
                          addend: addend, rows: rows, y: y, ldy: ldy)
        case 12: pairTile(f, Twelve.self, w: w, second: second, x: x, start: start, startSecond: startSecond,
                          addend: addend, rows: rows, y: y, ldy: ldy)
        default:
            precondition(width == 13, "ChannelLanesTile: no pair kernel for width \(width)")
            pairTile(f, Thirteen.self, w: w, second: second, x: x, start: start, startSecond: startSecond,
                     addend: addend, rows: rows, y: y, ldy: ldy)
        }
    }

    /// The kernel: 2 x `N.columns` accumulators (never inlined, as `tile`).
    @inline(never)
    static func pairTile<F: VectorFunction, N: ColumnCount>(
        _ f: F, _: N.Type, w: UnsafePointer<Float>, second: Int, x: LanesRows,
        start: Lanes, startSecond: Lanes, addend: UnsafePointer<Float>?, rows: Int,
        y: UnsafeMutablePointer<Float>, ldy: Int
    ) {
        let n = N.columns  // 7 to 13
        var c0 = start, c1 = start, c2 = start, c3 = start, c4 = start, c5 = start, c6 = start
        var c7 = start, c8 = start, c9 = start, c10 = start, c11 = start, c12 = start
        let s = startSecond
        var d0 = s, d1 = s, d2 = s, d3 = s, d4 = s, d5 = s, d6 = s, d7 = s, d8 = s, d9 = s, d10 = s, d11 = s, d12 = s
        var wp = w, channel = x.x
        let taps = x.taps, tapCount = x.tapCount
        let prefetch = tapCount == 1
        @inline(__always) func step(_ v: Float, _ c: inout Lanes, _ d: inout Lanes, _ w0: Lanes, _ w1: Lanes) {
            let b = Lanes(repeating: v)
            c = c.addingProduct(b, w0)
            d = d.addingProduct(b, w1)
        }
        for _ in 0..<x.channels {
            for t in 0..<tapCount {
                let xp = channel + taps[t]
                if prefetch {
                    Prefetch.weights(wp)
                    Prefetch.weights(wp + second)
                }
                let w0 = UnsafeRawPointer(wp).loadUnaligned(as: Lanes.self)
                let w1 = UnsafeRawPointer(wp + second).loadUnaligned(as: Lanes.self)
                step(xp[0], &c0, &d0, w0, w1)
                step(xp[1], &c1, &d1, w0, w1)
                step(xp[2], &c2, &d2, w0, w1)
                step(xp[3], &c3, &d3, w0, w1)
                step(xp[4], &c4, &d4, w0, w1)
                step(xp[5], &c5, &d5, w0, w1)
                step(xp[6], &c6, &d6, w0, w1)
                if n > 7 { step(xp[7], &c7, &d7, w0, w1) }
                if n > 8 { step(xp[8], &c8, &d8, w0, w1) }
                if n > 9 { step(xp[9], &c9, &d9, w0, w1) }
                if n > 10 { step(xp[10], &c10, &d10, w0, w1) }
                if n > 11 { step(xp[11], &c11, &d11, w0, w1) }
                if n > 12 { step(xp[12], &c12, &d12, w0, w1) }
                wp += lanes
            }
            channel += x.plane
        }
        let zero = Lanes()
        storeTransposed(f, (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, zero, zero, zero),
                        count: n, addend: addend, rows: lanes, y: y, ldy: ldy)
        storeTransposed(f, (d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, d11, d12, zero, zero, zero),
                        count: n, addend: addend.map { $0 + lanes * ldy }, rows: rows, y: y + lanes * ldy, ldy: ldy)
    }
    #endif
}

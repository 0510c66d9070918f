// The channel-lanes tiles' store: L column vectors (lane r = output channel r) transposed in
// registers into L row vectors (lane j = column j), then per output channel one short run of y
// (bias in the sums already; addend and activation applied on the rows).
//
// The transpose is log2(L) rounds of one unzip over the L x L floats taken as one array (vector
// pair (2m, 2m + 1) -> evens to vector m, odds to vector m + L/2): an unzip rotates the flat
// index (j, r) right by one bit, so log2(L) of them swap column and lane bits. Each unzip is one
// two-source permute (vpermt2ps). The scalar store it replaces took 16 lane extractions and
// stores per column, and inserted the addend a lane at a time: a third of a 28-wide stride-2
// 3x3's time at K = 288 (`perf`, AMD EPYC).

extension ChannelLanesTile {
    #if NETDISSECT_ISA_AVX512
    /// L column vectors.
    typealias Square = (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes, Lanes, Lanes,
                        Lanes, Lanes, Lanes, Lanes, Lanes, Lanes, Lanes, Lanes)
    #else
    typealias Square = (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes, Lanes, Lanes)
    #endif

    /// The evens and the odds of a, b taken as one vector of 2L floats.
    @inline(__always)
    static func unzip(_ a: Lanes, _ b: Lanes) -> (Lanes, Lanes) {
        #if NETDISSECT_ISA_AVX512
        return unzip16(a, b)
        #else
        return (Lanes(a[0], a[2], a[4], a[6], b[0], b[2], b[4], b[6]),
                Lanes(a[1], a[3], a[5], a[7], b[1], b[3], b[5], b[7]))
        #endif
    }

    /// One unzip of the whole square.
    @inline(__always)
    static func unzip(_ s: Square) -> Square {
        let (e0, o0) = unzip(s.0, s.1), (e1, o1) = unzip(s.2, s.3)
        let (e2, o2) = unzip(s.4, s.5), (e3, o3) = unzip(s.6, s.7)
        #if NETDISSECT_ISA_AVX512
        let (e4, o4) = unzip(s.8, s.9), (e5, o5) = unzip(s.10, s.11)
        let (e6, o6) = unzip(s.12, s.13), (e7, o7) = unzip(s.14, s.15)
        return (e0, e1, e2, e3, e4, e5, e6, e7, o0, o1, o2, o3, o4, o5, o6, o7)
        #else
        return (e0, e1, e2, e3, o0, o1, o2, o3)
        #endif
    }

    /// t.r[j] = s.j[r].
    @inline(__always)
    static func transpose(_ s: Square) -> Square {
        #if NETDISSECT_ISA_AVX512
        return unzip(unzip(unzip(unzip(s))))
        #else
        return unzip(unzip(unzip(s)))
        #endif
    }

    /// Lanes 0..<n of v from p (n a constant where this is inlined: the loads merge).
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ n: Int) -> Lanes {
        var v = Lanes()
        for j in 0..<n { v[j] = p[j] }
        return v
    }

    /// Lanes 0..<n of v to p.
    @inline(__always)
    static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
        for j in 0..<n { p[j] = v[j] }
    }

    /// Columns 0..<n (at most L) of `columns` to y (rows `ldy` apart, `rows` of them): y[r][j] =
    /// f(columns.j[r] + addend[r][j]).
    @inline(__always)
    static func storeTransposed<F: VectorFunction>(
        _ f: F, _ columns: Square, count n: Int, addend: UnsafePointer<Float>?, rows: Int,
        y: UnsafeMutablePointer<Float>, ldy: Int
    ) {
        var t = transpose(columns)
        withUnsafeBytes(of: &t) { square in
            for r in 0..<rows {
                var v = square.load(fromByteOffset: r * MemoryLayout<Lanes>.stride, as: Lanes.self)
                if let addend { v += load(addend + r * ldy, n) }
                store(apply(f, v), y + r * ldy, n)
            }
        }
    }
}

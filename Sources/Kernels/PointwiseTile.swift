// y (rows <= 6, columns) = f(bias + residual + w (rows, K) * x (K, columns)): the register tiles
// of the pointwise and tiled-columns convolutions, w one packed panel of `PointwiseWeights`
// ([k][6]) and x one packed tile of `PointwiseTiles` ([k][width]).
//
//   sixteen  6 x 16: per k, 2 loads of x, 6 broadcasts of w, 12 FMAs (the workhorse); with
//            AVX-512 one 16-lane register per row: 1 load, 6 broadcasts, 6 FMAs (the 8-lane
//            version compiled for AVX-512 put its broadcasts in registers 16-31, and ran 10-25 %
//            slower than the AVX2 build on an AMD EPYC with AVX-512; this one is level or ahead);
//   sixteenPlus  6 x (17 to 20), AVX-512 only: a full tile and the map's last 1 to 4 columns in
//            one pass over k (the 16 as in `sixteen`, the others as in `narrow`); a 7x7 map is
//            16 + 16 + 17 columns, a 14x14 map twelve tiles and one of 20. As a tile of its own
//            (`narrow`), the 49th column of a 960 -> 320 7x7 convolution took 9 % of its time;
//            joined, the layer ran 0.315 -> 0.274 ms (onnxruntime 0.285) on one AMD EPYC core;
//   thirtyTwo  6 x 32, AVX-512 only: two adjacent full tiles in one pass over k, each
//            broadcast of w feeding two FMAs (per k 2 loads of x, 6 broadcasts, 12 FMAs). Where a
//            core issues two 512-bit FMAs a cycle (AMD Zen 5) the 6 x 16 tile's 6 broadcasts per 6
//            FMAs hold it at 70-79 % of the FMA ceiling with everything in L1; this one reaches
//            98-103 % (benchmarks/README.md, "Pairs of tiles"). Where a 512-bit FMA takes two
//            halves (Zen 4) the two ran level;
//   eight    6 x 8: a last tile of 5 to 8 columns;
//   narrow   6 x (1 to 4): a last tile of 1 to 4 columns (packed that wide), the rows in the
//            lanes instead: per k one 8-float load of the panel (its 6 rows and 2 of the next k,
//            ignored) and one broadcast of x per column. A 7x7 map is 49 = 3 * 16 + 1 columns:
//            in an 8-wide tile its last column cost 6 broadcasts and 6 FMAs per k and a 32-byte
//            row of x from L2 (a visible share of ResNet's 512x7x7 3x3: benchmarks/README.md,
//            "Pointwise tiles"), here one of each and 4 bytes.
//
// The 16-column kernels hint the panel's line 2 KiB ahead at every k (`Prefetch.weights`): in a
// network a late layer's weights come from memory at every image; and the next tile's line of
// the same row of x (`Prefetch.nextTile`), for x read in place; before their pass over k, the
// lines of y they will store and of the residual they will add (`Prefetch.output`).
//
// Every tile leaves finished: bias, residual and activation are applied before the one store.
// The kernels are never inlined, so each is register-allocated on its own (inlined into the
// loops around them, LLVM spills the twelve accumulators), and generic so each activation gets
// its own copy.

/// The register tiles (see the top of the file).
import KernelSupport

enum PointwiseTile {
    /// Output channels per tile (panel height).
    static let rows = 6
    /// Columns per full tile.
    static let columns = 16
    /// Columns left up to which a block's last tile is exactly that wide and runs on `narrow`.
    static let narrowColumns = 4
    /// Floats a panel's loads may read past its last k (`narrow` loads 8 floats of a 6-float k):
    /// packed weights end with this many zeros.
    static let overread = 2

    /// One tile of `width` columns: 16, 8, or 1 to 4 (`narrow`), and with AVX-512 17 to 20
    /// (`sixteenPlus`) and 32 (`thirtyTwo`); x packed `width` floats per k, or, for the widths
    /// that can read it in place (`readsInPlace(width:)`), rows `ldx` apart. A tile of 32 is two
    /// of 16 whose x may lie apart: the second's `second` floats after the first's (16 for x in
    /// place or packed 32 wide; 16 K for two tiles packed one after the other).
    @inline(__always)
    static func run<F: VectorFunction>(
        _ f: F, width: Int, w: UnsafePointer<Float>, x: UnsafePointer<Float>, ldx: Int? = nil, second: Int = columns,
        k: Int, bias: UnsafePointer<Float>, rows: Int, residual: UnsafePointer<Float>?,
        y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool = false
    ) {
        precondition(ldx == nil || readsInPlace(width: width), "PointwiseTile: a tile of \(width) reads x packed")
        precondition(!accumulate || readsInPlace(width: width), "PointwiseTile: a tile of \(width) cannot accumulate")
        let ldx = ldx ?? width
        switch width {
        case 16: sixteen(f, w: w, x: x, ldx: ldx, k: k, bias: bias, rows: rows, residual: residual, y: y, ldy: ldy,
                         accumulate: accumulate)
        #if NETDISSECT_ISA_AVX512
        case 32: thirtyTwo(f, w: w, x: x, second: second, ldx: ldx, k: k, bias: bias, rows: rows, residual: residual,
                           y: y, ldy: ldy, accumulate: accumulate)
        case 17: sixteenPlus(f, One.self, w: w, x: x, ldx: ldx, k: k, bias: bias, rows: rows, residual: residual, y: y, ldy: ldy,
                             accumulate: accumulate)
        case 18: sixteenPlus(f, Two.self, w: w, x: x, ldx: ldx, k: k, bias: bias, rows: rows, residual: residual, y: y, ldy: ldy,
                             accumulate: accumulate)
        case 19: sixteenPlus(f, Three.self, w: w, x: x, ldx: ldx, k: k, bias: bias, rows: rows, residual: residual, y: y, ldy: ldy,
                             accumulate: accumulate)
        case 20: sixteenPlus(f, Four.self, w: w, x: x, ldx: ldx, k: k, bias: bias, rows: rows, residual: residual, y: y, ldy: ldy,
                             accumulate: accumulate)
        #endif
        case 8: eight(f, w: w, x: x, ldx: ldx, k: k, bias: bias, rows: rows, residual: residual, y: y, ldy: ldy)
        case 1: narrow(f, One.self, w: w, x: x, k: k, bias: bias, rows: rows, residual: residual, y: y, ldy: ldy)
        case 2: narrow(f, Two.self, w: w, x: x, k: k, bias: bias, rows: rows, residual: residual, y: y, ldy: ldy)
        case 3: narrow(f, Three.self, w: w, x: x, k: k, bias: bias, rows: rows, residual: residual, y: y, ldy: ldy)
        default:
            precondition(width == 4, "PointwiseTile: no kernel for width \(width)")
            narrow(f, Four.self, w: w, x: x, k: k, bias: bias, rows: rows, residual: residual, y: y, ldy: ldy)
        }
    }

    /// Whether a tile of `width` columns can read x in place (rows `ldx` apart): 16, and with
    /// AVX-512 17 to 20 and 32.
    static func readsInPlace(width: Int) -> Bool {
        #if NETDISSECT_ISA_AVX512
        return width >= columns && width <= columns + narrowColumns || width == 2 * columns
        #else
        return width == columns
        #endif
    }

    /// Whether two adjacent full tiles run as one (`thirtyTwo`): with AVX-512.
    @inline(__always)
    static var pairs: Bool {
        #if NETDISSECT_ISA_AVX512
        true
        #else
        false
        #endif
    }

    #if NETDISSECT_ISA_AVX512
    /// `sixteen` on 512-bit registers: one row of the tile is one register (per k, 1 load of x,
    /// 6 broadcasts, 6 FMAs of sixteen lanes): `sixteenPlus` with no columns after the sixteen.
    @inline(__always)
    static func sixteen<F: VectorFunction>(
        _ f: F, w: UnsafePointer<Float>, x: UnsafePointer<Float>, ldx: Int, k: Int,
        bias: UnsafePointer<Float>, rows: Int, residual: UnsafePointer<Float>?,
        y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool
    ) {
        sixteenPlus(f, Zero.self, w: w, x: x, ldx: ldx, k: k, bias: bias, rows: rows, residual: residual, y: y, ldy: ldy,
                    accumulate: accumulate)
    }

    /// A tile of 16 + `C.columns` (0 to 4) columns on 512-bit registers, x rows `ldx` apart: the
    /// sixteen one register per row, the others as in `narrow` (rows in the lanes of one 8-float
    /// load of the panel, one broadcast of x per column), in the same pass over k, so the last 1
    /// to 4 columns of a map cost one FMA per k each instead of a tile of their own. With
    /// `accumulate`, the sums start from y's (a previous run over other k) instead of the bias.
    @inline(never)
    static func sixteenPlus<F: VectorFunction, C: ColumnCount>(
        _ f: F, _: C.Type, w: UnsafePointer<Float>, x: UnsafePointer<Float>, ldx: Int, k: Int,
        bias: UnsafePointer<Float>, rows: Int, residual: UnsafePointer<Float>?,
        y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool
    ) {
        typealias Vec16 = SIMD16<Float>
        let n = C.columns
        var a0 = Vec16(), a1 = Vec16(), a2 = Vec16(), a3 = Vec16(), a4 = Vec16(), a5 = Vec16()
        // c<j>: column 16 + j, output rows in the lanes.
        var c0 = Vec8(), c1 = Vec8(), c2 = Vec8(), c3 = Vec8()
        if accumulate {
            @inline(__always) func row(_ r: Int) -> Vec16 {
                rows > r ? UnsafeRawPointer(y + r * ldy).loadUnaligned(as: Vec16.self) : Vec16()
            }
            a0 = row(0); a1 = row(1); a2 = row(2); a3 = row(3); a4 = row(4); a5 = row(5)
            for r in 0..<(n > 0 ? rows : 0) {
                c0[r] = y[r * ldy + 16]
                if n > 1 { c1[r] = y[r * ldy + 17] }
                if n > 2 { c2[r] = y[r * ldy + 18] }
                if n > 3 { c3[r] = y[r * ldy + 19] }
            }
        } else {
            a0 = Vec16(repeating: bias[0])
            a1 = Vec16(repeating: rows > 1 ? bias[1] : 0)
            a2 = Vec16(repeating: rows > 2 ? bias[2] : 0)
            a3 = Vec16(repeating: rows > 3 ? bias[3] : 0)
            a4 = Vec16(repeating: rows > 4 ? bias[4] : 0)
            a5 = Vec16(repeating: rows > 5 ? bias[5] : 0)
            var b = Vec8()
            if n > 0 { for r in 0..<rows { b[r] = bias[r] } }
            c0 = b; c1 = b; c2 = b; c3 = b
        }
        if !accumulate { hintOutput(rows: rows, residual: residual, y: y, ldy: ldy) }
        var wp = w, xp = x
        for _ in 0..<k {
            Prefetch.weights(wp)
            Prefetch.nextTile(xp)
            let x0 = UnsafeRawPointer(xp).loadUnaligned(as: Vec16.self)
            a0 = a0.addingProduct(Vec16(repeating: wp[0]), x0)
            a1 = a1.addingProduct(Vec16(repeating: wp[1]), x0)
            a2 = a2.addingProduct(Vec16(repeating: wp[2]), x0)
            a3 = a3.addingProduct(Vec16(repeating: wp[3]), x0)
            a4 = a4.addingProduct(Vec16(repeating: wp[4]), x0)
            a5 = a5.addingProduct(Vec16(repeating: wp[5]), x0)
            if n > 0 {
                let wv = wp.vec8(0)
                c0 = VectorMath.fma(c0, wv, Vec8(repeating: xp[16]))
                if n > 1 { c1 = VectorMath.fma(c1, wv, Vec8(repeating: xp[17])) }
                if n > 2 { c2 = VectorMath.fma(c2, wv, Vec8(repeating: xp[18])) }
                if n > 3 { c3 = VectorMath.fma(c3, wv, Vec8(repeating: xp[19])) }
            }
            wp += 6
            xp += ldx
        }
        @inline(__always) func store(_ r: Int, _ v: Vec16) {
            storeRow(f, v.lowHalf, v.highHalf, residual: residual.map { $0 + r * ldy }, y: y + r * ldy)
        }
        store(0, a0)
        if rows > 1 { store(1, a1) }
        if rows > 2 { store(2, a2) }
        if rows > 3 { store(3, a3) }
        if rows > 4 { store(4, a4) }
        if rows > 5 { store(5, a5) }
        @inline(__always) func column(_ j: Int, _ sums: Vec8) {
            var v = sums
            if let residual {
                for r in 0..<rows { v[r] += residual[r * ldy + 16 + j] }
            }
            v = f(v)
            for r in 0..<rows { y[r * ldy + 16 + j] = v[r] }
        }
        if n > 0 { column(0, c0) }
        if n > 1 { column(1, c1) }
        if n > 2 { column(2, c2) }
        if n > 3 { column(3, c3) }
    }

    /// Two 16-column tiles in one pass over k on 512-bit registers: a<r> the first's row r, b<r>
    /// the second's, whose x lies `second` floats after the first's (rows of both `ldx` apart);
    /// its y and residual 16 columns after the first's. With `accumulate`, the sums start from
    /// y's instead of the bias.
    @inline(never)
    static func thirtyTwo<F: VectorFunction>(
        _ f: F, w: UnsafePointer<Float>, x: UnsafePointer<Float>, second: Int, ldx: Int, k: Int,
        bias: UnsafePointer<Float>, rows: Int, residual: UnsafePointer<Float>?,
        y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool
    ) {
        typealias Vec16 = SIMD16<Float>
        @inline(__always) func start(_ r: Int, _ half: Int) -> Vec16 {
            guard rows > r else { return Vec16() }
            return accumulate ? UnsafeRawPointer(y + r * ldy + 16 * half).loadUnaligned(as: Vec16.self)
                : Vec16(repeating: bias[r])
        }
        var a0 = start(0, 0), b0 = start(0, 1)
        var a1 = start(1, 0), b1 = start(1, 1)
        var a2 = start(2, 0), b2 = start(2, 1)
        var a3 = start(3, 0), b3 = start(3, 1)
        var a4 = start(4, 0), b4 = start(4, 1)
        var a5 = start(5, 0), b5 = start(5, 1)
        if !accumulate {
            hintOutput(rows: rows, residual: residual, y: y, ldy: ldy)
            hintOutput(rows: rows, residual: residual.map { $0 + columns }, y: y + columns, ldy: ldy)
        }
        var wp = w, xp = x
        for _ in 0..<k {
            Prefetch.weights(wp)
            Prefetch.nextTile(xp + second)
            let x0 = UnsafeRawPointer(xp).loadUnaligned(as: Vec16.self)
            let x1 = UnsafeRawPointer(xp + second).loadUnaligned(as: Vec16.self)
            var v = Vec16(repeating: wp[0])
            a0 = a0.addingProduct(v, x0); b0 = b0.addingProduct(v, x1)
            v = Vec16(repeating: wp[1])
            a1 = a1.addingProduct(v, x0); b1 = b1.addingProduct(v, x1)
            v = Vec16(repeating: wp[2])
            a2 = a2.addingProduct(v, x0); b2 = b2.addingProduct(v, x1)
            v = Vec16(repeating: wp[3])
            a3 = a3.addingProduct(v, x0); b3 = b3.addingProduct(v, x1)
            v = Vec16(repeating: wp[4])
            a4 = a4.addingProduct(v, x0); b4 = b4.addingProduct(v, x1)
            v = Vec16(repeating: wp[5])
            a5 = a5.addingProduct(v, x0); b5 = b5.addingProduct(v, x1)
            wp += 6
            xp += ldx
        }
        @inline(__always) func store(_ r: Int, _ a: Vec16, _ b: Vec16) {
            let rr = residual.map { $0 + r * ldy }, yr = y + r * ldy
            storeRow(f, a.lowHalf, a.highHalf, residual: rr, y: yr)
            storeRow(f, b.lowHalf, b.highHalf, residual: rr.map { $0 + columns }, y: yr + columns)
        }
        store(0, a0, b0)
        if rows > 1 { store(1, a1, b1) }
        if rows > 2 { store(2, a2, b2) }
        if rows > 3 { store(3, a3, b3) }
        if rows > 4 { store(4, a4, b4) }
        if rows > 5 { store(5, a5, b5) }
    }
    #else
    /// With `accumulate`, the sums start from y's (a previous run over other k) instead of the bias.
    @inline(never)
    static func sixteen<F: VectorFunction>(
        _ f: F, w: UnsafePointer<Float>, x: UnsafePointer<Float>, ldx: Int, k: Int,
        bias: UnsafePointer<Float>, rows: Int, residual: UnsafePointer<Float>?,
        y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool
    ) {
        // acc[r] = (columns 0..<8, 8..<16) of output row r.
        @inline(__always) func start(_ r: Int, _ half: Int) -> Vec8 {
            guard rows > r else { return Vec8() }
            return accumulate ? y.vec8(r * ldy + 8 * half) : Vec8(repeating: bias[r])
        }
        var a00 = start(0, 0), a01 = start(0, 1)
        var a10 = start(1, 0), a11 = start(1, 1)
        var a20 = start(2, 0), a21 = start(2, 1)
        var a30 = start(3, 0), a31 = start(3, 1)
        var a40 = start(4, 0), a41 = start(4, 1)
        var a50 = start(5, 0), a51 = start(5, 1)
        if !accumulate { hintOutput(rows: rows, residual: residual, y: y, ldy: ldy) }
        var wp = w, xp = x
        for _ in 0..<k {
            Prefetch.weights(wp)
            Prefetch.nextTile(xp)
            let x0 = xp.vec8(0), x1 = xp.vec8(8)
            var b = Vec8(repeating: wp[0])
            a00 = VectorMath.fma(a00, b, x0); a01 = VectorMath.fma(a01, b, x1)
            b = Vec8(repeating: wp[1])
            a10 = VectorMath.fma(a10, b, x0); a11 = VectorMath.fma(a11, b, x1)
            b = Vec8(repeating: wp[2])
            a20 = VectorMath.fma(a20, b, x0); a21 = VectorMath.fma(a21, b, x1)
            b = Vec8(repeating: wp[3])
            a30 = VectorMath.fma(a30, b, x0); a31 = VectorMath.fma(a31, b, x1)
            b = Vec8(repeating: wp[4])
            a40 = VectorMath.fma(a40, b, x0); a41 = VectorMath.fma(a41, b, x1)
            b = Vec8(repeating: wp[5])
            a50 = VectorMath.fma(a50, b, x0); a51 = VectorMath.fma(a51, b, x1)
            wp += 6
            xp += ldx
        }
        @inline(__always) func store(_ r: Int, _ lo: Vec8, _ hi: Vec8) {
            storeRow(f, lo, hi, residual: residual.map { $0 + r * ldy }, y: y + r * ldy)
        }
        store(0, a00, a01)
        if rows > 1 { store(1, a10, a11) }
        if rows > 2 { store(2, a20, a21) }
        if rows > 3 { store(3, a30, a31) }
        if rows > 4 { store(4, a40, a41) }
        if rows > 5 { store(5, a50, a51) }
    }
    #endif

    /// Hints the first line of each of a 16-column tile's rows of y and of the residual, before
    /// its pass over k (`Prefetch.output`).
    @inline(__always)
    static func hintOutput(rows: Int, residual: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>, ldy: Int) {
        for r in 0..<rows {
            Prefetch.output(UnsafePointer(y + r * ldy))
            if let residual { Prefetch.output(residual + r * ldy) }
        }
    }

    @inline(never)
    static func eight<F: VectorFunction>(
        _ f: F, w: UnsafePointer<Float>, x: UnsafePointer<Float>, ldx: Int, k: Int,
        bias: UnsafePointer<Float>, rows: Int, residual: UnsafePointer<Float>?,
        y: UnsafeMutablePointer<Float>, ldy: Int
    ) {
        var a0 = Vec8(repeating: bias[0])
        var a1 = Vec8(repeating: rows > 1 ? bias[1] : 0)
        var a2 = Vec8(repeating: rows > 2 ? bias[2] : 0)
        var a3 = Vec8(repeating: rows > 3 ? bias[3] : 0)
        var a4 = Vec8(repeating: rows > 4 ? bias[4] : 0)
        var a5 = Vec8(repeating: rows > 5 ? bias[5] : 0)
        var wp = w, xp = x
        for _ in 0..<k {
            let x0 = xp.vec8(0)
            a0 = VectorMath.fma(a0, Vec8(repeating: wp[0]), x0)
            a1 = VectorMath.fma(a1, Vec8(repeating: wp[1]), x0)
            a2 = VectorMath.fma(a2, Vec8(repeating: wp[2]), x0)
            a3 = VectorMath.fma(a3, Vec8(repeating: wp[3]), x0)
            a4 = VectorMath.fma(a4, Vec8(repeating: wp[4]), x0)
            a5 = VectorMath.fma(a5, Vec8(repeating: wp[5]), x0)
            wp += 6
            xp += ldx
        }
        @inline(__always) func store(_ r: Int, _ v: Vec8) {
            var v = v
            if let residual { v += residual.vec8(r * ldy) }
            (y + r * ldy).store(f(v), at: 0)
        }
        store(0, a0)
        if rows > 1 { store(1, a1) }
        if rows > 2 { store(2, a2) }
        if rows > 3 { store(3, a3) }
        if rows > 4 { store(4, a4) }
        if rows > 5 { store(5, a5) }
    }

    /// One finished row of a 16-column tile: y[0..<16] = f(sums + residual), the sums as two halves.
    @inline(__always)
    static func storeRow<F: VectorFunction>(_ f: F, _ lo: Vec8, _ hi: Vec8, residual: UnsafePointer<Float>?,
                                            y: UnsafeMutablePointer<Float>) {
        var lo = lo, hi = hi
        if let residual {
            lo += residual.vec8()
            hi += residual.vec8(8)
        }
        y.store(f(lo), at: 0)
        y.store(f(hi), at: 8)
    }

    /// A tile of `C.columns` (1 to 4) columns, rows in the lanes. One column keeps four chains of
    /// partial sums over k (one chain would wait on each FMA's latency), more columns two.
    @inline(never)
    static func narrow<F: VectorFunction, C: ColumnCount>(
        _ f: F, _: C.Type, w: UnsafePointer<Float>, x: UnsafePointer<Float>, k: Int,
        bias: UnsafePointer<Float>, rows: Int, residual: UnsafePointer<Float>?,
        y: UnsafeMutablePointer<Float>, ldy: Int
    ) {
        let n = C.columns
        var b = Vec8()
        for r in 0..<rows { b[r] = bias[r] }
        @inline(__always) func store(_ j: Int, _ sums: Vec8) {
            var v = sums
            if let residual {
                for r in 0..<rows { v[r] += residual[r * ldy + j] }
            }
            v = f(v)
            for r in 0..<rows { y[r * ldy + j] = v[r] }
        }
        var wp = w, xp = x, i = 0
        if n == 1 {
            var c0 = b, c1 = Vec8(), c2 = Vec8(), c3 = Vec8()
            while i + 4 <= k {
                c0 = VectorMath.fma(c0, wp.vec8(0), Vec8(repeating: xp[0]))
                c1 = VectorMath.fma(c1, wp.vec8(6), Vec8(repeating: xp[1]))
                c2 = VectorMath.fma(c2, wp.vec8(12), Vec8(repeating: xp[2]))
                c3 = VectorMath.fma(c3, wp.vec8(18), Vec8(repeating: xp[3]))
                wp += 24; xp += 4; i += 4
            }
            while i < k {
                c0 = VectorMath.fma(c0, wp.vec8(0), Vec8(repeating: xp[0]))
                wp += 6; xp += 1; i += 1
            }
            store(0, (c0 + c1) + (c2 + c3))
            return
        }
        // a<column> and b<column>: the chains of even and odd k.
        var a0 = b, a1 = b, a2 = b, a3 = b
        var b0 = Vec8(), b1 = Vec8(), b2 = Vec8(), b3 = Vec8()
        @inline(__always) func step(_ w: Vec8, _ x: UnsafePointer<Float>,
                                    _ c0: inout Vec8, _ c1: inout Vec8, _ c2: inout Vec8, _ c3: inout Vec8) {
            c0 = VectorMath.fma(c0, w, Vec8(repeating: x[0]))
            c1 = VectorMath.fma(c1, w, Vec8(repeating: x[1]))
            if n > 2 { c2 = VectorMath.fma(c2, w, Vec8(repeating: x[2])) }
            if n > 3 { c3 = VectorMath.fma(c3, w, Vec8(repeating: x[3])) }
        }
        while i + 2 <= k {
            step(wp.vec8(0), xp, &a0, &a1, &a2, &a3)
            step(wp.vec8(6), xp + n, &b0, &b1, &b2, &b3)
            wp += 12; xp += 2 * n; i += 2
        }
        if i < k { step(wp.vec8(0), xp, &a0, &a1, &a2, &a3) }
        store(0, a0 + b0)
        store(1, a1 + b1)
        if n > 2 { store(2, a2 + b2) }
        if n > 3 { store(3, a3 + b3) }
    }
}

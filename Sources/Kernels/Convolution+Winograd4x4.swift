// x (N, C, H, W), w (OC, C, 3, 3) -> y (N, OC, OH, OW), stride 1, no dilation, one group:
// Winograd's F(4x4, 3x3) (Lavin and Gray, 2016), the transforms of the larger tile; the plan,
// the products and the driver are F(2x2, 3x3)'s (Convolution+Winograd.swift), with 36 positions
// instead of 16.
//
// Each 4x4 block of output is computed from a 6x6 block of input d as
//     y = A^T [ (G g G^T) (.) (B^T d B) ] A,
// 36 multiply-adds per output tile and channel pair, 2.25 per output where F(2x2, 3x3) takes 4
// and direct convolution 9 (1.78 and 4 times fewer). The price: U = G g G^T is 36/9 = 4 times the
// weights (a small map of one image, whose few tiles cannot amortise streaming them, stays on the
// column matrix), the transforms have coefficients up to 8 (partial sums lose a few more bits:
// the tests bound the error by the transforms on absolute values), and the 4x4 tiles of a map
// whose size is not a multiple of 4 compute outputs past its edge.
//
// Input tiles start every 4 columns, so the zero-padded plane is split by column modulo 4: input
// (r, c) of tile j is phase c mod 4, column j + c / 4, and eight neighbouring tiles read one
// vector per input. Both transforms go in two passes of six 6-point transforms (columns into a
// 36-vector buffer, then rows), all additions and multiplications by small constants.
//
//   B^T = [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
//          [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]]
//   G   = [[1/4, 0, 0], [-1/6, -1/6, -1/6], [-1/6, 1/6, -1/6],
//          [1/24, 1/12, 1/6], [1/24, -1/12, 1/6], [0, 0, 1]]
//   A^T = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]]

/// The F(4x4, 3x3) transforms.
import KernelSupport

extension Winograd {
    /// G of F(4x4, 3x3), 6x3.
    static let g4: [[Double]] = [[1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
                                 [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1]]

    /// Six vectors: one per point of a 6-point transform.
    typealias Six = (Vec8, Vec8, Vec8, Vec8, Vec8, Vec8)

    /// B^T d for one column (or row) d of six inputs.
    @inline(__always)
    static func inputPoints(_ d: Six) -> Six {
        let four = Vec8(repeating: 4), minusFour = Vec8(repeating: -4), minusFive = Vec8(repeating: -5)
        let two = Vec8(repeating: 2), minusTwo = Vec8(repeating: -2)
        let d42 = d.4 - d.2, d31 = d.3 - d.1
        return (VectorMath.fma(VectorMath.fma(d.4, minusFive, d.2), four, d.0),  // 4 d0 - 5 d2 + d4
                VectorMath.fma(d.3 + d.4, minusFour, d.1 + d.2),                 // (d3 + d4) - 4 (d1 + d2)
                VectorMath.fma(d.4 - d.3, four, d.1 - d.2),                      // (d4 - d3) + 4 (d1 - d2)
                VectorMath.fma(d42, two, d31),                                   // (d4 - d2) + 2 (d3 - d1)
                VectorMath.fma(d42, minusTwo, d31),                              // (d4 - d2) - 2 (d3 - d1)
                VectorMath.fma(VectorMath.fma(d.5, minusFive, d.3), four, d.1))  // 4 d1 - 5 d3 + d5
    }

    /// A^T m for one column (or row) m of six products: four outputs.
    @inline(__always)
    static func outputPoints(_ m: Six) -> (Vec8, Vec8, Vec8, Vec8) {
        let sum12 = m.1 + m.2, diff12 = m.1 - m.2, sum34 = m.3 + m.4, diff34 = m.3 - m.4
        return (m.0 + sum12 + sum34,
                VectorMath.fma(diff12, Vec8(repeating: 2), diff34),
                VectorMath.fma(sum12, Vec8(repeating: 4), sum34),
                VectorMath.fma(diff12 + m.5, Vec8(repeating: 8), diff34))
    }

    /// B^T d B for eight tiles at once: input (r, c) of the eight tiles is the vector `lanes`
    /// loads at `d + r * row + (c % 4) * phase + c / 4`. V_xi (xi = 6 p + q) goes to
    /// `v + xi * stride`, `count` lanes; `buffer` holds 36 vectors.
    @inline(__always)
    static func inputTransform6<L: TileLanes>(_ d: UnsafePointer<Float>, row: Int, phase: Int, lanes: L,
                                              buffer: UnsafeMutablePointer<Float>,
                                              into v: UnsafeMutablePointer<Float>, stride: Int, count: Int) {
        // Columns: t[p][c] = (B^T d)[p][c].
        for c in 0..<6 {
            let at = d + (c % 4) * phase + c / 4
            let t = inputPoints((lanes.load(at), lanes.load(at + row), lanes.load(at + 2 * row),
                                 lanes.load(at + 3 * row), lanes.load(at + 4 * row), lanes.load(at + 5 * row)))
            let out = buffer + 8 * c
            out.store(t.0, at: 0); out.store(t.1, at: 48); out.store(t.2, at: 96)
            out.store(t.3, at: 144); out.store(t.4, at: 192); out.store(t.5, at: 240)
        }
        // Rows: V[p][q] = (t B)[p][q].
        for p in 0..<6 {
            let r = UnsafePointer(buffer + 48 * p)
            let s = inputPoints((r.vec8(0), r.vec8(8), r.vec8(16), r.vec8(24), r.vec8(32), r.vec8(40)))
            let out = v + 6 * p * stride
            store(s.0, out, count); store(s.1, out + stride, count); store(s.2, out + 2 * stride, count)
            store(s.3, out + 3 * stride, count); store(s.4, out + 4 * stride, count); store(s.5, out + 5 * stride, count)
        }
    }
}

extension Convolution {
    /// One channel's input x (H, W) -> V (36, ., tiles) for the tile rows `tileRows`: V_xi at
    /// `v + xi * stride`, one tile per column. `buffer` holds 36 vectors.
    func winogradInput4(_ x: UnsafePointer<Float>, plane: UnsafeMutablePointer<Float>, tileRows: Range<Int>,
                        plan: WinogradPlan, into v: UnsafeMutablePointer<Float>, stride: Int,
                        buffer: UnsafeMutablePointer<Float>) {
        let columns = plan.tileColumns, phaseWidth = columns + 1
        // The plane split by column modulo 4: input (r, c) of tile j in tile row t is phase c % 4,
        // row 4t + r, column j + c / 4.
        let rows = winogradPlane(x, tileRows: tileRows, plan: plan, into: plane)
        TileGroup.forEach(tileRows: tileRows, columns: columns) { group in
            let top = UnsafePointer(plane) + 4 * group.t * phaseWidth + group.j
            let into = v + group.t * columns + group.j
            if columns == 4 {
                Winograd.inputTransform6(top, row: phaseWidth, phase: rows * phaseWidth,
                                         lanes: TwoTileRows(next: group.pair ? 4 * phaseWidth : 0), buffer: buffer,
                                         into: into, stride: stride, count: group.n)
            } else {
                Winograd.inputTransform6(top, row: phaseWidth, phase: rows * phaseWidth, lanes: OneTileRow(),
                                         buffer: buffer, into: into, stride: stride, count: group.n)
            }
        }
    }

    /// One output channel: M (36, ., tiles) -> y = f(A^T m A + bias + residual) for the tile rows
    /// `tileRows` of image `image`. `buffer` holds 36 vectors.
    func winogradOutput4<F: VectorFunction>(
        _ f: F, _ m: UnsafeMutablePointer<Float>, stride: Int, a: Arguments, image: Int,
        channel: Int, tileRows: Range<Int>, plan: WinogradPlan, buffer: UnsafeMutablePointer<Float>
    ) {
        let g = shape
        let oh = g.outputHeight, ow = g.outputWidth, columns = plan.tileColumns
        let plane = image * g.outputCount + channel * oh * ow
        let bias = Vec8(repeating: a.bias[channel])
        TileGroup.forEach(tileRows: tileRows, columns: columns) { group in
            let src = UnsafePointer(m) + group.t * columns, tileRow = group.tileRow, j = group.j, n = group.n
            // Columns: s[r][q] = (A^T m)[r][q], rows 0..<4 of the buffer.
            for q in 0..<6 {
                @inline(__always) func load(_ p: Int) -> Vec8 { (src + (6 * p + q) * stride + j).vec8() }
                let s = Winograd.outputPoints((load(0), load(1), load(2), load(3), load(4), load(5)))
                let out = buffer + 8 * q
                out.store(s.0, at: 0); out.store(s.1, at: 48); out.store(s.2, at: 96); out.store(s.3, at: 144)
            }
            if group.pair {
                winogradPairRows4(f, buffer: buffer, bias: bias, a: a, plane: plane, tileRow: tileRow)
                return
            }
            let width = min(4 * n, ow - 4 * j)
            for r in 0..<4 where 4 * tileRow + r < oh {
                // Row r of the eight tiles: (s A)[r][0..<4], plus the bias.
                let b = UnsafePointer(buffer + 48 * r)
                let y = Winograd.outputPoints((b.vec8(0), b.vec8(8), b.vec8(16), b.vec8(24), b.vec8(32), b.vec8(40)))
                let c0 = y.0 + bias, c1 = y.1 + bias, c2 = y.2 + bias, c3 = y.3 + bias
                // Interleave the row's four columns of each tile: 4n values from column 4j.
                var out = (Vec8(c0[0], c1[0], c2[0], c3[0], c0[1], c1[1], c2[1], c3[1]),
                           Vec8(c0[2], c1[2], c2[2], c3[2], c0[3], c1[3], c2[3], c3[3]),
                           Vec8(c0[4], c1[4], c2[4], c3[4], c0[5], c1[5], c2[5], c3[5]),
                           Vec8(c0[6], c1[6], c2[6], c3[6], c0[7], c1[7], c2[7], c3[7]))
                let at = plane + (4 * tileRow + r) * ow + 4 * j
                let yp = a.y + at
                if width == 32 {
                    if let residual = a.residual {
                        out.0 += (residual + at).vec8(); out.1 += (residual + at).vec8(8)
                        out.2 += (residual + at).vec8(16); out.3 += (residual + at).vec8(24)
                    }
                    yp.store(f(out.0)); yp.store(f(out.1), at: 8); yp.store(f(out.2), at: 16); yp.store(f(out.3), at: 24)
                } else {
                    // The row's end: through the buffer's spare rows, the copy cut to width.
                    let spare = buffer + 192
                    if let residual = a.residual {
                        Runs.copy(residual + at, spare, width)
                        out.0 += spare.vec8(); out.1 += spare.vec8(8); out.2 += spare.vec8(16); out.3 += spare.vec8(24)
                    }
                    spare.store(f(out.0)); spare.store(f(out.1), at: 8)
                    spare.store(f(out.2), at: 16); spare.store(f(out.3), at: 24)
                    Runs.copy(spare, yp, width)
                }
            }
        }
    }
}

extension Convolution {
    /// The output rows of a pair of tile rows of a map four tiles wide (`TileGroup.pair`): lanes
    /// 0 to 3 of the column sums in `buffer` are tile row `tileRow`, lanes 4 to 7 the next; each
    /// row of y gets 16 values, cut to the map's width. `plane`: the output channel's first float.
    @inline(__always)
    func winogradPairRows4<F: VectorFunction>(_ f: F, buffer: UnsafeMutablePointer<Float>, bias: Vec8,
                                             a: Arguments, plane: Int, tileRow: Int) {
        let oh = shape.outputHeight, ow = shape.outputWidth, width = min(16, ow)
        let spare = buffer + 192
        for r in 0..<4 {
            let b = UnsafePointer(buffer + 48 * r)
            let y = Winograd.outputPoints((b.vec8(0), b.vec8(8), b.vec8(16), b.vec8(24), b.vec8(32), b.vec8(40)))
            let c0 = y.0 + bias, c1 = y.1 + bias, c2 = y.2 + bias, c3 = y.3 + bias
            for s in 0..<2 where 4 * (tileRow + s) + r < oh {
                // Tiles 4s ..< 4s + 4: their four columns each, interleaved.
                let l = 4 * s
                let lo = Vec8(c0[l], c1[l], c2[l], c3[l], c0[l + 1], c1[l + 1], c2[l + 1], c3[l + 1])
                let hi = Vec8(c0[l + 2], c1[l + 2], c2[l + 2], c3[l + 2], c0[l + 3], c1[l + 3], c2[l + 3], c3[l + 3])
                let at = plane + (4 * (tileRow + s) + r) * ow
                Winograd.storeRow(f, lo, hi, y: a.y + at, residual: a.residual.map { $0 + at }, width: width,
                                  spare: spare)
            }
        }
    }
}

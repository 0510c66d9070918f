// x (N, C, H, W), w (OC, C, KH, KW) -> y (N, OC, OH, OW), stride 1, no dilation, one group:
// Winograd's minimal filtering F(m, r) along one axis of the kernel (r = 3, 5 or 7 taps), direct
// convolution along the other. For Inception-v3's 1x7, 7x1 (and 1x3, 3x1) and its 5x5 branches,
// GoogLeNet's and AlexNet's 5x5 (Lavin and Gray, 2016; the Toom-Cook construction).
//
// Along the axis, each run of m outputs ("tile") is computed from n = m + r - 1 inputs d as
//     y = A^T [ (G g) (.) (B^T d) ]
// so across channels there are n independent matrix products, one per transformed point xi:
//     M_xi (OC, tiles) = U_xi (OC, C * s) * V_xi (C * s, tiles)
// where s is the kernel's length across the axis: the reduction runs over (channel, cross tap).
// n multiply-adds per tile, channel and cross tap instead of m * r: F(3, 7) does 9 where direct
// convolution does 21 (2.33 times fewer), F(5, 5) 9 where it does 25.
//
// The kernel works on "lines": for an r x s kernel (axis vertical) the rows of the input plane;
// for a 1 x r kernel the plane's columns (it is transposed as it is copied). Each line is padded
// across to X = its cross length plus the cross pads, and the tiles of a tile row are the X
// positions side by side, so a cross tap a is V shifted by a floats: the products' columns
// X - (cross outputs) per tile row are computed and dropped. Per image:
//   1. input transform, the workers taking runs of input channels: the channel's lines are
//      copied into a zero-padded plane (`lines` lines of X values), and
//      V_xi[c, tileRow * X + j] = sum_k B^T[xi, k] line[m * tileRow + k][j], four xi by
//      sixteen j at a time (`WinogradLine.combine`);
//   2. per block of output channels: V packed into the register tiles' layout (row (c, a) is
//      V_xi[c] from column a), the n products on the pointwise register tiles (from a zero
//      bias), then the output transform A^T M plus the bias into the block's planes (in line
//      order: transposed back for 1 x r), and the residual and activation on the way into y.
//      Each block packs V again; packing it once, in step 1, into a V shared by the blocks was
//      level on two workers (a 192 -> 192 1x7 on 12x12: the packed rows one worker writes, the
//      other reads, and its copy from the last call must be taken back first) and 5 % slower on
//      one (a pack call per channel and point).
// The points are 0, 1, -1, 2, -2, 1/2, -1/2, 1/4 (and infinity), at most 9 of them: larger tiles
// lose accuracy quickly (F(4, 7) with +-3 or +-1/4 errs 7-10x more than F(3, 7)). The transforms
// are computed in Double at load; the tests bound the difference from direct convolution by the
// transforms evaluated on absolute values (Tests/KernelTests, KernelBounds.LineTile).

import KernelSupport

extension Convolution {
    /// Product columns per image from which the line path's products are wide enough for the
    /// register tiles. Below it, small deep maps: alone (weights in cache) a 3x3 on 5x5 maps (7
    /// columns) ran faster than on tiled columns (448 -> 384: 0.88 against 0.98 ms, one thread),
    /// but inside Inception-v3 it ran slower (0.97 against 0.72 ms, two threads): its U, n/r = 7/3
    /// of the weights (14 MB there), streams from memory for every image.
    static let minimumLineTiles = 16

    /// Floats the line path's shared V and each worker's packed V may take (16 MiB each): the
    /// path transforms a whole image at once, so large maps (a 5x5 on 224x224) stay on the column
    /// matrix, which works a panel of rows at a time.
    static let lineBudget = 1 << 22

    /// Whether a convolution runs on the line path: enough channels, enough product columns, at
    /// least 1.5 times fewer multiplications than direct convolution, and its scratch in budget.
    static func usesWinogradLine(_ g: ConvShape) -> Bool {
        guard let line = WinogradLine(g) else { return false }
        let packed = PointwiseTiles(columns: line.tiles).packedColumns * line.depth(channels: g.inputChannels)
        return g.inputChannels >= 16 && g.outputChannels >= 16 && line.tiles >= minimumLineTiles
            && line.saving >= 1.5
            && line.n * g.inputChannels * line.channelStride <= lineBudget && packed <= lineBudget
    }

    /// How one line-Winograd call is cut up: blocks of output channels, and the scratch.
    struct WinogradLinePlan: Equatable {
        /// Output channels per block, and blocks.
        var channelBlock: Int, channelBlocks: Int
        /// Floats of the shared V (n, C, channelStride), and per worker: the padded input lines (or
        /// the block's output plane in line order, whichever is larger, twice for the
        /// transposition), M (n, block, tiles) and 8 floats of slack, a product's scratch (V_xi
        /// packed, a partial tile's sums), a zero bias per channel.
        var vFloats: Int, planeFloats: Int, mFloats: Int, packedFloats: Int, productFloats: Int
        var perWorker: Int { 2 * planeFloats + mFloats + packedFloats + productFloats + channelBlock }
        func scratchFloats(threads: Int) -> Int { vFloats + threads * perWorker }
    }

    func winogradLinePlan(parallelism: Parallelism) -> WinogradLinePlan {
        let line = self.line!, c = shape.inputChannels, oc = shape.outputChannels
        // One block of output channels per worker: each block packs V_xi again for its products,
        // so two blocks per worker packed it twice as often (Inception-v3 at batch 1 on two
        // threads, profiles alternated in both orders: its 1x7, 7x1 and 5x5 layers 10-20 % faster
        // with one, 6.6-8.2 -> 6.1-6.2 ms per image; benchmarks/README.md, "Winograd along one
        // axis").
        let (block, blocks) = Self.panelChannelBlocks(oc, wanted: parallelism.threads)
        return WinogradLinePlan(
            channelBlock: block, channelBlocks: blocks,
            vFloats: line.n * c * line.channelStride,
            planeFloats: max(line.lines, line.outputLength) * line.lineFloats,
            mFloats: line.n * block * line.tiles + 8,
            packedFloats: PointwiseTiles(columns: line.tiles).packedColumns * line.depth(channels: c),
            productFloats: 2 * PointwiseTile.rows * PointwiseTile.columns)
    }

    func runWinogradLine(_ a: Arguments, parallelism: Parallelism) {
        let g = shape, line = self.line!, plan = winogradLinePlan(parallelism: parallelism)
        let c = g.inputChannels, oc = g.outputChannels, tiles = line.tiles
        let s = line.crossTaps, k = line.depth(channels: c), ldc = line.channelStride
        // The geometry in locals: computed properties of KernelSupport's types are calls here.
        let ld = line.lineFloats, ow = g.outputWidth, outputPlane = g.outputHeight * g.outputWidth
        let vertical = line.vertical, outputLength = line.outputLength, crossOutput = line.crossOutput
        let outputCount = g.outputCount, inputCount = g.inputCount
        let v = a.scratch!, workers = a.scratch! + plan.vFloats
        let plane = g.inputHeight * g.inputWidth
        for image in 0..<a.batch {
            let x = a.x + image * inputCount
            // 1. V (n, C, channelStride), a run of input channels per item.
            parallelism.forEachRun(slots: 1, of: c) { _, channels, worker in
                let lines = workers + worker * plan.perWorker
                for channel in channels {
                    fillLines(x + channel * plane, line: line, into: lines)
                    let vc = v + channel * ldc
                    line.inputTransform(lines, into: vc, stride: c * ldc)
                    // The last cross taps of the last tile row read past the tiles: zeros.
                    for xi in 0..<line.n { Runs.fill(vc + xi * c * ldc + tiles, 0, s - 1) }
                }
            }
            // 2. Per block of output channels: the n products, then the output transform.
            parallelism.forEach(plan.channelBlocks) { block, worker in
                let base = workers + worker * plan.perWorker
                let lines = base, transposed = base + plan.planeFloats
                let m = transposed + plan.planeFloats, packed = m + plan.mFloats
                let product = packed + plan.packedFloats, zeros = product + plan.productFloats
                let oc0 = block * plan.channelBlock, count = min(plan.channelBlock, oc - oc0)
                Runs.fill(zeros, 0, count)
                let panelFloats = PointwiseTile.rows * k, groupPanels = (oc + PointwiseTile.rows - 1) / PointwiseTile.rows
                for xi in 0..<line.n {
                    // Row (c, a) of the reduction is V_xi[c] from column a.
                    let vxi = v + xi * c * ldc
                    if s == 1 {
                        PointwiseTiles.pack(vxi, ld: ldc, k: c, columns: tiles, into: packed)
                    } else {
                        for channel in 0..<c {
                            PointwiseTiles.pack(vxi + channel * ldc, ld: 1, k: s, columns: tiles, into: packed,
                                                firstRow: channel * s, depth: k)
                        }
                    }
                    PointwiseBlock(weights: a.weights + (xi * groupPanels) * panelFloats + oc0 * k, panelFloats: panelFloats,
                                   bias: zeros, x: UnsafePointer(packed), ldx: tiles,
                                   y: m + xi * count * tiles, residual: nil, packed: packed, scratch: product,
                                   k: k, hw: tiles, columns: tiles, rows: count).visit(Identity())
                }
                for o in 0..<count {
                    let channel = oc0 + o
                    let out = image * outputCount + channel * outputPlane
                    // The channel's plane in line order (outputLength, lineFloats), bias included.
                    line.outputTransform(m + o * tiles, stride: count * tiles, bias: a.bias[channel], into: lines)
                    let source: UnsafePointer<Float>
                    if vertical && ld == ow {
                        source = UnsafePointer(lines)
                    } else if vertical {
                        // Into (OH, OW) row-major: the lines' first OW values.
                        for i in 0..<outputLength { Runs.copy(lines + i * ld, transposed + i * ow, ow) }
                        source = UnsafePointer(transposed)
                    } else {
                        // The lines are the columns: transposed.
                        for i in 0..<outputLength {
                            for j in 0..<crossOutput { transposed[j * ow + i] = lines[i * ld + j] }
                        }
                        source = UnsafePointer(transposed)
                    }
                    activation.apply(source, a.residual.map { $0 + out }, a.y + out, count: outputPlane)
                }
            }
        }
    }

    /// One channel's plane x (H, W) -> its padded lines (lines, lineFloats): line q holds the
    /// input at axis position q - padBefore (rows when the axis is vertical, columns otherwise),
    /// from cross position crossPad on; zeros outside.
    private func fillLines(_ x: UnsafePointer<Float>, line: WinogradLine, into lines: UnsafeMutablePointer<Float>) {
        let width = shape.inputWidth, ld = line.lineFloats, q0 = line.crossPad, length = line.crossLength
        for q in 0..<line.lines {
            let i = q - line.padBefore, dst = lines + q * ld
            guard i >= 0 && i < line.length else {
                Runs.fill(dst, 0, ld)
                continue
            }
            Runs.fill(dst, 0, q0)
            if line.vertical {
                Runs.copy(x + i * width, dst + q0, length)
            } else {
                for j in 0..<length { dst[q0 + j] = x[j * width + i] }
            }
            Runs.fill(dst + q0 + length, 0, ld - q0 - length)
        }
    }
}

extension WinogradLine {
    /// Padded lines (lines, lineFloats) -> V_xi at `v + xi * stride`, tile (tileRow, j) at
    /// column tileRow * cross + j: V_xi = sum_k B^T[xi, k] line[m * tileRow + k].
    /// Four points at a time over sixteen j (eight for a last run of at most eight): eight
    /// independent sums. One sum at a time was a chain of n dependent multiply-adds, paced by the
    /// FMA's latency, not its throughput (29 % of a 192 -> 192 1x7 on 12x12, one thread). Each
    /// sum still adds its terms in k order; a zero coefficient adds 0 x d, which leaves a finite
    /// sum as it was (branches that skipped them were mispredicted often enough to cost as much
    /// as the sums). A sixteen-float load at j stays in its line: cross > j + 8 makes lineFloats
    /// at least j + 16.
    func inputTransform(_ lines: UnsafePointer<Float>, into v: UnsafeMutablePointer<Float>, stride: Int) {
        // The geometry in locals: its computed properties are in KernelSupport, not inlined here.
        let ld = lineFloats, cross = cross, n = n, m = m, tileRows = tileRows
        btQuads.withUnsafeBufferPointer { bt in
            let bt = bt.baseAddress!
            for tileRow in 0..<tileRows {
                let first = lines + m * tileRow * ld, out = v + tileRow * cross
                var j = 0
                while j < cross {
                    if cross - j > 8 {
                        Self.combine(SIMD16<Float>.self, bt, n: n, inputs: first + j, ld: ld, start: .zero,
                                     into: out + j, stride: stride, rows: n, count: min(16, cross - j))
                        j += 16
                    } else {
                        Self.combine(Vec8.self, bt, n: n, inputs: first + j, ld: ld, start: .zero,
                                     into: out + j, stride: stride, rows: n, count: cross - j)
                        j += 8
                    }
                }
            }
        }
    }

    /// M (n, ., tiles) of one output channel, M_xi at `m + xi * stride` -> its plane in line order
    /// (outputLength, lineFloats), the first crossOutput values of each line (and up to 7 more)
    /// set: line m * tileRow + i = bias + sum_xi A^T[i, xi] M_xi[tileRow]. Reads up to 7 floats
    /// past a tile row (M keeps 8 floats of slack). Four outputs i at a time over sixteen j, as
    /// the input transform does its points.
    func outputTransform(_ mm: UnsafePointer<Float>, stride: Int, bias: Float, into out: UnsafeMutablePointer<Float>) {
        let ld = lineFloats, cross = cross, crossOutput = crossOutput, n = n, m = m
        let tileRows = tileRows, outputLength = outputLength
        atQuads.withUnsafeBufferPointer { at in
            let at = at.baseAddress!
            for tileRow in 0..<tileRows {
                let source = mm + tileRow * cross, rows = min(m, outputLength - m * tileRow)
                let line = out + m * tileRow * ld
                var j = 0
                while j < crossOutput {
                    // Whole vectors: the lines are lineFloats wide, a multiple of eight.
                    if crossOutput - j > 8 {
                        Self.combine(SIMD16<Float>.self, at, n: n, inputs: source + j, ld: stride,
                                     start: SIMD16(repeating: bias), into: line + j, stride: ld, rows: rows, count: 16)
                        j += 16
                    } else {
                        Self.combine(Vec8.self, at, n: n, inputs: source + j, ld: stride,
                                     start: Vec8(repeating: bias), into: line + j, stride: ld, rows: rows, count: 8)
                        j += 8
                    }
                }
            }
        }
    }

    /// out[q * stride ..< + count] = start + sum_k c[q, k] inputs[k * ld] (one vector V of j each)
    /// for q in 0..<rows, c (quadRows(rows), n) row-major: four q at a time, each sum in k order.
    @inline(__always)
    static func combine<V: SIMD>(_: V.Type, _ c: UnsafePointer<Float>, n: Int, inputs: UnsafePointer<Float>, ld: Int,
                                 start: V, into out: UnsafeMutablePointer<Float>, stride: Int, rows: Int, count: Int)
        where V.Scalar == Float {
        @inline(__always) func put(_ s: V, _ q: Int) {
            guard q < rows else { return }
            let dst = UnsafeMutableRawPointer(out + q * stride)
            if count == V.scalarCount {
                dst.storeBytes(of: s, as: V.self)
            } else {
                withUnsafeBytes(of: s) { Runs.copy($0.assumingMemoryBound(to: Float.self).baseAddress!, out + q * stride, count) }
            }
        }
        var q = 0
        while q < rows {
            let row = c + q * n
            var s0 = start, s1 = start, s2 = start, s3 = start
            for k in 0..<n {
                let d = UnsafeRawPointer(inputs + k * ld).loadUnaligned(as: V.self)
                s0 = VectorMath.fma(s0, V(repeating: row[k]), d)
                s1 = VectorMath.fma(s1, V(repeating: row[n + k]), d)
                s2 = VectorMath.fma(s2, V(repeating: row[2 * n + k]), d)
                s3 = VectorMath.fma(s3, V(repeating: row[3 * n + k]), d)
            }
            put(s0, q)
            put(s1, q + 1)
            put(s2, q + 2)
            put(s3, q + 3)
            q += 4
        }
    }
}

// x (N, C, H, W), w (OC, C, 3, 3) -> y (N, OC, OH, OW), stride 1, no dilation, one group:
// Winograd's minimal filtering F(2x2, 3x3) with its products on the pointwise register tiles
// (Lavin and Gray, 2016).
//
// Each 2x2 block of output ("tile") is computed from a 4x4 block of input d as
//     y = A^T [ (G g G^T) (.) (B^T d B) ] A
// where (.) multiplies element-wise. Across channels the element-wise product becomes 16
// independent matrix products, one per position xi of the 4x4 transformed tile:
//     M_xi (OC, tiles) = U_xi (OC, C) * V_xi (C, tiles)
// 16 * 4 = 64 multiply-adds per output tile and channel pair instead of 9 * 4 = 144 for direct
// convolution or im2col: 2.25 times fewer, and the transformed input V is 4x the input where an
// im2col matrix is 9x. U = G g G^T is computed once at load and packed into 6-channel panels
// per position (`PointwiseWeights`), so the output-channel blocks are multiples of 6.
//
// Per panel of tiles (rows of tiles of one image, or several small images side by side):
//   1. input transform: each channel's plane is copied into a zero-padded plane split by column
//      parity (`winogradPlane`: a padded row, then one load and two permutes per eight columns of
//      each phase), so the 4x4 inputs of eight neighbouring tiles are 16 plain vector loads (two
//      tile rows of four tiles on maps four tiles wide: `TileGroup`); B^T d B is additions only;
//   2. the 16 products, each a pointwise block (`PointwiseBlock`: V_xi packed into 16-column
//      tiles, every panel of U_xi against every tile, from a zero bias, M stored once; sgemm
//      spent a good part of its time zeroing M and in its own packing: benchmarks/README.md,
//      "Winograd");
//   3. output transform A^T m A (additions), bias, residual and activation, written into y.
// When there are fewer panels than workers (small maps of one image), blocks of output channels
// share each panel; then step 1 runs first for all panels, split by input channel, into shared
// scratch, so that the blocks do not each transform the same input again.
// The transforms use small integer and half coefficients, so the results agree with direct
// convolution to a few float ulps of the partial sums (the tests bound the difference by the
// transforms evaluated on absolute values: Tests/RuntimeTests/Support/KernelBounds.swift).

/// The Winograd F(2x2, 3x3) transforms and plan.
import KernelSupport

enum Winograd {
    /// Whether the Winograd path applies to `g`: 3x3, stride 1, no dilation, one group, and enough
    /// channels for the 16 products to be worth their transforms.
    static func applies(to g: ConvShape) -> Bool {
        let w = g.window
        return w.kernelHeight == 3 && w.kernelWidth == 3 && w.strideHeight == 1 && w.strideWidth == 1
            && w.dilationHeight == 1 && w.dilationWidth == 1 && g.groups == 1
            && g.inputChannels >= 16 && g.outputChannels >= 16
            && g.outputHeight >= 4 && g.outputWidth >= 4
    }

    /// G of F(2x2, 3x3), 4x3.
    static let g2: [[Double]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]

    /// w (OC, C, 3, 3) -> U (a * a, OC, C) for a Winograd algorithm whose G (`g`) is a x 3:
    /// U_xi[oc, c] = (G g G^T)[xi] for g = w[oc, c], in Double, rounded once.
    static func transformWeights(_ w: [Float], outputChannels oc: Int, inputChannels c: Int, g: [[Double]]) -> [Float] {
        let a = g.count, positions = a * a
        var u = [Float](repeating: 0, count: positions * oc * c)
        var gg = [Double](repeating: 0, count: 3 * a)
        for o in 0..<oc {
            for i in 0..<c {
                let base = (o * c + i) * 9
                // G g (a x 3).
                for p in 0..<a {
                    for col in 0..<3 {
                        var s = 0.0
                        for k in 0..<3 { s += g[p][k] * Double(w[base + k * 3 + col]) }
                        gg[p * 3 + col] = s
                    }
                }
                // (G g) G^T (a x a).
                for p in 0..<a {
                    for q in 0..<a {
                        var s = 0.0
                        for k in 0..<3 { s += gg[p * 3 + k] * g[q][k] }
                        u[((p * a + q) * oc + o) * c + i] = Float(s)
                    }
                }
            }
        }
        return u
    }

    /// B^T d B for eight tiles at once: `d[r][c]` is the vector of input (r, c) of each tile.
    /// B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]].
    @inline(__always)
    static func inputTransform(_ d: (Vec8, Vec8, Vec8, Vec8), _ e: (Vec8, Vec8, Vec8, Vec8),
                               _ f: (Vec8, Vec8, Vec8, Vec8), _ h: (Vec8, Vec8, Vec8, Vec8),
                               into v: UnsafeMutablePointer<Float>, stride: Int, count: Int) {
        // Rows: t0 = d - f, t1 = e + f, t2 = f - e, t3 = e - h.
        let t0 = (d.0 - f.0, d.1 - f.1, d.2 - f.2, d.3 - f.3)
        let t1 = (e.0 + f.0, e.1 + f.1, e.2 + f.2, e.3 + f.3)
        let t2 = (f.0 - e.0, f.1 - e.1, f.2 - e.2, f.3 - e.3)
        let t3 = (e.0 - h.0, e.1 - h.1, e.2 - h.2, e.3 - h.3)
        func columns(_ t: (Vec8, Vec8, Vec8, Vec8), _ row: Int) {
            let base = v + row * 4 * stride
            store(t.0 - t.2, base, count)
            store(t.1 + t.2, base + stride, count)
            store(t.2 - t.1, base + 2 * stride, count)
            store(t.1 - t.3, base + 3 * stride, count)
        }
        columns(t0, 0)
        columns(t1, 1)
        columns(t2, 2)
        columns(t3, 3)
    }

    @inline(__always)
    static func store(_ v: Vec8, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        if count == 8 { p.store(v) } else { p.store(v, count: count) }
    }

    /// y[0..<width] = f(v + residual) for the 16 values v = (lo, hi), width <= 16 (a row's end:
    /// the residual through `spare`, 16 floats, and the stores cut to width).
    @inline(__always)
    static func storeRow<F: VectorFunction>(_ f: F, _ lo: Vec8, _ hi: Vec8, y: UnsafeMutablePointer<Float>,
                                           residual: UnsafePointer<Float>?, width: Int,
                                           spare: UnsafeMutablePointer<Float>) {
        var lo = lo, hi = hi
        if width == 16 {
            if let residual {
                lo += residual.vec8()
                hi += residual.vec8(8)
            }
            y.store(f(lo))
            y.store(f(hi), at: 8)
            return
        }
        if let residual {
            Runs.copy(residual, spare, width)
            lo += spare.vec8()
            hi += spare.vec8(8)
        }
        y.store(f(lo), count: min(8, width))
        if width > 8 { (y + 8).store(f(hi), count: width - 8) }
    }
}

extension Convolution {
    /// Floats of one worker's tile matrices we aim for: V (16, C, tiles) and M (16, OC, tiles).
    static let winogradBudget = 1 << 20
    /// Floats of a block's M from which it is channel-major (`WinogradPlan.channelMajor`; 1 MiB,
    /// the L2 of the Zen 4 it was measured on): 80 -> 192 at 54x54 (2.9 MB) and 32 -> 64 at 109x109
    /// (1.5 MB) ran 3-15 % faster channel-major, 96x25x25 (0.7 MB) 6 % slower.
    static let winogradChannelMajor = 1 << 18
    /// Tiles a panel aims for (the N of each product).
    static let winogradTiles = 192

    /// How one call is cut into panels of tiles.
    struct WinogradPlan: Equatable {
        /// Outputs per tile side: 2 for F(2x2, 3x3), 4 for F(4x4, 3x3); transformed positions per
        /// tile, (m + 2)^2.
        var m: Int, positions: Int
        /// Tile rows and columns per image.
        var tileRows: Int, tileColumns: Int
        /// Images side by side per panel (1: a panel is at most `rows` tile rows of one image).
        var images: Int, rows: Int
        /// Tiles of a full panel, and panels (per image when images == 1, else per batch).
        var tiles: Int, panels: Int
        /// Output channels per block, and blocks.
        var channelBlock: Int, channelBlocks: Int
        /// Floats of scratch per worker: padded plane, V, M, a product's scratch (one V_xi packed
        /// into tiles and a partial tile's sums), the transforms' buffer (a 32-float row, or 36
        /// vectors for F(4x4, 3x3)), and a zero bias per channel of a block.
        var planeFloats: Int, vFloats: Int, mFloats: Int, productFloats: Int, bufferFloats: Int
        /// Whether V is transformed once for all panels, into shared scratch (a `vFloats` slot
        /// per panel) before the products: when several output-channel blocks share a panel.
        var sharedInput: Bool { channelBlocks > 1 && images == 1 }
        /// Whether M is channel-major, (block, positions, tiles), rather than position-major,
        /// (positions, block, tiles): when it outgrows L2 (`winogradChannelMajor`), so that the
        /// output transform reads each channel's positions as one block of memory instead of
        /// 16 (36) rows a whole M_xi apart, streams the prefetcher does not follow from L3.
        /// Within L2 the products' stores stay compact (six rows of one M_xi per tile).
        var channelMajor: Bool { mFloats > Convolution.winogradChannelMajor }
        /// Where M puts output channel o's row of position xi, for a block of `rows` channels whose
        /// rows are `ld` floats: at o * channel + xi * position.
        func mStrides(rows: Int, ld: Int) -> (channel: Int, position: Int) {
            channelMajor ? (positions * ld, ld) : (ld, rows * ld)
        }
        /// Panels of one call (panels per image times images when images == 1).
        var items: Int
        /// The tile rows of panel `p` of an image (images == 1): the rows split evenly, `rows`
        /// or one fewer each.
        func tileRows(of p: Int) -> Range<Int> { Parallelism.share(p, of: panels, in: tileRows) }
        var perWorker: Int { planeFloats + (sharedInput ? 0 : vFloats) + mFloats + productFloats + bufferFloats + channelBlock }
        /// Floats of scratch a call needs with `threads` workers.
        func scratchFloats(threads: Int) -> Int { threads * perWorker + (sharedInput ? items * vFloats : 0) }
    }

    func winogradPlan(batch: Int, parallelism: Parallelism) -> WinogradPlan {
        let g = shape
        let m = algorithm == .winograd4x4 ? 4 : 2, positions = (m + 2) * (m + 2)
        let tileRows = (g.outputHeight + m - 1) / m, tileColumns = (g.outputWidth + m - 1) / m
        let perImage = tileRows * tileColumns
        let c = g.inputChannels, oc = g.outputChannels
        let target = parallelism.threads > 1 ? 2 * parallelism.threads : 1
        // The most tiles the scratch budget allows, and the panel we aim for within it.
        let most = max(tileColumns, Self.winogradBudget / (positions * (c + oc)))
        let wanted = min(most, Self.winogradTiles)
        var images = 1, rows = tileRows, panels: Int
        if batch > 1 && 2 * perImage <= wanted {
            images = min(batch, wanted / perImage)
            while images > 1 && (batch + images - 1) / images < target { images = (images + 1) / 2 }
        }
        if images > 1 {
            panels = (batch + images - 1) / images
            if panels > 1 { panels = (panels + parallelism.threads - 1) / parallelism.threads * parallelism.threads }
            images = (batch + panels - 1) / panels
            panels = (batch + images - 1) / images
        } else {
            // Panels split the tile rows evenly (`tileRows(of:)`), as many as the budget needs,
            // then more until every worker has one and, at batch 1, until they are a multiple of
            // the workers, while a panel keeps 32 tiles or more: equal items, one or a few per
            // worker. (Four items on two workers, the last panel short (rows 4, 4, 4, 2 of 64x56x56),
            // left one worker idle for a quarter of the layer, and smaller items cost more per tile.)
            let budgetRows = max(1, wanted / tileColumns), fewest = max(1, (32 + tileColumns - 1) / tileColumns)
            func fits(_ p: Int) -> Bool { p <= tileRows / fewest }
            panels = (tileRows + budgetRows - 1) / budgetRows
            while batch * panels < parallelism.threads && fits(panels + 1) { panels += 1 }
            let multiple = (panels + parallelism.threads - 1) / parallelism.threads * parallelism.threads
            if batch == 1 && multiple > panels && fits(multiple) { panels = multiple }
            rows = (tileRows + panels - 1) / panels
        }
        let tiles = images > 1 ? images * perImage : rows * tileColumns
        let items = images > 1 ? panels : batch * panels
        // Output-channel blocks share a panel when there are fewer panels than workers.
        let forThreads = items < parallelism.threads ? (parallelism.threads + items - 1) / items : 1
        let (block, blockCount) = Self.panelChannelBlocks(oc, wanted: forThreads)
        let planeRows = images > 1 ? m * tileRows + 2 : m * rows + 2
        return WinogradPlan(m: m, positions: positions,
                            tileRows: tileRows, tileColumns: tileColumns, images: images, rows: rows,
                            tiles: tiles, panels: panels, channelBlock: block, channelBlocks: blockCount,
                            planeFloats: m * planeRows * (tileColumns + 1) + PaddedPlane.slack,
                            vFloats: positions * c * tiles, mFloats: positions * block * tiles,
                            productFloats: PointwiseTiles(columns: tiles).packedColumns * c
                                + 2 * PointwiseTile.rows * PointwiseTile.columns,
                            bufferFloats: m == 2 ? 32 : 36 * 8,
                            items: items)
    }

    /// `oc` output channels cut into about `wanted` blocks for the products on the pointwise
    /// register tiles: at most one block per `minimumChannelBlock` channels, each a whole number of
    /// the tiles' 6-row panels (the last one shorter). Returns the channels per block and the blocks.
    static func panelChannelBlocks(_ oc: Int, wanted: Int) -> (block: Int, count: Int) {
        let blocks = max(1, min(wanted, oc / minimumChannelBlock))
        let rows = PointwiseTile.rows
        let block = ((oc + blocks - 1) / blocks + rows - 1) / rows * rows
        return (block, (oc + block - 1) / block)
    }

    func runWinograd(_ a: Arguments, parallelism: Parallelism) {
        let g = shape
        let plan = winogradPlan(batch: a.batch, parallelism: parallelism)
        let c = g.inputChannels, oc = g.outputChannels
        let perImage = plan.tileRows * plan.tileColumns
        let panelItems = plan.items
        let shared = a.scratch! + parallelism.threads * plan.perWorker
        // The images and tile rows of a panel.
        func extent(_ panel: Int) -> (first: Int, count: Int, tileRows: Range<Int>) {
            if plan.images > 1 {
                let first = panel * plan.images
                return (first, min(plan.images, a.batch - first), 0..<plan.tileRows)
            }
            return (panel / plan.panels, 1, plan.tileRows(of: panel % plan.panels))
        }
        // Step 1 for channels `channels` of a panel, into its V (row stride `stride` = its tiles
        // when images == 1, the full panel's otherwise).
        // (`buffer`: the transforms' buffer, for F(4x4, 3x3).)
        func transform(_ panel: Int, channels: Range<Int>, plane: UnsafeMutablePointer<Float>,
                       buffer: UnsafeMutablePointer<Float>, into v: UnsafeMutablePointer<Float>) {
            let e = extent(panel)
            let stride = plan.images > 1 ? plan.tiles : e.tileRows.count * plan.tileColumns
            for i in 0..<e.count {
                let x = a.x + (e.first + i) * g.inputCount
                for channel in channels {
                    let xc = x + channel * g.inputHeight * g.inputWidth, vc = v + channel * stride + i * perImage
                    if plan.m == 4 {
                        winogradInput4(xc, plane: plane, tileRows: e.tileRows, plan: plan, into: vc, stride: c * stride,
                                       buffer: buffer)
                    } else {
                        winogradInput(xc, plane: plane, tileRows: e.tileRows, plan: plan, into: vc, stride: c * stride)
                    }
                }
            }
        }
        // A worker's transform buffer: past its plane, V, M and product scratch.
        func buffer(_ worker: Int) -> UnsafeMutablePointer<Float> {
            a.scratch! + worker * plan.perWorker + plan.planeFloats + (plan.sharedInput ? 0 : plan.vFloats)
                + plan.mFloats + plan.productFloats
        }
        if plan.sharedInput {
            parallelism.forEachRun(slots: panelItems, of: c) { panel, channels, worker in
                transform(panel, channels: channels, plane: a.scratch! + worker * plan.perWorker,
                          buffer: buffer(worker), into: shared + panel * plan.vFloats)
            }
        }
        parallelism.forEach(panelItems * plan.channelBlocks) { item, worker in
            let block = item % plan.channelBlocks, panel = item / plan.channelBlocks
            let oc0 = block * plan.channelBlock, ocCount = min(plan.channelBlock, oc - oc0)
            let base = a.scratch! + worker * plan.perWorker
            let plane = base
            let v = plan.sharedInput ? shared + panel * plan.vFloats : base + plan.planeFloats
            let m = base + plan.planeFloats + (plan.sharedInput ? 0 : plan.vFloats)
            let product = m + plan.mFloats, row = product + plan.productFloats, zeros = row + plan.bufferFloats
            Runs.fill(zeros, 0, ocCount)
            let e = extent(panel)
            let tiles = e.count * e.tileRows.count * plan.tileColumns
            let stride = plan.images > 1 ? plan.tiles : tiles
            if !plan.sharedInput { transform(panel, channels: 0..<c, plane: plane, buffer: row, into: v) }
            // M_xi (OCb, tiles) = U_xi (OCb, C) * V_xi (C, tiles), for the 16 (36) positions xi: U
            // is 16 (36) groups of (OC, C) in `PointwiseWeights` panels, laid out in M by
            // `WinogradPlan.mStrides`.
            let strides = plan.mStrides(rows: ocCount, ld: stride)
            let panelFloats = PointwiseTile.rows * c, groupPanels = (oc + PointwiseTile.rows - 1) / PointwiseTile.rows
            for xi in 0..<plan.positions {
                PointwiseBlock(weights: a.weights + (xi * groupPanels) * panelFloats + oc0 * c, panelFloats: panelFloats,
                               bias: zeros, x: v + xi * c * stride, ldx: stride,
                               y: m + xi * strides.position, residual: nil, packed: nil, scratch: product,
                               k: c, hw: strides.channel, columns: tiles, rows: ocCount).visit(Identity())
            }
            activation.accept(WinogradOutputs(
                conv: self, m: m, ld: stride, rows: ocCount, a: a, first: e.first, images: e.count,
                perImage: perImage, channel: oc0, tileRows: e.tileRows, plan: plan, buffer: row))
        }
    }

    /// The zero-padded plane of the input rows that the tile rows `tileRows` read, split by column
    /// modulo m (`plan.m`, the outputs per tile side): phase p, row r, column j holds
    /// x[m * tileRows.lowerBound + r - padTop, m j + p - padLeft]. Each phase has m * tileRows.count + 2
    /// rows (returned) of tileColumns + 1 floats.
    ///
    /// Each input row is copied into a zero-padded row (`padded[i]` = column i - padLeft), from
    /// which eight columns of every phase come from one load of 8m floats and m permutes
    /// (`WinogradPlaneRow`); a stride-m gather per phase read its columns one by one, 10-13 % of an
    /// F(4x4, 3x3) layer's time.
    func winogradPlane(_ x: UnsafePointer<Float>, tileRows: Range<Int>, plan: WinogradPlan,
                       into plane: UnsafeMutablePointer<Float>) -> Int {
        let g = shape, w = g.window, m = plan.m
        let phaseWidth = plan.tileColumns + 1
        let rows = m * tileRows.count + 2, phaseFloats = rows * phaseWidth
        // The input columns a row of the plane reads: those left of m * phaseWidth - padLeft.
        let columns = max(0, min(g.inputWidth, m * phaseWidth - w.padLeft))
        let paddedCount = m * phaseWidth + 8 * m
        withUnsafeTemporaryAllocation(of: Float.self, capacity: paddedCount) { buffer in
            let padded = buffer.baseAddress!
            // Zeros once: each row overwrites only its columns, the pads stay zero.
            Runs.fill(padded, 0, paddedCount)
            for r in 0..<rows {
                let ih = m * tileRows.lowerBound + r - w.padTop
                let dst = plane + r * phaseWidth
                guard ih >= 0 && ih < g.inputHeight else {
                    for phase in 0..<m { Runs.fill(dst + phase * phaseFloats, 0, phaseWidth) }
                    continue
                }
                Runs.copy(x + ih * g.inputWidth, padded + w.padLeft, columns)
                if m == 4 {
                    WinogradPlaneRow.split4(padded, into: dst, phaseFloats: phaseFloats, count: phaseWidth)
                } else {
                    WinogradPlaneRow.split2(padded, into: dst, phaseFloats: phaseFloats, count: phaseWidth)
                }
            }
        }
        return rows
    }

    /// One channel's input x (H, W) -> V (16, ., tiles) for the tile rows `tileRows`: V_xi at
    /// `v + xi * stride`, one tile per column.
    private func winogradInput(_ x: UnsafePointer<Float>, plane: UnsafeMutablePointer<Float>, tileRows: Range<Int>,
                               plan: WinogradPlan, into v: UnsafeMutablePointer<Float>, stride: Int) {
        let columns = plan.tileColumns, phaseWidth = columns + 1
        let rows = winogradPlane(x, tileRows: tileRows, plan: plan, into: plane)
        let odd = rows * phaseWidth
        TileGroup.forEach(tileRows: tileRows, columns: columns) { group in
            let top = UnsafePointer(plane) + 2 * group.t * phaseWidth + group.j
            let out = v + group.t * columns + group.j
            // Input (r, c) of tile j is padded column 2j + c of row 2t + r: phase c & 1,
            // column j + c / 2.
            @inline(__always) func transform<L: TileLanes>(_ lanes: L) {
                @inline(__always) func row(_ r: Int) -> (Vec8, Vec8, Vec8, Vec8) {
                    let p = top + r * phaseWidth
                    return (lanes.load(p), lanes.load(p + odd), lanes.load(p + 1), lanes.load(p + odd + 1))
                }
                Winograd.inputTransform(row(0), row(1), row(2), row(3), into: out, stride: stride, count: group.n)
            }
            if columns == 4 {
                transform(TwoTileRows(next: group.pair ? 2 * phaseWidth : 0))
            } else {
                transform(OneTileRow())
            }
        }
    }

    /// One output channel: M (16, ., tiles) -> y = f(A^T m A + bias + residual) for the tile rows
    /// `tileRows` of image `image`.
    fileprivate func winogradOutput<F: VectorFunction>(
        _ f: F, _ m: UnsafeMutablePointer<Float>, stride: Int, a: Arguments, image: Int,
        channel: Int, tileRows: Range<Int>, plan: WinogradPlan, buffer: UnsafeMutablePointer<Float>
    ) {
        let g = shape
        let oh = g.outputHeight, ow = g.outputWidth, columns = plan.tileColumns
        let plane = image * g.outputCount + channel * oh * ow
        let bias = Vec8(repeating: a.bias[channel])
        TileGroup.forEach(tileRows: tileRows, columns: columns) { group in
            let src = UnsafePointer(m) + group.t * columns, tileRow = group.tileRow, j = group.j, n = group.n
            @inline(__always) func load(_ xi: Int) -> Vec8 { (src + xi * stride + j).vec8() }
            // A^T m: s0 = m0 + m1 + m2, s1 = m1 - m2 - m3 (rows of the 4x4 tile).
            var s0 = (Vec8(), Vec8(), Vec8(), Vec8()), s1 = s0
            for col in 0..<4 {
                let m0 = load(col), m1 = load(4 + col), m2 = load(8 + col), m3 = load(12 + col)
                let a0 = m0 + m1 + m2, a1 = m1 - m2 - m3
                switch col {
                case 0: s0.0 = a0; s1.0 = a1
                case 1: s0.1 = a0; s1.1 = a1
                case 2: s0.2 = a0; s1.2 = a1
                default: s0.3 = a0; s1.3 = a1
                }
            }
            // (A^T m) A, plus the bias: y_r0 = s0 + s1 + s2, y_r1 = s1 - s2 - s3 per row.
            let y00 = s0.0 + s0.1 + s0.2 + bias, y01 = s0.1 - s0.2 - s0.3 + bias
            let y10 = s1.0 + s1.1 + s1.2 + bias, y11 = s1.1 - s1.2 - s1.3 + bias
            for r in 0..<2 {
                // Interleave the row's two columns of each tile: 2n values from column 2j (the first
                // eight of tile row `tileRow`, the others of the next one when the group is a pair).
                let (u, v) = r == 0 ? (y00, y01) : (y10, y11)
                let lo = Vec8(u[0], v[0], u[1], v[1], u[2], v[2], u[3], v[3])
                let hi = Vec8(u[4], v[4], u[5], v[5], u[6], v[6], u[7], v[7])
                if group.pair {
                    for s in 0..<2 where 2 * (tileRow + s) + r < oh {
                        let at = plane + (2 * (tileRow + s) + r) * ow, half = s == 0 ? lo : hi
                        Winograd.storeRow(f, half, half, y: a.y + at, residual: a.residual.map { $0 + at },
                                          width: min(8, ow), spare: buffer)
                    }
                } else if 2 * tileRow + r < oh {
                    let at = plane + (2 * tileRow + r) * ow + 2 * j
                    Winograd.storeRow(f, lo, hi, y: a.y + at, residual: a.residual.map { $0 + at },
                                      width: min(2 * n, ow - 2 * j), spare: buffer)
                }
            }
        }
    }
}

/// Step 3 of a work item: the output transform of every channel of its block, for every image of
/// its panel, with the activation resolved once.
private struct WinogradOutputs: ActivationVisitor {
    let conv: Convolution
    /// M of the block: rows of `ld` floats, channel-major or position-major (`plan.channelMajor`).
    let m: UnsafeMutablePointer<Float>, ld: Int, rows: Int
    let a: Convolution.Arguments
    let first: Int, images: Int, perImage: Int, channel: Int
    let tileRows: Range<Int>
    let plan: Convolution.WinogradPlan
    /// The transforms' buffer (`WinogradPlan.bufferFloats`).
    let buffer: UnsafeMutablePointer<Float>

    func visit<F: VectorFunction>(_ f: F) {
        let strides = plan.mStrides(rows: rows, ld: ld)
        for i in 0..<images {
            for o in 0..<rows {
                if plan.m == 4 {
                    conv.winogradOutput4(f, m + o * strides.channel + i * perImage, stride: strides.position, a: a, image: first + i,
                                         channel: channel + o, tileRows: tileRows, plan: plan, buffer: buffer)
                } else {
                    conv.winogradOutput(f, m + o * strides.channel + i * perImage, stride: strides.position, a: a, image: first + i,
                                        channel: channel + o, tileRows: tileRows, plan: plan, buffer: buffer)
                }
            }
        }
    }
}

/// One zero-padded input row split by column modulo 2 or 4 into the rows of a Winograd plane's
/// phases: phase p gets `count` floats, padded[m j + p] for j < count, at `dst + p * phaseFloats`.
/// `padded` holds m * count + 8 m floats (the last loads read past the columns used).
enum WinogradPlaneRow {
    /// Modulo 4: eight columns of each phase from one 32-float load (four permutes with AVX-512).
    @inline(__always)
    static func split4(_ padded: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                       phaseFloats: Int, count: Int) {
        @inline(__always) func group(_ j: Int, _ n: Int) {
            let v = UnsafeRawPointer(padded + 4 * j).loadUnaligned(as: SIMD32<Float>.self)
            let even = v.evenHalf, odd = v.oddHalf
            Winograd.store(even.evenHalf, dst + j, n)
            Winograd.store(odd.evenHalf, dst + phaseFloats + j, n)
            Winograd.store(even.oddHalf, dst + 2 * phaseFloats + j, n)
            Winograd.store(odd.oddHalf, dst + 3 * phaseFloats + j, n)
        }
        splitGroups(count, group)
    }

    /// Modulo 2: eight columns of each phase from one 16-float load.
    @inline(__always)
    static func split2(_ padded: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                       phaseFloats: Int, count: Int) {
        @inline(__always) func group(_ j: Int, _ n: Int) {
            let v = UnsafeRawPointer(padded + 2 * j).loadUnaligned(as: SIMD16<Float>.self)
            Winograd.store(v.evenHalf, dst + j, n)
            Winograd.store(v.oddHalf, dst + phaseFloats + j, n)
        }
        splitGroups(count, group)
    }

    /// Groups of eight columns from 0, the last one ending at `count` (overlapping the one before
    /// it, the same values twice) or, under eight columns in all, cut to `count`.
    @inline(__always)
    static func splitGroups(_ count: Int, _ group: (_ j: Int, _ n: Int) -> Void) {
        guard count >= 8 else { return group(0, count) }
        var j = 0
        while j + 8 <= count { group(j, 8); j += 8 }
        if j < count { group(count - 8, 8) }
    }
}

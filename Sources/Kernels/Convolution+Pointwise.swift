// x (N, C, H, W), w (OC, C/g, 1, 1) -> y (N, OC, H, W): 1x1, stride 1, no pads.
//
// Per image and group, y (OC/g, HW) = f(w (OC/g, K) * x (K, HW) + b + residual), K = C/g,
// computed by register tiles of 6 output channels by 16 pixels instead of sgemm. The weights
// are constants, so they are packed once at load into panels of 6 channels stored k-major
// (`PointwiseWeights`). Each block of x is packed into 16-column tiles (`PointwiseTiles`):
// read row by row, the way the prefetcher follows, so the tiles then read contiguous memory;
// reading x in place instead, each k of a tile is a different stream, and a batch whose maps
// are in memory rather than cache ran much slower (benchmarks/README.md, "Pointwise
// packing"). Except where the packing costs more than it saves (`PointwiseBlock.readsInPlace`):
// few output channels, or up to 256 with their weights in L2, the next tile's lines prefetched
// ("Pointwise in place"). Maps of 28x28 and larger without a residual run tile by tile instead,
// each tile packed into L1 up to 256 rows of K at a time, every panel run over it before the
// next chunk (`PointwiseBlock.visitByTiles`, "Pointwise by tiles"). Every tile leaves the kernel finished:
// bias, residual and activation are applied to the accumulators before the one store. sgemm,
// by contrast, re-packs x with a copy of its own, needs the bias written first and a second
// pass over y for the epilogue, which is most of the work when K is 16 to 64 (MobileNet's
// expanding convolutions).
//
// Blocking: a block of columns whose x (K, columns) fits in about 64 KiB stays in L1/L2 while
// every panel of weights sweeps it; y is written row by row, sequentially. Small maps are one
// block. Work items are (image, group, column block, panel range), so a batch of one still
// occupies every worker; when panel ranges split a block, the blocks are packed once into a
// shared region first. A block whose width is not a multiple of 16 ends with a tile of its last
// 1 to 4 columns (`PointwiseTile.narrow`), or an 8-wide one, zero-padded; a partial last tile
// (5 to 7 columns of 8, 9 to 15 of 16) goes through the worker's scratch, so no store leaves
// the tensors.

import KernelSupport

extension Convolution {
    /// Floats of x we aim to keep per column block (64 KiB).
    static let pointwiseBlockBudget = 1 << 14
    /// Floats of x (K * HW) up to which a map is one column block (256 KiB, within L2).
    static let pointwiseWholeMap = 1 << 16
    /// Floats of a shared packed block from which its packing is split over the workers (below,
    /// a parallel loop costs more than it saves).
    static let pointwiseSplitPacking = 1 << 15

    /// How one pointwise call is cut into work items.
    struct PointwisePlan: Equatable {
        /// Columns per block (a multiple of 16, or all of HW), and blocks per image; the last
        /// block ends at HW (up to 4 columns wider, see `pointwisePlan`).
        var columns: Int, columnBlocks: Int
        /// Panels of 6 output channels per group, panels per item, and items per column block.
        var panels: Int, panelsPerItem: Int, panelBlocks: Int
        /// Floats of one packed x block.
        var packedFloats: Int
        /// Whether the x blocks are packed once into a shared region before the panels run
        /// (when panel ranges split a block: otherwise each of them would pack it again).
        var sharesPacking: Bool
        /// Whether every item reads x in place (`PointwiseBlock.visitInPlace`) instead: when panel
        /// ranges split a map whose x is at most `pointwiseWholeMap` floats. Packing it first is a
        /// parallel loop of its own, and its barrier, before the products: on two workers
        /// MobileNetV2's 576 -> 160 at 7x7 ran 0.071 -> 0.061 ms in place and 96 -> 576 at 14x14
        /// 0.119 -> 0.110 (AMD EPYC with AVX-512, alternated with the packing build); on one
        /// worker, with no split, packing stays ahead (in place was 3-7 % slower). Beyond 2^16
        /// floats in place lost: ResNet-50's 2048 -> 512 at 7x7 0.66 -> 0.73-0.89 ms.
        var readsInPlace: Bool
        /// Where column block `block` ends.
        func end(of block: Int, hw: Int) -> Int { block == columnBlocks - 1 ? hw : (block + 1) * columns }
        /// Floats of scratch per worker (its packed block unless shared, and a partial tile's
        /// residual and product (6, 16)), and of the shared region (every block, when shared).
        var scratchFloats: Int, sharedFloats: Int
    }

    func pointwisePlan(batch: Int, parallelism: Parallelism) -> PointwisePlan {
        let g = shape
        let hw = g.outputHeight * g.outputWidth, k = g.reductionLength
        let tile = PointwiseTile.columns
        // Small maps (late layers) are one block whatever K: their x stays in L2, and a second
        // block would stream every panel of weights from memory again for a few columns.
        // At least a pair of tiles per block where pairs run as one (`PointwiseTile.thirtyTwo`):
        // a block of 16 columns (K of 1024 and more) left them to the 6 x 16 tile, 22-28 % slower
        // on one AMD Zen 5 core (1024 -> 256 at 14x14, 2048 -> 512 at 7x7).
        let narrowest = PointwiseTile.pairs ? 2 * tile : tile
        let wanted = k * hw <= Self.pointwiseWholeMap ? hw
            : max(narrowest, Self.pointwiseBlockBudget / max(1, k) / tile * tile)
        var columns = min(hw, wanted)
        var blocks = (hw + columns - 1) / columns
        let panels = (g.groupOutputChannels + PointwiseTile.rows - 1) / PointwiseTile.rows
        let target = parallelism.threads > 1 ? 4 * parallelism.threads : 1
        // Narrower column blocks first (down to 64 columns), then panel ranges, until every
        // worker has a few items to balance with.
        while batch * g.groups * blocks < target && columns > 4 * tile {
            columns = (columns / 2 + tile - 1) / tile * tile
            blocks = (hw + columns - 1) / columns
        }
        // A last block of 1 to 4 columns joins the one before it (a tile of 17 to 20 there, with
        // AVX-512) rather than sweeping every panel of weights again for them.
        let tail = hw - (blocks - 1) * columns
        if blocks > 1 && tail <= PointwiseTiles.joined { blocks -= 1 }
        let widest = hw - (blocks - 1) * columns
        let items = batch * g.groups * blocks
        let panelBlocks = items < target ? min(panels, (target + items - 1) / items) : 1
        let perItem = panelBlocks == 1 ? panels
            : parallelism.balancedChunk(panels, largest: (panels + panelBlocks - 1) / panelBlocks)
        let packed = PointwiseTiles(columns: max(columns, widest)).packedColumns * k
        // Panel ranges of one small map (a late layer of one image on several workers) read x where
        // it is; of a larger one, share one packing of it.
        let inPlace = panelBlocks > 1 && k * hw <= Self.pointwiseWholeMap
        let shared = panelBlocks > 1 && !inPlace
        return PointwisePlan(columns: columns, columnBlocks: blocks, panels: panels,
                             panelsPerItem: perItem, panelBlocks: (panels + perItem - 1) / perItem,
                             packedFloats: packed, sharesPacking: shared, readsInPlace: inPlace,
                             scratchFloats: (shared ? 0 : packed) + 2 * PointwiseTile.rows * tile,
                             sharedFloats: shared ? items * packed : 0)
    }

    func runPointwise(_ a: Arguments, parallelism: Parallelism) {
        let g = shape
        let plan = pointwisePlan(batch: a.batch, parallelism: parallelism)
        let hw = g.outputHeight * g.outputWidth, k = g.reductionLength, ocg = g.groupOutputChannels
        let panelFloats = PointwiseTile.rows * k
        let groupPanels = plan.panels
        let blocks = a.batch * g.groups * plan.columnBlocks
        let shared = a.scratch! + parallelism.threads * plan.scratchFloats
        /// x of block `block` (image, group, column block): its start and its columns.
        func source(_ block: Int) -> (UnsafePointer<Float>, Int) {
            let columnBlock = block % plan.columnBlocks, rest = block / plan.columnBlocks
            let c0 = columnBlock * plan.columns
            return (a.x + (rest / g.groups) * g.inputCount + (rest % g.groups) * k * hw + c0,
                    plan.end(of: columnBlock, hw: hw) - c0)
        }
        if plan.sharesPacking {
            // Fewer blocks than workers, each large (a late layer is one block of 960 rows of
            // K): every worker packs a run of rows. Otherwise one block per item.
            let split = blocks < parallelism.threads && plan.packedFloats >= Self.pointwiseSplitPacking
            parallelism.forEachRun(slots: blocks, of: split ? k : 1) { block, run, _ in
                let (x, columns) = source(block)
                let rows = split ? run : 0..<k
                PointwiseTiles.pack(x + rows.lowerBound * hw, ld: hw, k: rows.count, columns: columns,
                                    into: shared + block * plan.packedFloats, firstRow: rows.lowerBound, depth: k)
            }
        }
        let byTiles = pointwiseRunsByTiles(plan, residual: a.residual != nil)
        parallelism.forEach(blocks * plan.panelBlocks) { item, worker in
            let panelBlock = item % plan.panelBlocks, block = item / plan.panelBlocks
            var rest = block
            let columnBlock = rest % plan.columnBlocks; rest /= plan.columnBlocks
            let group = rest % g.groups
            let image = rest / g.groups
            let c0 = columnBlock * plan.columns, c1 = plan.end(of: columnBlock, hw: hw)
            let p0 = panelBlock * plan.panelsPerItem, p1 = min(groupPanels, p0 + plan.panelsPerItem)
            let outputOffset = image * g.outputCount + group * ocg * hw
            let rows = min(ocg, p1 * PointwiseTile.rows) - p0 * PointwiseTile.rows
            let inPlace = plan.readsInPlace || Self.pointwiseInPlaceSuits(rows: rows, k: k, residual: a.residual != nil)
            activation.accept(PointwiseBlock(
                weights: a.weights + (group * groupPanels + p0) * panelFloats, panelFloats: panelFloats,
                bias: a.bias + group * ocg + p0 * PointwiseTile.rows,
                x: a.x + image * g.inputCount + group * k * hw + c0, ldx: hw,
                y: a.y + outputOffset + p0 * PointwiseTile.rows * hw + c0,
                residual: a.residual.map { $0 + outputOffset + p0 * PointwiseTile.rows * hw + c0 },
                packed: plan.sharesPacking ? shared + block * plan.packedFloats : nil, callerReadsInPlace: inPlace,
                byTiles: byTiles, scratch: a.scratch! + worker * plan.scratchFloats, k: k, hw: hw, columns: c1 - c0, rows: rows))
        }
    }

    /// Whether a pointwise layer's block of `rows` output channels and K = `k` reads x in place
    /// (tile by tile, every panel while the tile is in L1, the next tile's lines prefetched),
    /// saving the packing of its K x columns floats. The tile order re-reads every panel of weights
    /// for each tile (so they must fit in L2: at most 2^18 floats) and writes each tile's output
    /// to `rows` rows (and reads as many of the residual: 256 -> 1024 with a residual ran 16 %
    /// slower in place). ResNet-50 and Inception-v3 in the network, one AMD EPYC core
    /// (benchmarks/README.md, "Pointwise in place"): 256 -> 64 at 56x56 17 % faster, 768 -> 160
    /// at 12x12 21 %, 1024 -> 256 at 14x14 4 %; 64 -> 256 with a residual 17 % slower, 2048 ->
    /// 512 at 7x7 12 %. A layer's rule only: the products inside other kernels (Winograd's, the
    /// inverted residual blocks') keep `PointwiseBlock`'s own.
    static func pointwiseInPlaceSuits(rows: Int, k: Int, residual: Bool) -> Bool {
        rows <= 256 && rows * k <= 1 << 18 && (!residual || rows <= k)
    }

    /// Whether a pointwise layer runs tile by tile, each tile's x packed into L1 a chunk of K at a
    /// time (`PointwiseBlock.visitByTiles`), before the in-place rule: maps of at least 512
    /// pixels (28x28 and larger) without a residual. In place, a tile's K rows are K lines
    /// `ldx` floats apart, and on a 56x56 map (12544 bytes) they fall on 16 of L1's 64 sets, so
    /// more than 128 of them (K > 128) evict each other between panels; at 28x28 a K of 512 fills
    /// L1 by itself. In ResNet-50 at batch 1 on one AMD EPYC core (alternated profiles): 256 ->
    /// 128 at 56x56 2.45 -> 2.16 ms, 512 -> 128 at 28x28 1.18 -> 1.04, 512 -> 256 2.27 -> 1.97,
    /// 64 -> 256 at 56x56 1.08 -> 0.98; MobileNetV2's 24 -> 144 at 56x56 0.30 -> 0.26. With a
    /// residual the tile reads and writes every output row's line far apart (the panel order writes
    /// rows sequentially): 64 -> 256 at 56x56 1.06 -> 1.49, so not then. 14x14 and 7x7 maps were
    /// level (benchmarks/README.md, "Pointwise by tiles").
    static func pointwiseByTilesSuits(hw: Int, residual: Bool) -> Bool {
        hw >= 512 && !residual
    }

    /// Whether this layer's work items run by tiles under `plan`: where the rule suits and the
    /// plan neither shares a packing of x nor reads it in place across panel ranges.
    func pointwiseRunsByTiles(_ plan: PointwisePlan, residual: Bool) -> Bool {
        !plan.readsInPlace && !plan.sharesPacking
            && Self.pointwiseByTilesSuits(hw: shape.outputHeight * shape.outputWidth, residual: residual)
    }
}

/// Pointwise weights packed for `PointwiseTile`: w (OC, K) of each group -> panels of 6 output
/// channels, panel p holding w[6p + r, k] at [p][k][r], zero rows padding the last panel of
/// each group, and `PointwiseTile.overread` zeros after the last panel. `ChannelLanesTile` reads
/// the same layout with panels of its lane count (`rows`).
enum PointwiseWeights {
    static func pack(_ w: [Float], groups: Int, outputsPerGroup ocg: Int, inputs k: Int,
                     rows: Int = PointwiseTile.rows) -> [Float] {
        let panels = (ocg + rows - 1) / rows
        var packed = [Float](repeating: 0, count: groups * panels * rows * k + PointwiseTile.overread)
        for group in 0..<groups {
            for o in 0..<ocg {
                let panel = group * panels + o / rows, r = o % rows
                let source = (group * ocg + o) * k
                for i in 0..<k { packed[(panel * k + i) * rows + r] = w[source + i] }
            }
        }
        return packed
    }
}

/// One work item: panels of output channels over a block of columns of one image and group.
/// `rows` output channels from the first panel's, `columns` columns from the block's start; x's
/// rows `ldx` apart (y's and the residual's `hw`).
struct PointwiseBlock: ActivationVisitor {
    let weights: UnsafePointer<Float>, panelFloats: Int
    let bias: UnsafePointer<Float>
    let x: UnsafePointer<Float>, ldx: Int
    let y: UnsafeMutablePointer<Float>
    let residual: UnsafePointer<Float>?
    /// The block already packed (shared), or nil to pack it into the front of `scratch`.
    let packed: UnsafeMutablePointer<Float>?
    /// Whether the caller has the block read x in place whatever its size: a plan whose workers
    /// split a small map (`PointwisePlan.readsInPlace`), or a pointwise layer's rule
    /// (`Convolution.pointwiseInPlaceSuits`).
    var callerReadsInPlace = false
    /// Whether the block runs tile by tile, each tile packed a chunk of K at a time
    /// (`visitByTiles`): a pointwise layer's rule (`Convolution.pointwiseByTilesSuits`).
    var byTiles = false
    let scratch: UnsafeMutablePointer<Float>
    let k: Int, hw: Int, columns: Int, rows: Int

    /// Whether x is read in place rather than packed (see `visitInPlace`): up to 3 panels of
    /// output channels, or up to 6 when x's rows (K of them, `ldx` apart) fit in L2; from L3, a
    /// tile's K rows are K streams the prefetcher does not follow (144 -> 24 on 56x56 ran 6 %
    /// slower in place on one core, 32 -> 16 on 112x112 20 % faster); or when the caller says so
    /// (`callerReadsInPlace`).
    var readsInPlace: Bool {
        packed == nil && (callerReadsInPlace || rows <= 3 * PointwiseTile.rows || rows <= 6 * PointwiseTile.rows && k * ldx <= 1 << 18)
    }

    /// Whether x already lies as its packing would: one tile whose rows are its packed width
    /// apart (`ldx == columns`), as Winograd's V_xi of 16 tiles (ResNet-50's 14x14 maps on F(4x4,
    /// 3x3) and 7x7 maps on F(2x2, 3x3) at batch 1): packing it would copy it unchanged.
    var xIsPacked: Bool {
        let tiles = PointwiseTiles(columns: columns)
        return ldx == columns && tiles.count == 1 && tiles.packedColumns == columns
    }

    func visit<F: VectorFunction>(_ f: F) {
        let tiles = PointwiseTiles(columns: columns)
        if byTiles {
            precondition(packed == nil, "PointwiseBlock: a block packed for its panel ranges is not run by tiles")
            visitByTiles(f, tiles)
            return
        }
        if readsInPlace {
            visitInPlace(f, tiles)
            return
        }
        let packed: UnsafePointer<Float>, ys: UnsafeMutablePointer<Float>
        if let shared = self.packed {
            packed = UnsafePointer(shared)
            ys = scratch
        } else if xIsPacked {
            packed = x
            ys = scratch
        } else {
            PointwiseTiles.pack(x, ld: ldx, k: k, columns: columns, into: scratch)
            packed = UnsafePointer(scratch)
            ys = scratch + tiles.packedColumns * k
        }
        for r0 in stride(from: 0, to: rows, by: PointwiseTile.rows) {
            var t = 0
            while t < tiles.count {
                let j = t * PointwiseTile.columns
                if tiles.pairs(at: t) {
                    // Two tiles packed one after the other: 16 floats per k each.
                    let n = min(PointwiseTile.rows, rows - r0)
                    PointwiseTile.run(f, width: 2 * PointwiseTile.columns, w: weights + r0 / PointwiseTile.rows * panelFloats,
                                      x: packed + j * k, ldx: PointwiseTile.columns, second: PointwiseTile.columns * k,
                                      k: k, bias: bias + r0, rows: n, residual: residual.map { $0 + r0 * hw + j },
                                      y: y + r0 * hw + j, ldy: hw)
                    t += 2
                    continue
                }
                tile(f, panelRow: r0, column: j, width: tiles.width(t), x: packed + j * k, inPlace: false, scratch: ys)
                t += 1
            }
        }
    }

    /// The panel from output channel `r0` against the tile of `width` columns from column `j`,
    /// its x at `xt`: packed (`width` floats per k), or in place (a whole tile or a pair of them,
    /// rows `ldx` apart). A partial last tile takes its residual in and its product out through
    /// `ys` (2 x (6, 16)).
    @inline(__always)
    func tile<F: VectorFunction>(_ f: F, panelRow r0: Int, column j: Int, width: Int, x xt: UnsafePointer<Float>,
                                 inPlace: Bool, scratch ys: UnsafeMutablePointer<Float>) {
        let n = min(PointwiseTile.rows, rows - r0)
        let w = weights + r0 / PointwiseTile.rows * panelFloats, b = bias + r0
        let yr = y + r0 * hw, rr = residual.map { $0 + r0 * hw }
        let valid = min(width, columns - j)
        if inPlace {
            PointwiseTile.run(f, width: width, w: w, x: xt, ldx: ldx, k: k, bias: b, rows: n,
                              residual: rr.map { $0 + j }, y: yr + j, ldy: hw)
        } else if valid == width {
            PointwiseTile.run(f, width: width, w: w, x: xt, k: k, bias: b, rows: n,
                              residual: rr.map { $0 + j }, y: yr + j, ldy: hw)
        } else {
            let rs = ys + PointwiseTile.rows * PointwiseTile.columns
            if let rr {
                for r in 0..<n { Runs.copy(rr + r * hw + j, rs + r * width, valid) }
            }
            PointwiseTile.run(f, width: width, w: w, x: xt, k: k, bias: b, rows: n,
                              residual: rr == nil ? nil : UnsafePointer(rs), y: ys, ldy: width)
            for r in 0..<n { Runs.copy(ys + r * width, yr + r * hw + j, valid) }
        }
    }
}

extension PointwiseBlock {
    /// Few output channels (MobileNet's projections to 16-32), or a small map whose panels
    /// several workers share (`PointwisePlan.readsInPlace`): packing x would cost more than
    /// it saves. Full tiles (and, with AVX-512, a last one of 17 to 20 columns) read x where it
    /// is (rows `ldx` apart), tile by tile, every panel while the tile is in L1; only a last tile
    /// of another width is packed (alone) into scratch.
    func visitInPlace<F: VectorFunction>(_ f: F, _ tiles: PointwiseTiles) {
        forEachWholeTile(f, tiles) { j, width, ys in
            for r0 in stride(from: 0, to: rows, by: PointwiseTile.rows) {
                tile(f, panelRow: r0, column: j, width: width, x: x + j, inPlace: true, scratch: ys)
            }
        }
    }

    /// The block tile by tile, for the visits that read x in place or pack it a tile at a time:
    /// `body(j, width, ys)` for each tile a register tile takes whole from column `j` (16, or with
    /// AVX-512 17 to 20, and 32 for two full tiles side by side); a last tile of another width is
    /// packed alone (all of K, zero-padded) into the front of scratch and every panel run over it
    /// here. `ys` (after the block's packed size) takes a partial tile's residual and product.
    @inline(__always)
    func forEachWholeTile<F: VectorFunction>(
        _ f: F, _ tiles: PointwiseTiles, _ body: (_ j: Int, _ width: Int, _ ys: UnsafeMutablePointer<Float>) -> Void
    ) {
        let ys = scratch + tiles.packedColumns * k
        var t = 0
        while t < tiles.count {
            let j = t * PointwiseTile.columns, width = tiles.width(t)
            if tiles.pairs(at: t) {
                body(j, 2 * PointwiseTile.columns, ys)
                t += 2
                continue
            }
            t += 1
            if PointwiseTile.readsInPlace(width: width) && j + width <= columns {
                body(j, width, ys)
                continue
            }
            PointwiseTiles.pack(x + j, ld: ldx, k: k, columns: columns - j, into: scratch)
            for r0 in stride(from: 0, to: rows, by: PointwiseTile.rows) {
                tile(f, panelRow: r0, column: j, width: width, x: UnsafePointer(scratch), inPlace: false, scratch: ys)
            }
        }
    }
}

extension PointwiseBlock {
    /// Most rows of K a tile packs at a time: 256 x 16 floats (16 KiB) leave half of L1 to the
    /// panels' weights and y; K = 512 in one piece filled it (512 -> 128 at 28x28 alone, one core:
    /// 76 % of the FMA ceiling whole, 83-87 % in chunks of 128-256). A pair of tiles (32 floats
    /// per k) takes half as many.
    static let byTilesChunk = 256

    /// K cut into equal chunks of at most `byTilesChunk` rows, half that for a pair (384 -> 2 x
    /// 192, not 256 + 128).
    static func chunk(_ k: Int, width: Int) -> Int {
        let most = width >= 2 * PointwiseTile.columns ? byTilesChunk / 2 : byTilesChunk
        let parts = (k + most - 1) / most
        return (k + parts - 1) / parts
    }

    /// Tile by tile, each tile's x packed `chunk` rows of K at a time into scratch (contiguous, so
    /// it stays in L1 whatever x's row stride), every panel of weights run over that chunk before
    /// the next: the sums of the chunks before wait in y, the bias, residual and activation come
    /// with the last. A last tile of another width than 16 (17 to 20) is packed alone, as in
    /// `visitInPlace` (`forEachWholeTile`). Scratch: a chunk's packed tile at the front.
    func visitByTiles<F: VectorFunction>(_ f: F, _ tiles: PointwiseTiles) {
        forEachWholeTile(f, tiles) { j, width, _ in
            let chunk = Self.chunk(k, width: width)
            for k0 in stride(from: 0, to: k, by: chunk) {
                let depth = min(chunk, k - k0), last = k0 + depth == k
                PointwiseTiles.packTile(x + k0 * ldx + j, ld: ldx, k: depth, width: width, into: scratch)
                for r0 in stride(from: 0, to: rows, by: PointwiseTile.rows) {
                    let n = min(PointwiseTile.rows, rows - r0)
                    let w = weights + r0 / PointwiseTile.rows * panelFloats + k0 * PointwiseTile.rows
                    let yt = y + r0 * hw + j
                    if last {
                        PointwiseTile.run(f, width: width, w: w, x: scratch, k: depth, bias: bias + r0, rows: n,
                                          residual: residual.map { $0 + r0 * hw + j }, y: yt, ldy: hw,
                                          accumulate: k0 > 0)
                    } else {
                        PointwiseTile.run(Identity(), width: width, w: w, x: scratch, k: depth, bias: bias + r0, rows: n,
                                          residual: nil, y: yt, ldy: hw, accumulate: k0 > 0)
                    }
                }
            }
        }
    }
}

/// The column tiles of a block: 16 columns each, the last one as wide as what is left when that
/// is at most 4 (`PointwiseTile.narrow`), else 8 wide when at most 8 columns are left; and the
/// packing of x into them. With AVX-512, 1 to 4 columns left after a full tile join it instead
/// (a last tile of 17 to 20, `PointwiseTile.sixteenPlus`): a 7x7 map is 16 + 16 + 17 columns, a
/// 14x14 map twelve tiles and one of 20.
struct PointwiseTiles {
    let columns: Int
    /// The columns left after the full tiles that join the last full tile (0: none do).
    static var joined: Int {
        #if NETDISSECT_ISA_AVX512
        PointwiseTile.narrowColumns
        #else
        0
        #endif
    }
    /// Tiles in the block.
    var count: Int {
        let left = columns % PointwiseTile.columns
        let tiles = (columns + PointwiseTile.columns - 1) / PointwiseTile.columns
        return columns > PointwiseTile.columns && left >= 1 && left <= Self.joined ? tiles - 1 : tiles
    }
    /// Width of tile `t`: 16, 16 plus the last 1 to 4 (AVX-512), 8 for a last tile of 5 to 8
    /// columns, or the last 1 to 4.
    func width(_ t: Int) -> Int {
        let left = columns - t * PointwiseTile.columns
        if left > PointwiseTile.columns { return left - PointwiseTile.columns <= Self.joined ? left : PointwiseTile.columns }
        return left <= PointwiseTile.narrowColumns ? left : left <= 8 ? 8 : PointwiseTile.columns
    }
    /// Columns of the packed block, the last tile's padding included.
    var packedColumns: Int { count == 0 ? 0 : (count - 1) * PointwiseTile.columns + width(count - 1) }

    /// Whether tiles `t` and `t + 1` run as one tile of 32 (`PointwiseTile.thirtyTwo`): both
    /// full 16 columns, with AVX-512.
    func pairs(at t: Int) -> Bool {
        PointwiseTile.pairs && t + 1 < count && (t + 2) * PointwiseTile.columns <= columns
            && width(t) == PointwiseTile.columns && width(t + 1) == PointwiseTile.columns
    }

    /// One tile (or a pair, 32 wide): x (K, width) with row stride `ld` -> `width` floats per k,
    /// contiguous; hints the same rows' part two tiles ahead into L2 on the way
    /// (`Prefetch.tileAfterNext`; a pair's two lines, the next pair's).
    @inline(__always)
    static func packTile(_ x: UnsafePointer<Float>, ld: Int, k: Int, width: Int, into packed: UnsafeMutablePointer<Float>) {
        var row = x, dst = packed
        let vectors = width >= 2 * PointwiseTile.columns ? 2 * PointwiseTile.columns : PointwiseTile.columns
        for _ in 0..<k {
            Prefetch.tileAfterNext(row)
            dst.store(row.vec8(0), at: 0)
            dst.store(row.vec8(8), at: 8)
            if vectors > PointwiseTile.columns {
                Prefetch.tileAfterNext(row + PointwiseTile.columns)
                dst.store(row.vec8(16), at: 16)
                dst.store(row.vec8(24), at: 24)
            }
            for c in vectors..<width { dst[c] = row[c] }
            row += ld; dst += width
        }
    }

    /// x (K, columns) with row stride `ld` -> packed tiles, tile t (K, width(t)) at `t * 16 * K`,
    /// the last tile's missing columns zero. Reads x row by row (sequential streams the
    /// prefetcher follows), so the tiles then read contiguous memory. With `depth`, x is rows
    /// `firstRow ..< firstRow + k` of a taller matrix of `depth` rows, packed into their place.
    static func pack(_ x: UnsafePointer<Float>, ld: Int, k: Int, columns: Int,
                     into packed: UnsafeMutablePointer<Float>, firstRow: Int = 0, depth: Int? = nil) {
        let tiles = PointwiseTiles(columns: columns)
        let count = tiles.count, depth = depth ?? k
        // Tiles of exactly 16 columns, then the last one (any other width) on its own.
        let last = count > 0 && tiles.width(count - 1) != PointwiseTile.columns ? count - 1 : count
        for i in 0..<k {
            let row = x + i * ld, at = firstRow + i
            for t in 0..<last {
                let dst = packed + t * PointwiseTile.columns * depth + at * PointwiseTile.columns
                dst.store(row.vec8(t * 16), at: 0)
                dst.store(row.vec8(t * 16 + 8), at: 8)
            }
            if last < count {
                let width = tiles.width(last), j = last * PointwiseTile.columns
                let dst = packed + j * depth + at * width
                let valid = min(width, columns - j)
                Runs.copy(row + j, dst, valid)
                Runs.fill(dst + valid, 0, width - valid)
            }
        }
    }
}

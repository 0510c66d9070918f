// x (N, C, H, W), w (OC, C, KH, KW) -> y (N, OC, OH, OW) for small output maps (late layers):
// the column matrix of im2col multiplied by the pointwise register tiles instead of sgemm.
//
// Per image, y (OC, OH*OW) = f(w (OC, K) * col (K, OH*OW) + b + residual), K = C * KH * KW.
// On a 7x7 or 14x14 map the product is short and deep (49 columns, K up to 4608), a shape
// OpenBLAS handles well below its peak and splits badly across workers (benchmarks/README.md,
// "Tiled columns"). Here:
//   1. the workers unroll the image's column matrix, a run of input channels each, into the
//      16-column tiles the pointwise kernel reads (`PointwiseTiles`, packed once per image);
//   2. the workers take ranges of 6-channel weight panels (packed at load, `PointwiseWeights`)
//      and run every tile through them, K in blocks of about `tiledBlockBudget` floats of
//      tiles, so that a block of all tiles stays in L2 while the panels sweep it. Partial sums
//      go through y itself (a block adds what the previous one stored, by the tile's residual
//      input); the bias and the model's residual come with the first block, the activation
//      with the last.
// A last tile narrower than its 16 (or 8) columns keeps its partial sums in the worker's
// scratch and is copied out at the end, so no store leaves the tensors; a last tile of 1 to 4
// columns (a 7x7 map's 49th) is exactly that wide (`PointwiseTile.narrow`).

import KernelSupport

extension Convolution {
    /// Output maps up to this many pixels (14x14) take the tiled path when they are im2col.
    static let tiledColumnsLimit = 196
    /// Floats of packed tiles one K block aims for (512 KiB, about L2): 2304 rows of a 7x7
    /// map's tiles, 630 of a 14x14 map's.
    static let tiledBlockBudget = 1 << 17
    /// Floats of column matrix a worker unrolls at once before packing it (64 KiB).
    static let tiledUnrollBudget = 1 << 14

    /// Input channels whose column-matrix rows one worker unrolls at once (about
    /// `tiledUnrollBudget` floats), for `g`'s map of `hw` outputs and `taps` taps.
    static func unrollChannels(_ g: ConvShape, taps: Int, hw: Int) -> Int {
        max(1, min(g.inputChannels, tiledUnrollBudget / max(1, taps * hw)))
    }

    /// Whether an im2col convolution of shape `g` runs on the register tiles.
    static func usesTiledColumns(_ g: ConvShape) -> Bool {
        g.groups == 1 && g.outputHeight * g.outputWidth <= tiledColumnsLimit
    }

    /// How one tiled call is cut into work items.
    struct TiledColumnsPlan: Equatable {
        /// Input channels per unrolling item, and items per image.
        var channelsPerChunk: Int, chunks: Int
        /// Panels of 6 output channels, panels per item, and items per image.
        var panels: Int, panelsPerItem: Int, panelItems: Int
        /// Rows of K per block (equal blocks, the last one shorter by what does not divide).
        var depth: Int
        /// Floats of the packed tiles (shared), and per worker: the unrolled rows, and a partial
        /// last tile's sums (6 rows of 16 per panel of an item) plus 8 zeros for a bias.
        var packedFloats: Int, unrollFloats: Int, partialFloats: Int
        var perWorker: Int { unrollFloats + partialFloats + 8 }
        func scratchFloats(threads: Int) -> Int { packedFloats + threads * perWorker }
    }

    func tiledColumnsPlan(parallelism: Parallelism) -> TiledColumnsPlan {
        let g = shape
        let hw = g.outputHeight * g.outputWidth, k = g.reductionLength
        let taps = k / g.inputChannels
        let perChunk = Self.unrollChannels(g, taps: taps, hw: hw)
        let panels = (g.outputChannels + PointwiseTile.rows - 1) / PointwiseTile.rows
        let target = parallelism.threads > 1 ? 4 * parallelism.threads : 1
        let perItem = parallelism.balancedChunk(panels, largest: (panels + target - 1) / target)
        let packedColumns = PointwiseTiles(columns: hw).packedColumns
        let blocks = (k + max(1, Self.tiledBlockBudget / packedColumns) - 1) / max(1, Self.tiledBlockBudget / packedColumns)
        return TiledColumnsPlan(
            channelsPerChunk: perChunk, chunks: (g.inputChannels + perChunk - 1) / perChunk,
            panels: panels, panelsPerItem: perItem, panelItems: (panels + perItem - 1) / perItem,
            depth: (k + blocks - 1) / blocks,
            packedFloats: packedColumns * k,
            unrollFloats: perChunk * taps * hw,
            partialFloats: perItem * PointwiseTile.rows * PointwiseTile.columns)
    }

    func runTiledColumns(_ a: Arguments, parallelism: Parallelism) {
        let g = shape
        let plan = tiledColumnsPlan(parallelism: parallelism)
        let hw = g.outputHeight * g.outputWidth, k = g.reductionLength, oc = g.outputChannels
        let taps = k / g.inputChannels, plane = g.inputHeight * g.inputWidth
        let tiles = PointwiseTiles(columns: hw)
        let packed = a.scratch!
        let depthBlocks = (k + plan.depth - 1) / plan.depth
        for image in 0..<a.batch {
            let x = a.x + image * g.inputCount
            // 1. col (K, HW) -> packed tiles, a run of input channels (rows c*taps...) per item.
            parallelism.forEach(plan.chunks) { chunk, worker in
                let c0 = chunk * plan.channelsPerChunk, c1 = min(g.inputChannels, c0 + plan.channelsPerChunk)
                let rows = a.scratch! + plan.packedFloats + worker * plan.perWorker
                im2col(x + c0 * plane, rows, rows: 0..<g.outputHeight, ld: hw, channels: c1 - c0)
                PointwiseTiles.pack(rows, ld: hw, k: (c1 - c0) * taps, columns: hw, into: packed,
                                    firstRow: c0 * taps, depth: k)
            }
            // 2. panel ranges against every tile, K block by K block.
            let out = image * g.outputCount
            parallelism.forEach(plan.panelItems) { item, worker in
                let base = a.scratch! + plan.packedFloats + worker * plan.perWorker
                let partial = base + plan.unrollFloats, zeros = partial + plan.partialFloats
                Runs.fill(zeros, 0, 8)
                let p0 = item * plan.panelsPerItem, p1 = min(plan.panels, p0 + plan.panelsPerItem)
                for block in 0..<depthBlocks {
                    let k0 = block * plan.depth, depth = min(plan.depth, k - k0)
                    let first = block == 0, last = block == depthBlocks - 1
                    let job = TiledColumnsBlock(
                        a: a, out: out, hw: hw, k: k, k0: k0, depth: depth, first: first, last: last,
                        panels: p0..<p1, outputs: oc, tiles: tiles, packed: UnsafePointer(packed),
                        partial: partial, zeros: UnsafePointer(zeros))
                    if last { activation.accept(job) } else { job.visit(Identity()) }
                }
            }
        }
    }
}

/// One K block of one panel range: every panel against every tile, adding to what the
/// previous blocks stored (in y, or in `partial` for a last tile narrower than its width).
private struct TiledColumnsBlock: ActivationVisitor {
    let a: Convolution.Arguments
    /// Offset of the image's output, pixels per map, and the whole depth K.
    let out: Int, hw: Int, k: Int
    /// This block's rows of the reduction, and whether it is the first or the last.
    let k0: Int, depth: Int, first: Bool, last: Bool
    let panels: Range<Int>, outputs: Int
    let tiles: PointwiseTiles
    let packed: UnsafePointer<Float>
    /// (panels.count, 6, 16) partial sums of the last tile when it is partial.
    let partial: UnsafeMutablePointer<Float>
    let zeros: UnsafePointer<Float>

    func visit<F: VectorFunction>(_ f: F) {
        let rowsPerPanel = PointwiseTile.rows, panelFloats = rowsPerPanel * k
        for (index, panel) in panels.enumerated() {
            let r0 = panel * rowsPerPanel, n = min(rowsPerPanel, outputs - r0)
            let w = a.weights + panel * panelFloats + k0 * rowsPerPanel
            let bias = first ? a.bias + r0 : zeros
            let y = a.y + out + r0 * hw
            let residual = a.residual.map { $0 + out + r0 * hw }
            var t = 0
            while t < tiles.count {
                let j = t * PointwiseTile.columns, width = tiles.width(t), valid = min(width, hw - j)
                let xt = packed + j * k + k0 * width
                t += 1
                if tiles.pairs(at: t - 1) {
                    // Two full tiles as one (`PointwiseTile.thirtyTwo`), packed one after the other.
                    let addend = first ? residual.map { $0 + j } : UnsafePointer(y + j)
                    PointwiseTile.run(f, width: 2 * width, w: w, x: xt, ldx: width, second: width * k, k: depth,
                                      bias: bias, rows: n, residual: addend, y: y + j, ldy: hw)
                    t += 1
                } else if valid == width {
                    // Sums so far live in y: the model's residual joins the first block.
                    let addend = first ? residual.map { $0 + j } : UnsafePointer(y + j)
                    PointwiseTile.run(f, width: width, w: w, x: xt, k: depth, bias: bias, rows: n,
                                      residual: addend, y: y + j, ldy: hw)
                } else {
                    let sums = partial + index * rowsPerPanel * PointwiseTile.columns
                    if first, let residual {
                        for r in 0..<n { Runs.copy(residual + r * hw + j, sums + r * width, valid) }
                    }
                    let addend: UnsafePointer<Float>? = first && residual == nil ? nil : UnsafePointer(sums)
                    PointwiseTile.run(f, width: width, w: w, x: xt, k: depth, bias: bias, rows: n,
                                      residual: addend, y: sums, ldy: width)
                    if last {
                        for r in 0..<n { Runs.copy(sums + r * width, y + r * hw + j, valid) }
                    }
                }
            }
        }
    }
}

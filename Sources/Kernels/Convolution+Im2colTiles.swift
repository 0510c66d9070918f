// x (N, C, H, W), w (OC, C, KH, KW) -> y (N, OC, OH, OW) for large output maps with a short
// reduction (a stem's 7x7 or 3x3 over 3 channels, K = 147 or 27; a strided 3x3 over 64, K = 576):
// im2col one panel of output rows at a time, multiplied by the pointwise register tiles.
//
// Per image and panel of output rows, y (OC, columns) = f(w (OC, K) * col (K, columns) + b +
// residual), K = C * KH * KW, columns = rows * OW. The worker unrolls the panel's column matrix
// into its scratch (about `im2colTilesBudget` floats, so it stays in L2), packs it into 16-column
// tiles and runs every 6-channel panel of weights (packed at load, `PointwiseWeights`) over them,
// exactly as a pointwise block (`PointwiseBlock`), the bias, residual and activation applied
// before the one store. sgemm, on the same panels, spends much of a short product packing, needs
// the bias written first and a pass over y for the epilogue (on MobileNetV2's stem it was well
// behind onnxruntime: benchmarks/README.md, "im2col tiles").
//
// Work items are (image, row panel, output-channel range): panels are halved (down to one row)
// until every worker has a few, then the output channels are split too.

import KernelSupport

extension Convolution {
    /// Floats of column matrix one panel aims for (128 KiB).
    static let im2colTilesBudget = 1 << 15
    /// The deepest reduction the path takes; deeper ones stay on sgemm, whose blocking over K
    /// suits them better than one panel of full depth.
    static let im2colTilesDepth = 1024

    /// Whether an im2col convolution of shape `g` runs on the register tiles: one group, a
    /// map too large for the tiled path (or a batch of small ones side by side), K up to 1024.
    static func usesIm2colTiles(_ g: ConvShape) -> Bool {
        g.groups == 1 && g.outputHeight * g.outputWidth > batchedColumns / 2
            && g.reductionLength <= im2colTilesDepth
    }

    /// How one call is cut into work items.
    struct Im2colTilesPlan: Equatable {
        /// Output rows per panel (at most), and panels per image.
        var rows: Int, panels: Int
        /// Panels of 6 output channels, per item, and items per row panel.
        var channelPanels: Int, channelPanelsPerItem: Int, channelItems: Int
        /// Floats per worker: the column matrix, its packed tiles, and a partial tile's residual
        /// and product (6, 16) each.
        var columnFloats: Int, packedFloats: Int
        var perWorker: Int { columnFloats + packedFloats + 2 * PointwiseTile.rows * PointwiseTile.columns }
        /// The output rows of panel `p` of an image of `height` rows: split evenly, `rows` or one
        /// fewer each.
        func outputRows(of p: Int, height: Int) -> Range<Int> { Parallelism.share(p, of: panels, in: height) }
    }

    func im2colTilesPlan(batch: Int, parallelism: Parallelism) -> Im2colTilesPlan {
        let g = shape
        let oh = g.outputHeight, ow = g.outputWidth, k = g.reductionLength
        let target = parallelism.threads > 1 ? 4 * parallelism.threads : 1
        var rows = max(1, min(oh, Self.im2colTilesBudget / max(1, k * ow)))
        var panels = (oh + rows - 1) / rows
        while batch * panels < target && rows > 1 {
            rows = (rows + 1) / 2
            panels = (oh + rows - 1) / rows
        }
        // One image's panels a multiple of the workers, splitting its rows evenly (`outputRows(of:)`):
        // 112 rows in ten-row panels left the last panel two rows and one worker six panels'
        // rows to the other's five and a fifth (MobileNetV2's stem on two threads).
        if batch == 1 && parallelism.threads > 1 {
            panels = min(oh, (panels + parallelism.threads - 1) / parallelism.threads * parallelism.threads)
            rows = (oh + panels - 1) / panels
        }
        let items = batch * panels
        let channelPanels = (g.outputChannels + PointwiseTile.rows - 1) / PointwiseTile.rows
        let split = items < target ? min(channelPanels, (target + items - 1) / items) : 1
        let perItem = split == 1 ? channelPanels
            : parallelism.balancedChunk(channelPanels, largest: (channelPanels + split - 1) / split)
        let columns = rows * ow
        return Im2colTilesPlan(rows: rows, panels: panels, channelPanels: channelPanels,
                               channelPanelsPerItem: perItem,
                               channelItems: (channelPanels + perItem - 1) / perItem,
                               columnFloats: k * columns,
                               packedFloats: PointwiseTiles(columns: columns).packedColumns * k)
    }

    func runIm2colTiles(_ a: Arguments, parallelism: Parallelism) {
        let g = shape
        let plan = im2colTilesPlan(batch: a.batch, parallelism: parallelism)
        let oh = g.outputHeight, ow = g.outputWidth, hw = oh * ow, k = g.reductionLength
        let panelFloats = PointwiseTile.rows * k
        parallelism.forEach(a.batch * plan.panels * plan.channelItems) { item, worker in
            let channelItem = item % plan.channelItems, rest = item / plan.channelItems
            let panel = rest % plan.panels, image = rest / plan.panels
            let rows = plan.outputRows(of: panel, height: oh)
            let c0 = rows.lowerBound * ow, columns = rows.count * ow
            let col = a.scratch! + worker * plan.perWorker
            im2col(a.x + image * g.inputCount, col, rows: rows, ld: columns)
            let p0 = channelItem * plan.channelPanelsPerItem
            let p1 = min(plan.channelPanels, p0 + plan.channelPanelsPerItem)
            let out = image * g.outputCount + p0 * PointwiseTile.rows * hw + c0
            activation.accept(PointwiseBlock(
                weights: a.weights + p0 * panelFloats, panelFloats: panelFloats,
                bias: a.bias + p0 * PointwiseTile.rows,
                x: col, ldx: columns, y: a.y + out, residual: a.residual.map { $0 + out },
                packed: nil, scratch: col + plan.columnFloats, k: k, hw: hw, columns: columns,
                rows: min(g.outputChannels, p1 * PointwiseTile.rows) - p0 * PointwiseTile.rows))
        }
    }
}

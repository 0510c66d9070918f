// x (N, C, H, W), w (OC, C, KH, KW) -> y (N, OC, OH, OW) for strided convolutions (ResNet's
// stride-2 3x3, Inception-v3's Mixed_6a and Mixed_7a), on `ChannelLanesTile` with no column
// matrix: the tiles' rows are read from the input itself, padded and split into stride phases.
//
// The column matrix of a stride-2 3x3 is 9/4 of its input, unrolled a few floats at a time from
// every other column, and the pointwise tiles then read it once more to pack it; onnxruntime runs
// these layers directly on its blocked layout, 20-60 % faster (AMD EPYC, two threads: 128x56x56
// -> 28x28 1.54 ms against our 2.07, 256x28x28 -> 14x14 1.25 against 1.97). Here, per image:
//   1. the workers copy the input into `StridePhases` (zero-padded, every row split into the
//      horizontal stride's phases), a run of channels each: then a row of output pixels reads
//      consecutive floats at every tap;
//   2. the workers take items of (L-channel weight panels, a band of output rows) and run every
//      row's tiles of 7 to 13 output pixels (`ChannelLanesTile.split` of the row) over the whole
//      depth, k = (channel, tap) as the weights are packed: one store per output, no partial
//      sums through y (K in blocks of 32 channels, partial sums through y, ran 128x56x56 ->
//      28x28 at 3.8 ms on one thread against 2.4 whole). Within an item either every panel
//      passes over a tile while its rows of x are in cache, or, where the weights outweigh the
//      input, each panel passes over every row while its weights are in L2 (`panelsOuter`).
//
// The direct rows (`Algorithm.directRows`, the stems) walk the same phases and items with
// `RowLanesTile` instead: panels of 8 output channels, tiles of up to 48 output pixels of a row
// in the lanes (`RowLanesTile.split`), no transpose; the copy keeps L zero floats after the
// last channel for a row's last, partial vector to read.

import KernelSupport

extension Convolution {
    /// Whether `g` can run on the direct lanes: one group, rows of at least 7 output pixels (the
    /// narrowest tile).
    static func directLanesApplies(_ g: ConvShape) -> Bool {
        g.groups == 1 && g.outputWidth >= ChannelLanesTile.widths.lowerBound
    }

    /// Whether `g` runs faster on the direct lanes than on its column matrix: with AVX-512,
    /// strided windows wider than a pixel with K of `channelLanesMinimumDepth` or more, at any
    /// batch (AMD EPYC, two threads, ms: 128x56x56 -> 28x28 3x3 1.26 against 2.07 on im2col,
    /// 288x35x35 -> 17x17 2.81 against 4.85, the 7x7 stem 1.33-1.42 against 1.45-1.48; batch 32
    /// 38.7 against 45.5 and 96.6 against 105.9). Not 1x1 stride 2 (1.43 against 1.10 on im2col
    /// tiles: its x already is a matrix read in place), nor K = 27 (Inception-v3's first layer:
    /// 0.44 against 0.27).
    static func prefersDirectLanes(_ g: ConvShape) -> Bool {
        #if NETDISSECT_ISA_AVX512
        let w = g.window
        return directLanesApplies(g) && w.strideWidth > 1 && w.kernelHeight * w.kernelWidth > 1
            && g.reductionLength >= channelLanesMinimumDepth
        #else
        return false
        #endif
    }

    /// Whether `g` runs faster on the direct rows (`RowLanesTile`) than on the direct lanes: stems,
    /// the shapes the direct lanes take with at most 4 input channels, where a reduction of 3 x 49
    /// taps leaves the transposes a tenth of the layer. One AMD EPYC core with AVX-512, ms: 3x224x224
    /// -> 64x112x112 7x7 2.29-2.46 against 2.58-2.68; with 16 input channels (K = 144) they tie
    /// (0.71-0.76 against 0.71-0.73), with 32 the lanes win (1.24-1.31 against 1.34). K = 27
    /// (MobileNetV2's and Inception-v3's first layers) stays on the column matrix (0.30 against 0.35).
    static func prefersDirectRows(_ g: ConvShape) -> Bool {
        prefersDirectLanes(g) && g.inputChannels <= 4
    }

    /// How one call is cut into work items.
    struct DirectLanesPlan: Equatable {
        /// Input channels per copying item, and items per image.
        var channelsPerChunk: Int, chunks: Int
        /// Panels of L output channels, panels per item, and panel ranges per image.
        var panels: Int, panelsPerItem: Int, panelItems: Int
        /// Output rows per item, and bands of them per image.
        var rowsPerBand: Int, bands: Int
        /// Whether an item runs each panel over all its rows (the weights outweigh the input:
        /// a panel's stay in L2 while the rows pass) rather than all panels over each tile (a
        /// tile's rows of x stay in cache while the panels pass).
        var panelsOuter: Bool
        /// Floats of the phases (shared).
        var phaseFloats: Int
    }

    func directLanesPlan(parallelism: Parallelism) -> DirectLanesPlan {
        let g = shape, phases = stridePhases!
        let c = g.inputChannels, oh = g.outputHeight
        let perChunk = max(1, (c + 2 * parallelism.threads - 1) / (2 * parallelism.threads))
        let height = directPanelHeight
        let panels = (g.outputChannels + height - 1) / height
        let panelsOuter = g.weightCount > c * phases.plane
        // Items split what the inner loop does not share: panel ranges when panels are outer,
        // bands of rows otherwise; the other too when that leaves too few items for the workers.
        let target = parallelism.threads > 1 ? 4 * parallelism.threads : 1
        func chunk(_ count: Int, items: Int) -> Int {
            parallelism.balancedChunk(count, largest: (count + items - 1) / items)
        }
        var perItem = panels, rowsPerBand = oh
        if panelsOuter {
            perItem = chunk(panels, items: target)
            let ranges = (panels + perItem - 1) / perItem
            if ranges < target { rowsPerBand = chunk(oh, items: (target + ranges - 1) / ranges) }
        } else {
            rowsPerBand = chunk(oh, items: target)
            let bands = (oh + rowsPerBand - 1) / rowsPerBand
            if bands < target { perItem = chunk(panels, items: (target + bands - 1) / bands) }
        }
        return DirectLanesPlan(
            channelsPerChunk: perChunk, chunks: (c + perChunk - 1) / perChunk,
            panels: panels, panelsPerItem: perItem, panelItems: (panels + perItem - 1) / perItem,
            rowsPerBand: rowsPerBand, bands: (oh + rowsPerBand - 1) / rowsPerBand,
            panelsOuter: panelsOuter, phaseFloats: c * phases.plane + phaseSlack)
    }

    /// Output channels per weight panel: one vector's lanes (direct lanes) or `RowLanesTile.rows`.
    var directPanelHeight: Int { algorithm == .directRows ? RowLanesTile.rows : ChannelLanesTile.lanes }

    /// Floats after the last channel's phases that the direct rows' last vector of a row may read
    /// past it (left zero).
    var phaseSlack: Int { algorithm == .directRows ? RowLanesTile.lanes : 0 }

    func runDirectLanes(_ a: Arguments, parallelism: Parallelism) {
        let g = shape
        let plan = directLanesPlan(parallelism: parallelism), phases = stridePhases!
        let rowLanes = algorithm == .directRows
        let widths = rowLanes ? RowLanesTile.split(g.outputWidth) : ChannelLanesTile.split(g.outputWidth)
        let copy = a.scratch!
        (copy + plan.phaseFloats - phaseSlack).update(repeating: 0, count: phaseSlack)
        phases.taps.withUnsafeBufferPointer { taps in
            for image in 0..<a.batch {
                let x = a.x + image * g.inputCount
                parallelism.forEach(plan.chunks) { chunk, _ in
                    let c0 = chunk * plan.channelsPerChunk
                    phases.copy(x, height: g.inputHeight, width: g.inputWidth,
                                channels: c0..<min(g.inputChannels, c0 + plan.channelsPerChunk), to: copy)
                }
                parallelism.forEach(plan.panelItems * plan.bands) { item, _ in
                    let range = item / plan.bands, band = item % plan.bands
                    let p0 = range * plan.panelsPerItem, r0 = band * plan.rowsPerBand
                    activation.accept(DirectLanesItem(
                        a: a, phases: phases, copy: UnsafePointer(copy), taps: taps.baseAddress!,
                        out: image * g.outputCount, panels: p0..<min(plan.panels, p0 + plan.panelsPerItem),
                        rows: r0..<min(g.outputHeight, r0 + plan.rowsPerBand), panelsOuter: plan.panelsOuter,
                        shape: g, widths: widths, rowLanes: rowLanes))
                }
            }
        }
    }
}

/// A range of panels over a band of output rows, the whole depth at once.
private struct DirectLanesItem: ActivationVisitor {
    let a: Convolution.Arguments
    let phases: StridePhases
    /// The image's phases, their taps, the offset of its output.
    let copy: UnsafePointer<Float>, taps: UnsafePointer<Int>, out: Int
    let panels: Range<Int>, rows: Range<Int>, panelsOuter: Bool
    let shape: ConvShape
    /// The tiles of one output row.
    let widths: [Int]
    /// Whether the tiles are `RowLanesTile`'s (pixels in the lanes) rather than `ChannelLanesTile`'s.
    let rowLanes: Bool

    func visit<F: VectorFunction>(_ f: F) {
        if panelsOuter {
            forEachPanel { panel, pair in
                for oy in rows {
                    forEachTile(of: oy) { run(f, panel: panel, pair: pair, row: oy, column: $0, width: $1) }
                }
            }
        } else {
            for oy in rows {
                forEachTile(of: oy) { ox, width in
                    forEachPanel { run(f, panel: $0, pair: $1, row: oy, column: ox, width: width) }
                }
            }
        }
    }

    /// The item's panels, two at a time where the channel-lanes tile runs a pair
    /// (`ChannelLanesTile.runPair`: the first panel full, the second in the item).
    @inline(__always)
    private func forEachPanel(_ body: (_ panel: Int, _ pair: Bool) -> Void) {
        var panel = panels.lowerBound
        while panel < panels.upperBound {
            let pair = !rowLanes && ChannelLanesTile.pairs && panel + 1 < panels.upperBound
                && (panel + 1) * ChannelLanesTile.lanes < shape.outputChannels
            body(panel, pair)
            panel += pair ? 2 : 1
        }
    }

    @inline(__always)
    private func forEachTile(of row: Int, _ body: (_ column: Int, _ width: Int) -> Void) {
        var ox = 0
        for width in widths {
            body(ox, width)
            ox += width
        }
    }

    /// One tile: a panel's output channels from its first (or two panels' with `pair`), `width`
    /// pixels from (row, column).
    @inline(__always)
    private func run<F: VectorFunction>(_ f: F, panel: Int, pair: Bool, row oy: Int, column ox: Int, width: Int) {
        let height = rowLanes ? RowLanesTile.rows : ChannelLanesTile.lanes, g = shape
        let hw = g.outputHeight * g.outputWidth, r0 = panel * height
        let at = out + r0 * hw + oy * g.outputWidth + ox
        let x = LanesRows(x: copy + phases.start(row: oy, column: ox), channels: g.inputChannels,
                          plane: phases.plane, taps: taps, tapCount: phases.taps.count)
        let count = min(height, g.outputChannels - r0), w = a.weights + panel * g.reductionLength * height
        if rowLanes {
            RowLanesTile.run(f, columns: width, w: w, x: x, bias: a.bias + r0, rows: count,
                             addend: a.residual.map { $0 + at }, y: a.y + at, ldy: hw)
        } else if pair {
            #if NETDISSECT_ISA_AVX512
            let r1 = r0 + height
            ChannelLanesTile.runPair(f, width: width, w: w, second: g.reductionLength * height, x: x,
                                     start: ChannelLanesTile.start(a.bias + r0, rows: height),
                                     startSecond: ChannelLanesTile.start(a.bias + r1, rows: min(height, g.outputChannels - r1)),
                                     addend: a.residual.map { $0 + at }, rows: min(height, g.outputChannels - r1),
                                     y: a.y + at, ldy: hw)
            #endif
        } else {
            ChannelLanesTile.run(f, width: width, w: w, x: x, start: ChannelLanesTile.start(a.bias + r0, rows: count),
                                 addend: a.residual.map { $0 + at }, rows: count, y: a.y + at, ldy: hw)
        }
    }
}

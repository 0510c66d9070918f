// x (N, C, H, W), w (OC, C, KH, KW) -> y (N, OC, OH, OW) for small maps whose column count the
// 16-wide pointwise tiles cover badly (AVX-512: 5x5 is 25 = 16 + 8 + 1 columns, 3x3 is 9).
//
// Per image, y (OC, OH*OW) = f(w (OC, K) * col (K, OH*OW) + b + residual), K = C * KH * KW, on
// `ChannelLanesTile` (output channels in the lanes, columns in registers):
//   1. unless the convolution is pointwise (its input already is col), the workers unroll the
//      column matrix into the shared scratch, a run of input channels each;
//   2. the workers take ranges of L-channel weight panels (packed at load by
//      `PointwiseWeights` with panels L high) and run them over the map's columns, in tiles of 7 to 13
//      (`ChannelLanesTile.split`), K in blocks of about `tiledBlockBudget` floats of col so that
//      a block stays in L2 while the panels sweep it. Partial sums go through y (a block adds
//      what the one before stored); bias and residual come with the first block, the
//      activation with the last.

import KernelSupport

extension Convolution {
    /// Whether `g` can run on the channel-lanes tiles: one group, at least
    /// `ChannelLanesTile.minimumColumns` output pixels.
    static func channelLanesApplies(_ g: ConvShape) -> Bool {
        g.groups == 1 && g.outputHeight * g.outputWidth >= ChannelLanesTile.minimumColumns
    }

    /// The shortest reduction the channel lanes are chosen for: below it their transposed store
    /// is not amortised (5x5 maps, one AMD EPYC core, with the store transposing in registers:
    /// 16 -> 64 1x1 38 GFLOP/s on the lanes against 41 on the pointwise tiles, 32 -> 64 58
    /// against 58, 64 -> 64 76 against 67).
    static let channelLanesMinimumDepth = 64

    /// Whether one image of `g` runs faster on the channel-lanes tiles than on the pointwise ones
    /// (the pointwise path or tiled columns): with AVX-512, a map of up to 14x14 whose columns
    /// leave more than `PointwiseTile.narrowColumns` over a multiple of 16 (those would go to
    /// the half-width `eight` tile), K at least `channelLanesMinimumDepth`. Without AVX-512 the
    /// 8-lane tiles cover any map at full width.
    static func prefersChannelLanes(_ g: ConvShape) -> Bool {
        #if NETDISSECT_ISA_AVX512
        let hw = g.outputHeight * g.outputWidth
        return channelLanesApplies(g) && hw <= tiledColumnsLimit && g.reductionLength >= channelLanesMinimumDepth
            && hw % PointwiseTile.columns > PointwiseTile.narrowColumns
        #else
        return false
        #endif
    }

    /// How one call is cut into work items.
    struct ChannelLanesPlan: Equatable {
        /// Input channels per unrolling item, and items per image (none when pointwise).
        var channelsPerChunk: Int, chunks: Int
        /// Panels of L output channels, panels per item, and items per image.
        var panels: Int, panelsPerItem: Int, panelItems: Int
        /// Rows of K per block.
        var depth: Int
        /// Floats of the unrolled column matrix (shared; 0 when pointwise).
        var columnFloats: Int
    }

    func channelLanesPlan(parallelism: Parallelism) -> ChannelLanesPlan {
        let g = shape
        let hw = g.outputHeight * g.outputWidth, k = g.reductionLength
        let taps = k / g.inputChannels
        let unrolls = !Self.isPointwise(g)
        let perChunk = Self.unrollChannels(g, taps: taps, hw: hw)
        let panels = (g.outputChannels + ChannelLanesTile.lanes - 1) / ChannelLanesTile.lanes
        let target = parallelism.threads > 1 ? 4 * parallelism.threads : 1
        let perItem = parallelism.balancedChunk(panels, largest: (panels + target - 1) / target)
        let rowsPerBlock = max(1, Self.tiledBlockBudget / hw)
        let blocks = (k + rowsPerBlock - 1) / rowsPerBlock
        return ChannelLanesPlan(
            channelsPerChunk: perChunk, chunks: unrolls ? (g.inputChannels + perChunk - 1) / perChunk : 0,
            panels: panels, panelsPerItem: perItem, panelItems: (panels + perItem - 1) / perItem,
            depth: (k + blocks - 1) / blocks, columnFloats: unrolls ? k * hw : 0)
    }

    func runChannelLanes(_ a: Arguments, parallelism: Parallelism) {
        let g = shape
        let plan = channelLanesPlan(parallelism: parallelism)
        let hw = g.outputHeight * g.outputWidth, k = g.reductionLength
        let taps = k / g.inputChannels, plane = g.inputHeight * g.inputWidth
        let widths = ChannelLanesTile.split(hw)
        let depthBlocks = (k + plan.depth - 1) / plan.depth
        for image in 0..<a.batch {
            let x = a.x + image * g.inputCount
            let col: UnsafePointer<Float>
            if plan.columnFloats > 0 {
                let unrolled = a.scratch!
                parallelism.forEach(plan.chunks) { chunk, _ in
                    let c0 = chunk * plan.channelsPerChunk, c1 = min(g.inputChannels, c0 + plan.channelsPerChunk)
                    im2col(x + c0 * plane, unrolled + c0 * taps * hw, rows: 0..<g.outputHeight, ld: hw, channels: c1 - c0)
                }
                col = UnsafePointer(unrolled)
            } else {
                col = x
            }
            let out = image * g.outputCount
            parallelism.forEach(plan.panelItems) { item, _ in
                let p0 = item * plan.panelsPerItem, p1 = min(plan.panels, p0 + plan.panelsPerItem)
                for block in 0..<depthBlocks {
                    let k0 = block * plan.depth
                    let job = ChannelLanesBlock(
                        a: a, col: col, out: out, hw: hw, k: k, k0: k0, depth: min(plan.depth, k - k0),
                        first: block == 0, panels: p0..<p1, outputs: g.outputChannels, widths: widths)
                    if block == depthBlocks - 1 { activation.accept(job) } else { job.visit(Identity()) }
                }
            }
        }
    }
}

/// One K block of one panel range: every panel over every column tile, adding to what the
/// previous blocks stored in y.
private struct ChannelLanesBlock: ActivationVisitor {
    let a: Convolution.Arguments
    /// The image's column matrix (K, hw), the offset of its output, and pixels per map.
    let col: UnsafePointer<Float>, out: Int, hw: Int
    /// The whole depth, this block's rows of it, and whether it is the first.
    let k: Int, k0: Int, depth: Int, first: Bool
    let panels: Range<Int>, outputs: Int
    let widths: [Int]

    func visit<F: VectorFunction>(_ f: F) {
        let lanes = ChannelLanesTile.lanes
        var panel = panels.lowerBound
        while panel < panels.upperBound {
            // Two panels at a time where the tile runs a pair (the first full, the second here).
            let pair = ChannelLanesTile.pairs && panel + 1 < panels.upperBound && (panel + 1) * lanes < outputs
            let r0 = panel * lanes, rows = min(lanes, outputs - r0)
            let w = a.weights + (panel * k + k0) * lanes
            let y = a.y + out + r0 * hw
            // The first block starts from the bias and adds the model's residual; the others add
            // the sums so far.
            let start = ChannelLanesTile.start(first ? a.bias + r0 : nil, rows: rows)
            let addend = first ? a.residual.map { $0 + out + r0 * hw } : UnsafePointer(y)
            var j = 0
            for width in widths {
                let x = LanesRows.matrix(col + k0 * hw + j, rows: depth, ld: hw)
                if pair {
                    #if NETDISSECT_ISA_AVX512
                    let r1 = r0 + lanes, second = min(lanes, outputs - r1)
                    ChannelLanesTile.runPair(f, width: width, w: w, second: k * lanes, x: x, start: start,
                                             startSecond: ChannelLanesTile.start(first ? a.bias + r1 : nil, rows: second),
                                             addend: addend.map { $0 + j }, rows: second, y: y + j, ldy: hw)
                    #endif
                } else {
                    ChannelLanesTile.run(f, width: width, w: w, x: x, start: start, addend: addend.map { $0 + j },
                                         rows: rows, y: y + j, ldy: hw)
                }
                j += width
            }
            panel += pair ? 2 : 1
        }
    }
}

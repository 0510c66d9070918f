// x (N, C, H, W), w (OC, C/groups, KH, KW) -> y (N, OC, OH, OW), through sgemm.
//
// The output of one group is the product w (OC/g, K) * col (K, columns), K = C/g * KH * KW, cut
// into panels of columns and blocks of output channels so that each piece stays in cache from the
// moment it is produced to the end of its epilogue:
//
//   - Large maps: a panel is a range of one image's output rows. The column matrix is unrolled
//     into the worker's scratch, and sgemm writes straight into y.
//   - Small maps (late layers) with a batch: a panel is several whole images side by side, so
//     sgemm gets a useful width and packs the weights once for all of them. The product goes to
//     the worker's scratch, and the epilogue scatters it into each image's place in y.
//   - Too few panels for the workers (small maps of one image): blocks of output channels share
//     each panel. Then the column matrices are unrolled first, once, into shared scratch (the
//     workers split them by input channel), and the blocks' products read them from there;
//     otherwise every block would unroll the same panel again.
//
// The bias is written into the product's place first and sgemm accumulates onto it (beta 1): that
// replaces OpenBLAS's zeroing pass, and leaves the epilogue (residual, activation) with nothing
// to do at all when there is neither.
import Foundation
import KernelSupport

extension Convolution {
    /// Floats of one worker's column matrix we aim for (512 KiB), when that leaves a panel at
    /// least `minimumColumns` wide: it is read back by sgemm's packing right after it is written.
    static let columnBudget = 1 << 17
    /// The narrowest panel we choose for cache reasons: every sgemm call packs its block of
    /// weights again, so narrow panels pay that packing many times over.
    static let minimumColumns = 256
    /// Columns a panel of whole images aims for; maps smaller than half of it are batched.
    static let batchedColumns = 512
    /// The narrowest panel worth splitting for parallelism, in columns.
    static let minimumPanelColumns = 256
    /// The smallest output-channel block worth splitting for parallelism or cache.
    static let minimumChannelBlock = 16

    /// How the output of one call is cut into work items.
    struct PanelPlan: Equatable {
        /// Images side by side in one panel; 1 for panels within an image.
        var images: Int
        /// Output columns of a full panel (images * OH * OW when images > 1; a multiple of OW
        /// for im2col panels within an image).
        var columns: Int
        /// Panels per image when images == 1, otherwise groups of images per batch.
        var panels: Int
        /// Output channels per block, and blocks per group.
        var channelBlock: Int, channelBlocks: Int
        /// Floats of scratch per worker: the column matrix, and the product block of batched panels.
        var columnFloats: Int, outputFloats: Int
        /// Whether the column matrices of all panels are unrolled once, into shared scratch of
        /// `sharedFloats` (a `columnFloats` slot per panel and group), before the products: when
        /// several output-channel blocks share a panel. Workers then need no scratch of their own.
        var sharedColumns: Bool { channelBlocks > 1 && images == 1 }
        var sharedFloats: Int

        /// Floats of scratch a call needs with `threads` workers.
        func scratchFloats(threads: Int) -> Int {
            sharedColumns ? sharedFloats : threads * (columnFloats + outputFloats)
        }
    }

    func panelPlan(batch: Int, parallelism: Parallelism) -> PanelPlan {
        let g = shape
        let oh = g.outputHeight, ow = g.outputWidth, hw = oh * ow
        let k = g.reductionLength, ocg = g.groupOutputChannels
        let target = parallelism.threads > 1 ? 2 * parallelism.threads : 1
        var images = 1, columns: Int, panels: Int
        if batch > 1 && 2 * hw <= Self.batchedColumns {
            images = min(batch, Self.batchedColumns / hw)
            while images > 1 && g.groups * ((batch + images - 1) / images) < target { images = (images + 1) / 2 }
        }
        if images > 1 {
            // Equal groups, as many as a multiple of the workers, so none waits on a short one.
            panels = (batch + images - 1) / images
            let threads = parallelism.threads
            if g.groups == 1 && panels > 1 { panels = (panels + threads - 1) / threads * threads }
            images = (batch + panels - 1) / panels
            panels = (batch + images - 1) / images
            columns = images * hw
        } else {
            // Columns per panel: whole rows, bounded by the column matrix but not below
            // `minimumColumns`.
            let unit = ow
            let wanted = max(Self.minimumColumns, Self.columnBudget / k)
            columns = min(hw, (wanted + unit - 1) / unit * unit)
            panels = (hw + columns - 1) / columns
            while batch * g.groups * panels < target && columns / 2 >= max(unit, Self.minimumPanelColumns) {
                columns = (columns / 2 + unit - 1) / unit * unit
                panels = (hw + columns - 1) / columns
            }
            // A few panels are dealt out evenly: three over two workers leave one idle for a
            // third of the call, so they become four narrower ones.
            let threads = parallelism.threads, perPanel = batch * g.groups
            if threads > 1 && (perPanel * panels) % threads != 0 && perPanel * panels < 4 * threads {
                var wanted = panels + 1
                while (perPanel * wanted) % threads != 0 { wanted += 1 }
                if (oh + wanted - 1) / wanted * ow >= Self.minimumPanelColumns {
                    columns = (oh + wanted - 1) / wanted * ow
                    panels = (hw + columns - 1) / columns
                }
            }
        }
        let items = (images > 1 ? panels : batch * panels) * g.groups
        // Channel blocks: to give every worker an item.
        let forThreads = items < target ? (target + items - 1) / items : 1
        let blocks = max(1, min(forThreads, ocg / Self.minimumChannelBlock))
        let block = (ocg + blocks - 1) / blocks
        let columnFloats = k * columns
        return PanelPlan(images: images, columns: columns, panels: panels,
                         channelBlock: block, channelBlocks: (ocg + block - 1) / block,
                         columnFloats: columnFloats,
                         outputFloats: images > 1 ? block * columns : 0,
                         sharedFloats: images > 1 ? 0 : items * columnFloats)
    }

    func runGEMM(_ a: Arguments, parallelism: Parallelism) {
        let g = shape
        let plan = panelPlan(batch: a.batch, parallelism: parallelism)
        let hw = g.outputHeight * g.outputWidth, ow = g.outputWidth
        let k = g.reductionLength, ocg = g.groupOutputChannels
        let groupInput = g.groupInputChannels * g.inputHeight * g.inputWidth
        let perWorker = plan.columnFloats + plan.outputFloats
        let panelItems = plan.images > 1 ? plan.panels : a.batch * plan.panels
        // Panel `panel` (images == 1) of group `group`: its image, first column and width, and
        // its input.
        func within(_ panel: Int, group: Int) -> (image: Int, c0: Int, columns: Int, x: UnsafePointer<Float>) {
            let image = panel / plan.panels
            let c0 = (panel % plan.panels) * plan.columns
            return (image, c0, min(plan.columns, hw - c0), a.x + image * g.inputCount + group * groupInput)
        }
        if plan.sharedColumns {
            // Every (panel, group) column matrix, unrolled once, split by input channel.
            let taps = k / g.groupInputChannels
            parallelism.forEachRun(slots: panelItems * g.groups, of: g.groupInputChannels) { slot, channels, _ in
                let p = within(slot / g.groups, group: slot % g.groups)
                im2col(p.x + channels.lowerBound * g.inputHeight * g.inputWidth,
                       a.scratch! + slot * plan.columnFloats + channels.lowerBound * taps * p.columns,
                       rows: p.c0 / ow..<(p.c0 + p.columns) / ow, ld: p.columns, channels: channels.count)
            }
        }
        parallelism.forEach(panelItems * g.groups * plan.channelBlocks) { item, worker in
            var rest = item
            let block = rest % plan.channelBlocks; rest /= plan.channelBlocks
            let group = rest % g.groups
            let panel = rest / g.groups
            let oc0 = group * ocg + block * plan.channelBlock
            let ocCount = min(plan.channelBlock, ocg - block * plan.channelBlock)
            let weights = a.weights + oc0 * k
            if plan.images == 1 {
                let p = within(panel, group: group)
                let col: UnsafeMutablePointer<Float>
                if plan.sharedColumns {
                    col = a.scratch! + (panel * g.groups + group) * plan.columnFloats
                } else {
                    col = a.scratch! + worker * perWorker
                    im2col(p.x, col, rows: p.c0 / ow..<(p.c0 + p.columns) / ow, ld: p.columns)
                }
                let y = a.y + p.image * g.outputCount + oc0 * hw + p.c0
                product(weights, col, p.columns, y, ldc: hw, rows: ocCount, columns: p.columns, channel: oc0)
                epilogue(a, from: y, ld: hw, image: p.image, channel: oc0, rows: ocCount, offset: p.c0,
                         columns: p.columns)
            } else {
                let first = panel * plan.images, count = min(plan.images, a.batch - first)
                let columns = count * hw
                let col = a.scratch! + worker * perWorker, out = col + plan.columnFloats
                for i in 0..<count {
                    let xg = a.x + (first + i) * g.inputCount + group * groupInput
                    im2col(xg, col + i * hw, rows: 0..<g.outputHeight, ld: columns)
                }
                product(weights, col, columns, out, ldc: columns, rows: ocCount, columns: columns, channel: oc0)
                for i in 0..<count {
                    epilogue(a, from: out + i * hw, ld: columns, image: first + i, channel: oc0, rows: ocCount,
                             offset: 0, columns: hw)
                }
            }
        }
    }

    /// c (rows, columns) = bias[channel...] broadcast along each row + w (rows, K) * b (K, columns).
    @inline(__always)
    private func product(_ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ ldb: Int,
                         _ c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int, channel: Int) {
        let k = shape.reductionLength
        for r in 0..<rows {
            Runs.fill(c + r * ldc, bias[channel + r], columns)
        }
        // c (rows, columns) = w (rows, K) * col (K, columns) + c
        BLAS.sgemm(m: rows, n: columns, k: k,
                   a: w, lda: k,
                   b: b, ldb: ldb,
                   beta: 1,
                   c: c, ldc: ldc)
    }

    /// x (channels, H, W) -> col (channels * KH * KW, rows.count * OW) with row stride `ld`:
    /// row (c, kh, kw), column (oh, ow) holds x[c, oh*sH - padTop + kh*dH, ow*sW - padLeft + kw*dW],
    /// or 0 in the padding. `channels` is all of a group's by default, or a run of them.
    func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, rows: Range<Int>, ld: Int,
                channels: Int? = nil) {
        let g = shape, w = g.window
        let channels = channels ?? g.groupInputChannels
        if w.strideHeight == 1 && w.strideWidth == 1 && g.outputWidth == g.inputWidth {
            im2colSameWidth(x, col, rows: rows, ld: ld, channels: channels)
            return
        }
        let h = g.inputHeight, width = g.inputWidth, ow = g.outputWidth
        var dst = col
        for c in 0..<channels {
            let xc = x + c * h * width
            for kh in 0..<w.kernelHeight {
                for kw in 0..<w.kernelWidth {
                    let span = GatherSpan(outputs: ow, offset: kw * w.dilationWidth - w.padLeft,
                                          stride: w.strideWidth, width: width)
                    for oh in rows {
                        let ih = oh * w.strideHeight - w.padTop + kh * w.dilationHeight
                        let out = dst + (oh - rows.lowerBound) * ow
                        if ih >= 0 && ih < h {
                            span.gather(xc + ih * width, into: out)
                        } else {
                            Runs.fill(out, 0, ow)
                        }
                    }
                    dst += ld
                }
            }
        }
    }

    /// im2col for stride 1 with OW == W (a "same" convolution, 3x3 pad 1): the rows of one tap
    /// are the input plane shifted by (kh dH - padTop) rows and (kw dW - padLeft) columns, so the
    /// valid rows are one contiguous copy, after which the columns that wrapped around a row
    /// edge are zeroed.
    private func im2colSameWidth(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>,
                                 rows: Range<Int>, ld: Int, channels: Int) {
        let g = shape, w = g.window
        let h = g.inputHeight, width = g.inputWidth
        var dst = col
        for c in 0..<channels {
            let xc = x + c * h * width
            for kh in 0..<w.kernelHeight {
                let shift = kh * w.dilationHeight - w.padTop
                // Output rows of the panel whose input row oh + shift is inside the plane.
                let first = max(rows.lowerBound, -shift), last = min(rows.upperBound, h - shift)
                for kw in 0..<w.kernelWidth {
                    let offset = kw * w.dilationWidth - w.padLeft
                    if first >= last {
                        Runs.fill(dst, 0, rows.count * width)
                        dst += ld
                        continue
                    }
                    let top = (first - rows.lowerBound) * width, count = (last - first) * width
                    Runs.fill(dst, 0, top)
                    // dst[top + i] = x[(first + shift) * W + offset + i], skipping what would
                    // read before the plane or past its end (those are wrapped columns anyway).
                    let source = (first + shift) * width + offset
                    let skip = max(0, -source), stop = min(count, h * width - source)
                    Runs.copy(xc + source + skip, dst + top + skip, stop - skip)
                    if skip > 0 { Runs.fill(dst + top, 0, skip) }
                    if stop < count { Runs.fill(dst + top + stop, 0, count - stop) }
                    // Columns that wrapped: the first -offset or the last offset of every row.
                    if offset != 0 {
                        let edge = offset < 0 ? 0 : width - offset, n = min(width, abs(offset))
                        for oh in first..<last { Runs.fill(dst + top + (oh - first) * width + edge, 0, n) }
                    }
                    let bottom = top + count
                    Runs.fill(dst + bottom, 0, rows.count * width - bottom)
                    dst += ld
                }
            }
        }
    }
}

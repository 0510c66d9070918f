// x (N, C, H, W), w (OC, C/groups, KH, KW) -> y (N, OC, OH, OW), through sgemm.
//
// Per (image, group, panel of output rows, block of output channels):
//   col (C/g * KH * KW, rows * OW)  <- im2col of the panel (skipped for pointwise: x is col)
//   y[oc block, panel] (OCb, rows * OW) = w[oc block] (OCb, C/g * KH * KW) * col
// then the epilogue on that block. A panel is sized so its column matrix stays in the worker's
// cache (`columnBudget`); panels shrink and channel blocks appear only when there are too few
// items to keep every worker busy (a batch of one image, small late-layer maps).
import Foundation

extension Convolution {
    /// Floats of one worker's column matrix we aim for (1 MiB): large enough for sgemm to run
    /// near peak, small enough to stay in L2 while sgemm reads it.
    static let columnBudget = 1 << 18
    /// The narrowest panel worth splitting for parallelism, in columns.
    static let minimumPanelColumns = 64
    /// The smallest output-channel block worth splitting for parallelism.
    static let minimumChannelBlock = 16

    /// How the output of one call is cut into work items.
    struct PanelPlan: Equatable {
        /// Output rows per panel, and panels per image and group.
        var rows: Int, panels: Int
        /// Largest column count of a panel, `rows * OW`.
        var columns: Int
        /// Output channels per block, and blocks per group.
        var channelBlock: Int, channelBlocks: Int
    }

    func panelPlan(batch: Int, parallelism: Parallelism) -> PanelPlan {
        let g = geometry
        let oh = g.outputHeight, ow = g.outputWidth
        let k = g.reductionLength
        var rows = algorithm == .pointwise ? oh : min(oh, max(1, Self.columnBudget / (k * ow)))
        var panels = (oh + rows - 1) / rows
        let target = parallelism.threads > 1 ? 2 * parallelism.threads : 1
        func items() -> Int { batch * g.groups * panels }
        while items() < target && rows > 1 && ((rows + 1) / 2) * ow >= Self.minimumPanelColumns {
            rows = (rows + 1) / 2
            panels = (oh + rows - 1) / rows
        }
        let ocg = g.groupOutputChannels
        var block = ocg
        if items() < target {
            let wanted = (target + items() - 1) / items()
            let blocks = max(1, min(wanted, ocg / Self.minimumChannelBlock))
            block = (ocg + blocks - 1) / blocks
        }
        return PanelPlan(rows: rows, panels: panels, columns: rows * ow,
                         channelBlock: block, channelBlocks: (ocg + block - 1) / block)
    }

    func runGEMM(_ a: Arguments, parallelism: Parallelism) {
        let g = geometry
        let plan = panelPlan(batch: a.batch, parallelism: parallelism)
        let ow = g.outputWidth, plane = g.outputHeight * ow
        let k = g.reductionLength
        let groupInput = g.groupInputChannels * g.inputHeight * g.inputWidth
        let ocg = g.groupOutputChannels
        let perWorker = k * plan.columns
        let items = a.batch * g.groups * plan.panels * plan.channelBlocks
        parallelism.forEach(items) { item, worker in
            var rest = item
            let block = rest % plan.channelBlocks; rest /= plan.channelBlocks
            let panel = rest % plan.panels; rest /= plan.panels
            let group = rest % g.groups
            let image = rest / g.groups
            let oh0 = panel * plan.rows, oh1 = min(g.outputHeight, oh0 + plan.rows)
            let columns = (oh1 - oh0) * ow
            let oc0 = group * ocg + block * plan.channelBlock
            let ocCount = min(plan.channelBlock, ocg - block * plan.channelBlock)
            let xg = a.x + image * g.inputCount + group * groupInput

            let b: UnsafePointer<Float>, ldb: Int
            if algorithm == .pointwise {
                b = xg + oh0 * ow
                ldb = plane
            } else {
                let col = a.scratch! + worker * perWorker
                im2col(xg, col, rows: oh0..<oh1)
                b = UnsafePointer(col)
                ldb = columns
            }
            // y block (OCb, columns) = w block (OCb, K) * col (K, columns)
            BLAS.sgemm(m: ocCount, n: columns, k: k,
                       a: a.weights + oc0 * k, lda: k,
                       b: b, ldb: ldb,
                       c: a.y + image * g.outputCount + oc0 * plane + oh0 * ow, ldc: plane)
            epilogue(a, image: image, channel: oc0, rows: ocCount, offset: oh0 * ow, columns: columns)
        }
    }

    /// x (C/g, H, W) of one group -> col (C/g * KH * KW, rows.count * OW): row (c, kh, kw),
    /// column (oh, ow) holds x[c, oh*sH - padTop + kh*dH, ow*sW - padLeft + kw*dW], or 0 in the
    /// padding.
    func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        let g = geometry, w = g.window
        let h = g.inputHeight, width = g.inputWidth, ow = g.outputWidth
        let columns = rows.count * ow
        var dst = col
        for c in 0..<g.groupInputChannels {
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
                            out.update(repeating: 0, count: ow)
                        }
                    }
                    dst += columns
                }
            }
        }
    }
}


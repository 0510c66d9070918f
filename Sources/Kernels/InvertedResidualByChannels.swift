// x (N, C, H, W) -> [expand 1x1, C -> E, f1] -> depthwise KHxKW, stride s, E channels, f2
//   -> project 1x1, E -> OC, f3 (+ residual) -> y (N, OC, OH, OW)
//
// MobileNetV2's inverted residual block on the small maps (28x28 and below, where the depthwise
// convolution runs interleaved), cut by expanded channels instead of by rows. Run layer by layer
// on a batch of one image, each layer splits the workers its own way: the expansion by columns
// (every worker reads all of its weights), the depthwise convolution by blocks of channels (half
// of its input was written by the other core), the projection by columns again, with a barrier
// after each. On two workers those depthwise layers ran only 1.1-1.4x faster than on one.
//
// Here a work item is (image, channel group): the worker expands its group's E/G channels over the
// whole map (its panels of the expansion's weights only), runs their depthwise convolution from its
// own cache (the interleaved path's blocks of eight channels), and projects them with its slice of
// the projection's weights: a partial sum (OC, OH * OW) over its group of the E channels. The first
// group writes y (with the bias and the residual), the others their partial sums, which a second
// loop adds into y, applying f3 with the last. With G = 1 an image's block is one item, written
// straight into y. `FastKernels` uses the block only when G > 1 (batch 1 on two workers), where
// MobileNetV2 ran 4 % (AVX-512) and 10 % (AVX2) faster than with the layers one by one; per image
// (G = 1, as image lanes run batches) it was level or behind (benchmarks/README.md, "Inverted
// residual by channels").
//
// Each value is computed by the separate kernels' code (pointwise tiles, the interleaved depthwise
// block), so the block matches the layers run one by one up to a few ulps: the projection's sum
// over E is split in G partial sums added at the end (InvertedResidualByChannelsTests).

import KernelSupport

/// An inverted residual block on a small map, each image's block cut into groups of expanded
/// channels that run as separate work items.
public struct InvertedResidualByChannels: Sendable {
    /// Pointwise, one group; nil when the block has no expansion (its depthwise reads x).
    public let expand: Convolution?
    /// Depthwise, `.interleavedDepthwise` algorithm.
    public let depthwise: Convolution
    /// Pointwise, one group.
    public let project: Convolution
    /// Floats of one worker's buffers: the group's expanded map (E, H * W) and its depthwise
    /// output (E, OH * OW), sized for one group of all E channels; the interleaved block's padded
    /// input and products; the pointwise tiles' scratch.
    let expandedFloats: Int, depthwiseFloats: Int, interleavedFloats: Int, tileFloats: Int
    /// OC zeros: the bias of every group's partial sum but the first.
    let zeros: [Float]
    /// How the expansion and the projection cut their columns, as they would run alone on one
    /// worker: blocks of x that stay in L1/L2 while every panel of weights sweeps them.
    let expandPlan: Convolution.PointwisePlan?, projectPlan: Convolution.PointwisePlan

    /// Group boundaries are multiples of this many channels: of a panel of the expansion's
    /// weights (6 output channels) and of an interleaved depthwise block (8 channels).
    static let groupAlignment = 24

    /// Whether the three shapes chain into a block (`InvertedResidual.chain`) whose depthwise
    /// convolution's map is small enough for the interleaved path.
    public static func applies(expand: ConvShape?, depthwise d: ConvShape, project p: ConvShape) -> Bool {
        InvertedResidual.chain(expand: expand, depthwise: d, project: p) && Convolution.usesInterleavedDepthwise(d)
    }

    /// - Precondition: the shapes chain (`applies`); `depthwise` uses the `.interleavedDepthwise`
    ///   algorithm, `expand` and `project` `.pointwise`.
    public init(expand: Convolution?, depthwise: Convolution, project: Convolution) {
        precondition(Self.applies(expand: expand?.shape, depthwise: depthwise.shape, project: project.shape)
                     && depthwise.algorithm == .interleavedDepthwise && project.algorithm == .pointwise
                     && (expand?.algorithm ?? .pointwise) == .pointwise,
                     "InvertedResidualByChannels: the convolutions do not chain into a block")
        self.expand = expand
        self.depthwise = depthwise
        self.project = project
        let d = depthwise.shape, e = d.inputChannels
        let hw = d.inputHeight * d.inputWidth, ohw = d.outputHeight * d.outputWidth
        expandedFloats = expand == nil ? 0 : InvertedResidual.aligned(e * hw)
        depthwiseFloats = InvertedResidual.aligned(e * ohw)
        let layout = depthwise.interleavedPlane!
        interleavedFloats = InvertedResidual.aligned(layout.paddedFloats + layout.outputFloats)
        let one = Parallelism(threads: 1)
        expandPlan = expand?.pointwisePlan(batch: 1, parallelism: one)
        projectPlan = project.pointwisePlan(batch: 1, parallelism: one)
        tileFloats = InvertedResidual.aligned(max(expandPlan?.packedFloats ?? 0, projectPlan.packedFloats)
                                  + 2 * PointwiseTile.rows * PointwiseTile.columns)
        zeros = [Float](repeating: 0, count: project.shape.outputChannels)
    }

    /// Expanded channels.
    var channels: Int { depthwise.shape.inputChannels }

    /// Floats of one worker's scratch.
    var workerFloats: Int { expandedFloats + depthwiseFloats + interleavedFloats + tileFloats }

    /// Channel groups each image is cut into for `batch` images on `threads` workers: enough for
    /// batch x groups to be a multiple of the workers, each of at least 24 channels.
    func groups(batch: Int, threads: Int) -> Int { Self.groups(channels: channels, batch: batch, threads: threads) }

    /// `groups(batch:threads:)` for a block of `channels` expanded channels.
    static func groups(channels: Int, batch: Int, threads: Int) -> Int {
        let most = max(1, channels / groupAlignment)
        return min(most, InvertedResidual.partsPerImage(batch: batch, threads: threads))
    }

    /// The first channel of group `g` of `count` (`channels` for g == count): the nearest
    /// multiple of 24 to an even share.
    func groupStart(_ g: Int, of count: Int) -> Int {
        if g >= count { return channels }
        let even = channels * g / count
        return min(channels, (even + Self.groupAlignment / 2) / Self.groupAlignment * Self.groupAlignment)
    }

    /// Floats of scratch `run` needs for `batch` images with `parallelism`: each worker's buffers,
    /// then every group's partial sums but the first's.
    public func scratchCount(batch: Int, parallelism: Parallelism) -> Int {
        let partials = groups(batch: batch, threads: parallelism.threads) - 1
        return parallelism.threads * workerFloats + partials * batch * project.shape.outputCount
    }

    /// Runs the block on `batch` images: y = f3(project(f2(depthwise(f1(expand(x))))) + residual).
    ///
    /// - Parameters:
    ///   - x: `batch * C * H * W` floats.
    ///   - y: `batch * OC * OH * OW` floats; must not overlap `x` or `residual`.
    ///   - residual: nil, or a tensor shaped like `y` added before f3.
    ///   - scratch: at least `scratchCount(batch:parallelism:)` floats.
    public func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                    residual: UnsafePointer<Float>? = nil,
                    scratch: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        let groups = groups(batch: batch, threads: parallelism.threads)
        let layout = depthwise.interleavedPlane!
        let outputCount = project.shape.outputCount
        let partials = scratch + parallelism.threads * workerFloats
        // The padded buffer's border is zeros for every block: written once per worker, then each
        // block overwrites only the interior.
        for worker in 0..<parallelism.threads {
            Runs.fill(scratch + worker * workerFloats + expandedFloats + depthwiseFloats, 0, layout.paddedFloats)
        }
        let weights = Weights(expand: expand, depthwise: depthwise, project: project, zeros: zeros)
        weights.withPointers { w in
            parallelism.forEach(batch * groups) { item, worker in
                let image = item / groups, group = item % groups
                let first = group == 0
                let target = first ? y + image * outputCount : partials + ((group - 1) * batch + image) * outputCount
                runGroup(groupStart(group, of: groups)..<groupStart(group + 1, of: groups), image: image, x: x,
                         into: target, residual: first ? residual.map { $0 + image * outputCount } : nil,
                         finished: groups == 1, scratch: scratch + worker * workerFloats, weights: w)
            }
        }
        guard groups > 1 else { return }
        // y += the other groups' partial sums, f3 applied with the last, a row of OH * OW at a time.
        let plane = project.shape.outputHeight * project.shape.outputWidth
        let rows = batch * project.shape.outputChannels
        let activation = project.activation
        parallelism.forEachRange(rows, grain: parallelism.grain(for: rows)) { range, _ in
            for row in range {
                let at = row * plane
                for group in 1..<groups {
                    let partial = partials + (group - 1) * batch * outputCount + at
                    (group == groups - 1 ? activation : .none).apply(y + at, partial, y + at, count: plane)
                }
            }
        }
    }

    /// The three convolutions' packed weights and biases, as pointers for the call.
    private struct Weights {
        let expand: Convolution?, depthwise: Convolution, project: Convolution, zeros: [Float]

        struct Pointers {
            let expand: UnsafePointer<Float>?, expandBias: UnsafePointer<Float>?
            let depthwise: UnsafePointer<Float>, depthwiseBias: UnsafePointer<Float>
            let project: UnsafePointer<Float>, projectBias: UnsafePointer<Float>, zeros: UnsafePointer<Float>
            let taps: UnsafePointer<Int>, packOffsets: UnsafePointer<Int>
        }

        func withPointers(_ body: (Pointers) -> Void) {
            let layout = depthwise.interleavedPlane!
            let noWeights: [Float] = []
            (expand?.weights ?? noWeights).withUnsafeBufferPointer { ew in
            (expand?.bias ?? noWeights).withUnsafeBufferPointer { eb in
            depthwise.weights.withUnsafeBufferPointer { dw in
            depthwise.bias.withUnsafeBufferPointer { db in
            project.weights.withUnsafeBufferPointer { pw in
            project.bias.withUnsafeBufferPointer { pb in
            zeros.withUnsafeBufferPointer { z in
            layout.tapOffsets.withUnsafeBufferPointer { taps in
            layout.packOffsets.withUnsafeBufferPointer { pack in
                body(Pointers(expand: expand == nil ? nil : ew.baseAddress!, expandBias: expand == nil ? nil : eb.baseAddress!,
                              depthwise: dw.baseAddress!, depthwiseBias: db.baseAddress!,
                              project: pw.baseAddress!, projectBias: pb.baseAddress!, zeros: z.baseAddress!,
                              taps: taps.baseAddress!, packOffsets: pack.baseAddress!))
            }}}}}}}}}
        }
    }

    /// Channels `group` of image `image`, in one worker's scratch: expanded, their depthwise
    /// convolution, and their share of the projection written to `target` (OC, OH * OW): with the
    /// bias and `residual` for the group from channel 0, f3 applied when `finished` (one group).
    private func runGroup(_ group: Range<Int>, image: Int, x: UnsafePointer<Float>,
                          into target: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?,
                          finished: Bool, scratch: UnsafeMutablePointer<Float>, weights w: Weights.Pointers) {
        let d = depthwise.shape, layout = depthwise.interleavedPlane!
        let hw = d.inputHeight * d.inputWidth, ohw = d.outputHeight * d.outputWidth
        let c0 = group.lowerBound
        let expanded = scratch, depthwiseOut = expanded + expandedFloats
        let padded = depthwiseOut + depthwiseFloats, product = padded + layout.paddedFloats
        let tiles = scratch + expandedFloats + depthwiseFloats + interleavedFloats
        let xImage = x + image * (expand?.shape.inputCount ?? d.inputCount)
        // The group's input channels of the depthwise convolution (group.count, H * W).
        let source: UnsafePointer<Float>
        if let expand, let plan = expandPlan {
            let k = expand.shape.inputChannels
            for block in 0..<plan.columnBlocks {
                let j = block * plan.columns
                expand.activation.accept(PointwiseBlock(
                    weights: w.expand! + c0 / PointwiseTile.rows * PointwiseTile.rows * k,
                    panelFloats: PointwiseTile.rows * k, bias: w.expandBias! + c0,
                    x: xImage + j, ldx: hw, y: expanded + j, residual: nil, packed: nil, scratch: tiles,
                    k: k, hw: hw, columns: plan.end(of: block, hw: hw) - j, rows: group.count))
            }
            source = UnsafePointer(expanded)
        } else {
            source = xImage + c0 * hw
        }
        for b0 in stride(from: c0, to: group.upperBound, by: 8) {
            let n = min(8, group.upperBound - b0)
            Interleave.pack(source + (b0 - c0) * hw, channels: n, positions: hw, offsets: w.packOffsets, into: padded)
            let bias = n == 8 ? w.depthwiseBias.vec8(b0) : Vec8(partial: w.depthwiseBias + b0, count: n)
            depthwise.activation.accept(InterleavedDepthwiseBlock(
                layout: layout, padded: UnsafePointer(padded), taps: w.taps,
                weights: w.depthwise + b0 / 8 * layout.taps * 8, bias: bias, product: product))
            Interleave.unpack(UnsafePointer(product), positions: ohw, channels: n,
                              into: depthwiseOut + (b0 - c0) * ohw, planeStride: ohw)
        }
        // Panel p of the projection's weights holds w[6p + r, k] at [p][k][r]: the group's K
        // columns start c0 * 6 floats into every panel.
        let plan = projectPlan, activation = finished ? project.activation : Activation.none
        for block in 0..<plan.columnBlocks {
            let j = block * plan.columns
            activation.accept(PointwiseBlock(
                weights: w.project + c0 * PointwiseTile.rows, panelFloats: PointwiseTile.rows * channels,
                bias: c0 == 0 ? w.projectBias : w.zeros, x: UnsafePointer(depthwiseOut + j), ldx: ohw,
                y: target + j, residual: residual.map { $0 + j }, packed: nil, scratch: tiles,
                k: group.count, hw: ohw, columns: plan.end(of: block, hw: ohw) - j, rows: project.shape.outputChannels))
        }
    }
}

// x (N, C, H, W), w (OC, C/groups, KH, KW), b (OC) -> y (N, OC, OH, OW)
//
// A convolution prepared once at load (weights packed for the algorithm it will use) and run many
// times. Twelve algorithms, chosen from the shape (and the batch size the caller expects), each
// tested against `Reference.conv`:
//   - pointwise: 1x1, stride 1, no pads. Each image's input already is the (C, H*W) matrix, so
//     y = w (OC, C) * x (C, H*W) by register tiles straight from x, weights packed at load
//     (Convolution+Pointwise.swift).
//   - depthwise: one input channel per group (groups == C, OC = C * multiplier). Too little
//     reduction for sgemm; a vectorised direct loop over a zero-padded copy of each plane.
//   - interleaved depthwise: depthwise with one output per channel on maps up to 28x28, eight
//     channels at a time transposed so a position's channels are one vector
//     (Convolution+InterleavedDepthwise.swift); rows there are too short for the planar loop.
//   - winograd: 3x3, stride 1, one group, enough channels and tiles: F(2x2, 3x3) with its 16
//     products on the pointwise register tiles, 2.25 times fewer multiplications
//     (Convolution+Winograd.swift); winograd4x4, F(4x4, 3x3) with 36 products, 4 times fewer,
//     where its tiles amortise the 4x larger weights (Convolution+Winograd4x4.swift).
//   - winograd line: 1x3, 3x1, 1x5, 5x1, 1x7 and 7x1, stride 1, one group (Inception-v3): F(m, r)
//     along the kernel's axis, 2-2.3 times fewer multiplications (Convolution+WinogradLine.swift).
//   - tiled columns: small maps (up to 14x14) of one image, one group: the column matrix is
//     unrolled into the pointwise kernel's tiles and multiplied by its register tiles, K in
//     blocks (Convolution+TiledColumns.swift); sgemm is slow on such short, deep products.
//   - channel lanes: with AVX-512, small maps of one image (up to 14x14) whose column count
//     leaves 5 to 15 over a multiple of 16 (5x5, 3x3, 11x11), pointwise or not: the output
//     channels in the lanes, each column its own register, so no product runs on half-width
//     tiles (Convolution+ChannelLanes.swift, ChannelLanesTile.swift).
//   - direct lanes: with AVX-512, strided windows wider than a pixel (stride-2 3x3, 7x7 stems),
//     at any batch: the channel-lanes tiles read the input itself, zero-padded and split into
//     stride phases (StridePhases.swift), with no column matrix (Convolution+DirectLanes.swift).
//   - direct rows: with AVX-512, stems (the direct lanes' shapes with at most 4 input channels):
//     the same walk over the stride phases on tiles with the output pixels in the lanes and 8
//     output channels broadcast, so nothing is transposed on the way out (RowLanesTile.swift).
//   - subsampled pointwise: 1x1 with a stride and no pads on outputs of 28x28 and more (ResNet's
//     downsampling): the strided pixels copied into a matrix, then the pointwise path on it
//     (Convolution+Subsampled.swift).
//   - im2col tiles: large maps, one group, reductions up to 1024 deep (stems, strided 3x3):
//     a panel of output rows unrolled, packed and multiplied by the pointwise register tiles,
//     epilogue included (Convolution+Im2colTiles.swift).
//   - im2col: everything else, per group. A panel of output rows is unrolled into a
//     (C/groups * KH * KW, rows * OW) column matrix in the worker's scratch, then one sgemm.
// Bias, an optional residual addend and the activation are applied in the epilogue, to each block
// right after it is produced, while it is still in cache.
//
// Work is split over (image, group, row panel, output-channel block) items so that a batch of one
// still occupies every worker; see `plan`.

/// A 2-D convolution with its weights packed for the fast path, ready to run many times.
import KernelSupport

public struct Convolution: Sendable {
    /// How the convolution is computed.
    public enum Algorithm: Sendable, Hashable {
        /// 1x1, stride 1, no pads: register tiles straight on the input.
        case pointwise
        /// One input channel per group: a direct vectorised loop.
        case depthwise
        /// Depthwise on small maps: eight channels interleaved per position.
        case interleavedDepthwise
        /// Winograd F(2x2, 3x3): transformed tiles, 16 products on register tiles, inverse transform.
        case winograd
        /// Winograd F(4x4, 3x3): the same with 6x6 tiles and 36 products.
        case winograd4x4
        /// Winograd F(m, r) along the long axis of a 1xr or rx1 kernel: m + r - 1 products.
        case winogradLine
        /// Column matrix per row panel, then sgemm; per group.
        case im2col
        /// Column matrix per panel of output rows on the pointwise register tiles; large maps,
        /// one group, short reductions.
        case im2colTiles
        /// Column matrix packed into the pointwise register tiles; small maps, one image.
        case tiledColumns
        /// Column matrix (or a pointwise input) on tiles with the output channels in the lanes;
        /// small maps of one image that 16-column tiles cover badly.
        case channelLanes
        /// The channel-lanes tiles on the input itself, padded and split into stride phases;
        /// strided windows, image by image at any batch.
        case directLanes
        /// The same walk over the stride phases on `RowLanesTile`: output pixels in the lanes, no
        /// transpose; stems (few input channels, short reductions).
        case directRows
        /// 1x1 with a stride, no pads: the strided pixels copied into a matrix, then the pointwise
        /// path on it.
        case subsampledPointwise
    }

    /// Shapes, window and groups.
    public let shape: ConvShape
    /// Applied after bias (and residual) in the epilogue.
    public let activation: Activation
    /// The algorithm chosen for this shape.
    public let algorithm: Algorithm

    /// Weights in the layout of `algorithm`: ONNX's (OC, C/groups, KH, KW) for im2col and
    /// depthwise (it already is the row-major (OC, C/groups*KH*KW) matrix sgemm multiplies by,
    /// and the (multiplier, KH*KW) taps of each depthwise channel); panels of 6 output channels
    /// for pointwise and tiled columns (`PointwiseWeights`), of 16 (8 without AVX-512) for channel lanes and direct lanes, of 8 for direct rows; the transformed (16, OC, C) matrices
    /// U for winograd (36 for winograd4x4, m + r - 1 for winogradLine), each in such panels; (C / 8, KH * KW, 8) blocks for interleaved depthwise.
    let weights: [Float]
    /// OC values, zeros when the model has none.
    let bias: [Float]
    /// Depthwise only: the layout of the padded input plane.
    let paddedPlane: PaddedPlane?
    /// Interleaved depthwise only: the layout of a block's padded input.
    let interleavedPlane: InterleavedPlane?
    /// Winograd line only: the tile, its transforms and the lines' geometry.
    let line: WinogradLine?
    /// Direct lanes only: the layout of the input's padded, phase-split copy and its taps.
    let stridePhases: StridePhases?
    /// Subsampled pointwise only: the pointwise convolution on the subsampled matrix (one element).
    let subsampled: [Convolution]

    /// Prepares a convolution; `weights` is (OC, C/groups, KH, KW), `bias` (OC) or nil.
    ///
    /// - Parameters:
    ///   - expectedBatch: the batch size the caller will mostly run; it decides whether a small
    ///     map has enough Winograd tiles (any batch still runs correctly).
    ///   - algorithm: forces an algorithm instead of choosing one from the shape, for
    ///     benchmarks and tests; it must be one of `algorithms(for:)`.
    /// - Precondition: the shape is valid (`shape.problem == nil`) and the counts match.
    public init(shape: ConvShape, weights: [Float], bias: [Float]?,
                activation: Activation = .none, expectedBatch: Int = 1, algorithm: Algorithm? = nil) {
        precondition(shape.problem == nil, "Convolution: \(shape.problem ?? "")")
        precondition(weights.count == shape.weightCount,
                     "Convolution: \(weights.count) weights, expected \(shape.weightCount)")
        precondition(bias == nil || bias!.count == shape.outputChannels,
                     "Convolution: \(bias!.count) biases, expected \(shape.outputChannels)")
        self.shape = shape
        self.activation = activation
        self.bias = bias ?? [Float](repeating: 0, count: shape.outputChannels)
        precondition(algorithm.map { Self.algorithms(for: shape).contains($0) } ?? true,
                     "Convolution: \(algorithm!) cannot run \(shape)")
        let algorithm = algorithm ?? Self.algorithm(for: shape, expectedBatch: expectedBatch)
        self.algorithm = algorithm
        let line = algorithm == .winogradLine ? WinogradLine(shape) : nil
        self.line = line
        switch algorithm {
        case .winograd, .winograd4x4:
            // U (a * a, OC, C) as a * a groups of (OC, C) in 6-channel panels.
            let g = algorithm == .winograd ? Winograd.g2 : Winograd.g4
            self.weights = PointwiseWeights.pack(
                Winograd.transformWeights(weights, outputChannels: shape.outputChannels,
                                          inputChannels: shape.inputChannels, g: g),
                groups: g.count * g.count, outputsPerGroup: shape.outputChannels, inputs: shape.inputChannels)
        case .winogradLine:
            // U (n, OC, C * s) as n groups of (OC, C * s) in 6-channel panels.
            let line = line!
            self.weights = PointwiseWeights.pack(
                line.transformWeights(weights, outputChannels: shape.outputChannels, inputChannels: shape.inputChannels),
                groups: line.n, outputsPerGroup: shape.outputChannels, inputs: line.depth(channels: shape.inputChannels))
        case .pointwise, .tiledColumns, .im2colTiles:
            self.weights = PointwiseWeights.pack(weights, groups: shape.groups,
                                                 outputsPerGroup: shape.groupOutputChannels,
                                                 inputs: shape.reductionLength)
        case .channelLanes, .directLanes:
            self.weights = PointwiseWeights.pack(weights, groups: 1, outputsPerGroup: shape.outputChannels,
                                                 inputs: shape.reductionLength, rows: ChannelLanesTile.lanes)
        case .directRows:
            self.weights = PointwiseWeights.pack(weights, groups: 1, outputsPerGroup: shape.outputChannels,
                                                 inputs: shape.reductionLength, rows: RowLanesTile.rows)
        case .interleavedDepthwise:
            self.weights = Self.interleaveDepthwiseWeights(weights, channels: shape.inputChannels,
                                                           taps: shape.window.kernelHeight * shape.window.kernelWidth)
        case .depthwise, .im2col:
            self.weights = weights
        case .subsampledPointwise:
            self.weights = []
        }
        self.subsampled = algorithm != .subsampledPointwise ? [] : [Convolution(
            shape: Self.subsampledShape(shape), weights: weights, bias: bias, activation: activation,
            expectedBatch: expectedBatch)]
        self.paddedPlane = algorithm != .depthwise ? nil : PaddedPlane(
            window: shape.window, inputHeight: shape.inputHeight, inputWidth: shape.inputWidth,
            outputHeight: shape.outputHeight, outputWidth: shape.outputWidth)
        self.stridePhases = algorithm == .directLanes || algorithm == .directRows ? StridePhases(shape) : nil
        self.interleavedPlane = algorithm != .interleavedDepthwise ? nil : InterleavedPlane(
            window: shape.window, inputHeight: shape.inputHeight, inputWidth: shape.inputWidth,
            outputHeight: shape.outputHeight, outputWidth: shape.outputWidth)
    }

    /// F(2x2, 3x3) tiles per call from which F(4x4, 3x3) is considered (below it, its 4x larger U
    /// streams for too few tiles).
    static let minimumWinogradTiles = 32
    /// F(2x2, 3x3) tiles from which a small map of one image (7x7 to 11x11) takes F(2x2, 3x3)
    /// rather than the column matrix or F(4x4, 3x3). One thread, AMD EPYC with AVX-512, ms:
    /// 128x7x7 0.151 against 0.184 (tiled columns), 256x7x7 0.44 against 0.61 (F4) and 0.63,
    /// 512x7x7 1.66-1.88 against 1.95-1.97 (F4), 448x8x8 -> 384 1.01 against 1.27 (F4) and 2.10;
    /// 64x7x7 ties (0.054 / 0.057).
    static let minimumSmallMapWinogradTiles = 16

    /// The algorithm the fast path uses for `shape` at batches of `expectedBatch`.
    public static func algorithm(for g: ConvShape, expectedBatch: Int = 1) -> Algorithm {
        if isDepthwise(g) { return usesInterleavedDepthwise(g) ? .interleavedDepthwise : .depthwise }
        let tiles = ((g.outputHeight + 1) / 2) * ((g.outputWidth + 1) / 2) * max(1, expectedBatch)
        if Winograd.applies(to: g) {
            // F(4x4, 3x3) where its 36 products per tile come to at most 4/5 of F(2x2, 3x3)'s 16 per
            // (smaller) tile: not on 5x5 or 6x6 maps, where both cover the same outputs with the
            // same number of multiplications.
            let tiles4 = ((g.outputHeight + 3) / 4) * ((g.outputWidth + 3) / 4) * max(1, expectedBatch)
            let large = 5 * 36 * tiles4 <= 4 * 16 * tiles
            if tiles >= minimumWinogradTiles { return large ? .winograd4x4 : .winograd }
            // A small map of one image: 2.25x fewer multiplications than the column matrix, on a
            // U only 16/9 of the weights.
            if tiles >= minimumSmallMapWinogradTiles { return .winograd }
        }
        if prefersSubsampledPointwise(g) { return .subsampledPointwise }
        if prefersDirectRows(g) { return .directRows }
        if prefersDirectLanes(g) { return .directLanes }
        if expectedBatch == 1 && prefersChannelLanes(g)
            && (isPointwise(g) || (usesTiledColumns(g) && !usesWinogradLine(g))) {
            return .channelLanes
        }
        if isPointwise(g) { return .pointwise }
        if usesWinogradLine(g) { return .winogradLine }
        // A batch of small maps side by side is a wide product sgemm does well.
        if expectedBatch == 1 && usesTiledColumns(g) { return .tiledColumns }
        if usesIm2colTiles(g) { return .im2colTiles }
        return .im2col
    }

    /// Every algorithm that can run `g`, the chosen one among them.
    public static func algorithms(for g: ConvShape) -> [Algorithm] {
        var all: [Algorithm] = [.im2col]
        if g.groups == 1 { all.append(contentsOf: [.tiledColumns, .im2colTiles]) }
        if channelLanesApplies(g) { all.append(.channelLanes) }
        if directLanesApplies(g) { all.append(.directLanes) }
        if g.groups == 1 { all.append(.directRows) }
        if isSubsampledPointwise(g) { all.append(.subsampledPointwise) }
        if Winograd.applies(to: g) { all.append(contentsOf: [.winograd, .winograd4x4]) }
        if WinogradLine(g) != nil { all.append(.winogradLine) }
        if isPointwise(g) { all.append(.pointwise) }
        if isDepthwise(g) {
            all.append(.depthwise)
            if g.outputChannels == g.inputChannels { all.append(.interleavedDepthwise) }
        }
        return all
    }

    /// 1x1, stride 1, no pads: each image's input already is the (C, H*W) matrix.
    static func isPointwise(_ g: ConvShape) -> Bool {
        let w = g.window
        return w.kernelHeight == 1 && w.kernelWidth == 1 && w.strideHeight == 1 && w.strideWidth == 1
            && w.padTop == 0 && w.padLeft == 0 && w.padBottom == 0 && w.padRight == 0
    }

    /// One input channel per group.
    static func isDepthwise(_ g: ConvShape) -> Bool { g.groups > 1 && g.groupInputChannels == 1 }

    /// Floats of scratch `run` needs for this batch size and parallelism (0 when none): plan it
    /// once and pass the same buffer to every call.
    public func scratchCount(batch: Int, parallelism: Parallelism) -> Int {
        switch algorithm {
        case .depthwise: return parallelism.threads * paddedPlane!.count
        case .interleavedDepthwise: return parallelism.threads * interleavedPlane!.scratchFloats
        case .winograd, .winograd4x4:
            return winogradPlan(batch: batch, parallelism: parallelism).scratchFloats(threads: parallelism.threads)
        case .winogradLine:
            return winogradLinePlan(parallelism: parallelism).scratchFloats(threads: parallelism.threads)
        case .pointwise:
            let plan = pointwisePlan(batch: batch, parallelism: parallelism)
            return parallelism.threads * plan.scratchFloats + plan.sharedFloats
        case .im2col:
            return panelPlan(batch: batch, parallelism: parallelism).scratchFloats(threads: parallelism.threads)
        case .tiledColumns:
            return tiledColumnsPlan(parallelism: parallelism).scratchFloats(threads: parallelism.threads)
        case .im2colTiles:
            return parallelism.threads * im2colTilesPlan(batch: batch, parallelism: parallelism).perWorker
        case .channelLanes:
            return channelLanesPlan(parallelism: parallelism).columnFloats
        case .directLanes, .directRows:
            return directLanesPlan(parallelism: parallelism).phaseFloats
        case .subsampledPointwise:
            return subsampledFloats(batch: batch) + subsampled[0].scratchCount(batch: batch, parallelism: parallelism)
        }
    }

    /// Runs the convolution on `batch` images: `y = f(conv(x, w) + b + residual)`.
    ///
    /// - Parameters:
    ///   - x: `batch * C * H * W` floats.
    ///   - y: `batch * OC * OH * OW` floats; must not overlap `x`.
    ///   - residual: nil, or a tensor shaped like `y` added before the activation (it may be `y`
    ///     itself only when it is not also read as `x`).
    ///   - scratch: at least `scratchCount(batch:parallelism:)` floats.
    public func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                    residual: UnsafePointer<Float>? = nil,
                    scratch: UnsafeMutablePointer<Float>?, parallelism: Parallelism) {
        precondition(batch >= 0, "Convolution: negative batch")
        guard batch > 0 else { return }
        precondition(scratchCount(batch: batch, parallelism: parallelism) == 0 || scratch != nil,
                     "Convolution: scratch buffer missing")
        if algorithm == .subsampledPointwise {
            return runSubsampled(x, y, batch: batch, residual: residual, scratch: scratch!, parallelism: parallelism)
        }
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                let args = Arguments(x: x, y: y, residual: residual, weights: w.baseAddress!,
                                     bias: b.baseAddress!, scratch: scratch, batch: batch)
                switch algorithm {
                case .pointwise: runPointwise(args, parallelism: parallelism)
                case .im2col: runGEMM(args, parallelism: parallelism)
                case .tiledColumns: runTiledColumns(args, parallelism: parallelism)
                case .im2colTiles: runIm2colTiles(args, parallelism: parallelism)
                case .channelLanes: runChannelLanes(args, parallelism: parallelism)
                case .directLanes, .directRows: runDirectLanes(args, parallelism: parallelism)
                case .subsampledPointwise: preconditionFailure("runs before the weights are bound")
                case .depthwise: runDepthwise(args, parallelism: parallelism)
                case .interleavedDepthwise: runInterleavedDepthwise(args, parallelism: parallelism)
                case .winograd, .winograd4x4: runWinograd(args, parallelism: parallelism)
                case .winogradLine: runWinogradLine(args, parallelism: parallelism)
                }
            }
        }
    }

    /// Pointers of one call, shared by the algorithm implementations.
    struct Arguments {
        let x: UnsafePointer<Float>
        let y: UnsafeMutablePointer<Float>
        let residual: UnsafePointer<Float>?
        let weights: UnsafePointer<Float>
        let bias: UnsafePointer<Float>
        let scratch: UnsafeMutablePointer<Float>?
        let batch: Int
    }

    /// The epilogue of a block of `rows` output channels from `channel` on, whose product (bias
    /// included) is at `source` with row stride `ld`: y = f(source + residual), written to the
    /// block's place in image `image`, `columns` values from `offset` in each (OH * OW) plane.
    /// Nothing to do when the product already is in place and there is neither residual nor
    /// activation.
    func epilogue(_ a: Arguments, from source: UnsafeMutablePointer<Float>, ld: Int, image: Int,
                  channel: Int, rows: Int, offset: Int, columns: Int) {
        let plane = shape.outputHeight * shape.outputWidth
        let start = image * shape.outputCount + channel * plane + offset
        if a.residual == nil && activation.isIdentity && source == a.y + start { return }
        for r in 0..<rows {
            activation.apply(source + r * ld, a.residual.map { $0 + start + r * plane },
                             a.y + start + r * plane, count: columns)
        }
    }
}

extension Convolution {
    /// `run` on arrays, with its own scratch: for tests and one-off calls (the executor plans
    /// buffers instead). Returns `y`.
    public func run(_ x: [Float], batch: Int, residual: [Float]? = nil,
                    parallelism: Parallelism = .machine) -> [Float] {
        precondition(x.count == batch * shape.inputCount, "Convolution: x has \(x.count) floats")
        precondition(residual == nil || residual!.count == batch * shape.outputCount,
                     "Convolution: residual has \(residual!.count) floats")
        var y = [Float](repeating: 0, count: batch * shape.outputCount)
        var scratch = [Float](repeating: 0, count: max(1, scratchCount(batch: batch, parallelism: parallelism)))
        let r = residual ?? []
        x.withUnsafeBufferPointer { xb in
            r.withUnsafeBufferPointer { rb in
                y.withUnsafeMutableBufferPointer { yb in
                    scratch.withUnsafeMutableBufferPointer { sb in
                        run(xb.baseAddress!, yb.baseAddress!, batch: batch,
                            residual: residual == nil ? nil : rb.baseAddress,
                            scratch: sb.baseAddress, parallelism: parallelism)
                    }
                }
            }
        }
        return y
    }
}

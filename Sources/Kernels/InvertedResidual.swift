// x (N, C, H, W) -> [expand 1x1, C -> E, f1] -> depthwise KHxKW, stride s, E channels, f2
//   -> project 1x1, E -> OC, f3 (+ residual) -> y (N, OC, OH, OW)
//
// MobileNetV2's inverted residual block as one kernel. Run layer by layer, an early block's
// expanded map (96x112x112 floats is 4.8 MB, 144x56x56 1.8 MB) is written by the expansion, read
// back by the depthwise convolution, whose output is written and read again by the projection,
// every pass from L3 or memory: at batch 1 the 112x112 and 56x56 blocks took ~40 % of the
// network's time while doing ~25 % of its arithmetic. Here each image goes through the block a
// band of output rows at a time: the band's input rows are expanded into the worker's scratch,
// its depthwise rows computed from them, and those projected straight into y, so the expanded
// and depthwise maps never leave L2.
//
// A worker takes a segment (consecutive bands of one image); from one band to the next, the
// expanded rows both need (KH - s of them) move to the front of the buffer instead of being
// expanded again, so only a segment's first band recomputes rows. Each value is computed by the
// separate kernels' code (the pointwise tiles, the planar depthwise loop over a zero-padded
// plane), so the block matches the layers run one by one up to a few ulps: where a band's
// columns end, some go through pointwise tiles of another width, which sum in another order
// (InvertedResidualTests).

import KernelSupport

/// Three convolutions run as one: an optional 1x1 expansion, a depthwise convolution with one
/// output per channel, and a 1x1 projection with the block's optional residual.
public struct InvertedResidual: Sendable {
    /// Pointwise, one group; nil when the block has no expansion (its depthwise reads x).
    public let expand: Convolution?
    /// Depthwise (`.depthwise` algorithm: plain (E, KH * KW) weights).
    public let depthwise: Convolution
    /// Pointwise, one group.
    public let project: Convolution
    /// Output rows per band, and the bands (their geometry) top to bottom.
    let bandRows: Int
    let bands: [Band]
    /// Floats of one worker's buffers: the expanded rows (E, `expandedStride`), the depthwise
    /// rows (E, `depthwiseStride`), one padded plane, the pointwise tiles' scratch.
    let expandedStride: Int, depthwiseStride: Int
    let planeFloats: Int, tileFloats: Int
    /// Every band's tap offsets into its padded plane, KH * KW per band.
    let tapOffsets: [Int]

    /// One band of output rows: the input rows it reads and the padded plane of that many rows
    /// (pads only where the band touches the map's top or bottom edge).
    struct Band: Sendable {
        let outputRows: Range<Int>
        let inputRows: Range<Int>
        let plane: PaddedPlane
    }

    /// Floats of expanded and depthwise rows a band aims to keep (512 KiB, half of a 1 MiB L2).
    public static let bandBudget = 1 << 17
    /// Floats of the depthwise input from which the block runs fused (1 MiB: smaller maps stay
    /// in L2 between the layers anyway, and splitting them in bands costs more than it saves).
    public static let minimumFusedFloats = 1 << 18

    /// Whether the three shapes chain into a block this kernel runs (`chain`), with a depthwise
    /// input of at least `minimumFloats` floats that the layer-by-layer run would give the planar
    /// depthwise loop (where it takes the interleaved one, 144x56x56 at stride 2, that one alone
    /// was faster than the whole block fused: 0.45 against 0.52 ms on one core; smaller maps go
    /// to `InvertedResidualByChannels`).
    public static func applies(expand: ConvShape?, depthwise d: ConvShape, project p: ConvShape,
                               minimumFloats: Int = minimumFusedFloats) -> Bool {
        chain(expand: expand, depthwise: d, project: p)
            && d.inputChannels * d.inputHeight * d.inputWidth >= minimumFloats
            && (minimumFloats == 0 || !Convolution.usesInterleavedDepthwise(d))
    }

    /// Whether the three shapes chain into an inverted residual block: pointwise expansion (or
    /// none) and projection of one group, a 2-D depthwise convolution with one output per channel
    /// between them, each reading the map the one before writes.
    static func chain(expand: ConvShape?, depthwise d: ConvShape, project p: ConvShape) -> Bool {
        func pointwise(_ g: ConvShape) -> Bool { g.groups == 1 && g.window.isPlanar && Convolution.isPointwise(g) }
        guard d.problem == nil, p.problem == nil, pointwise(p), d.window.isPlanar,
              Convolution.isDepthwise(d), d.outputChannels == d.inputChannels,
              p.inputChannels == d.outputChannels, p.inputHeight == d.outputHeight,
              p.inputWidth == d.outputWidth else { return false }
        if let e = expand {
            guard e.problem == nil, pointwise(e), e.outputChannels == d.inputChannels,
                  e.inputHeight == d.inputHeight, e.inputWidth == d.inputWidth else { return false }
        }
        return true
    }

    /// Parts each image is cut into for `batch` images on `threads` workers so that batch x parts
    /// is a multiple of the workers (1 when the batch alone gives every worker the same images).
    static func partsPerImage(batch: Int, threads: Int) -> Int {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        return max(1, threads / gcd(max(1, batch), max(1, threads)))
    }

    /// `n` rounded up to a multiple of 16 floats (64 bytes), where one buffer of a worker's
    /// scratch starts after another.
    static func aligned(_ n: Int) -> Int { (n + 15) / 16 * 16 }

    /// - Parameter bandFloats: floats of expanded and depthwise rows a band may keep (tests make
    ///   bands of a row or two with it).
    /// - Precondition: the shapes chain (`applies`, whatever the size); `depthwise` uses the
    ///   `.depthwise` algorithm, `expand` and `project` `.pointwise`.
    public init(expand: Convolution?, depthwise: Convolution, project: Convolution, bandFloats: Int = bandBudget) {
        precondition(Self.applies(expand: expand?.shape, depthwise: depthwise.shape, project: project.shape, minimumFloats: 0),
                     "InvertedResidual: the convolutions do not chain into a block")
        precondition(depthwise.algorithm == .depthwise && project.algorithm == .pointwise
                     && (expand?.algorithm ?? .pointwise) == .pointwise, "InvertedResidual: wrong algorithms")
        self.expand = expand
        self.depthwise = depthwise
        self.project = project
        let d = depthwise.shape, w = d.window
        let channels = d.inputChannels, width = d.inputWidth, outWidth = d.outputWidth
        /// Input rows output rows `rows` read (clamped to the map).
        func inputRows(_ rows: Range<Int>) -> Range<Int> {
            let top = rows.lowerBound * w.strideHeight - w.padTop
            let bottom = (rows.upperBound - 1) * w.strideHeight + w.effectiveHeight - w.padTop
            return max(0, top)..<min(d.inputHeight, bottom)
        }
        /// Floats of expanded and depthwise rows for bands of `rows` output rows.
        func floats(_ rows: Int) -> Int {
            (expand == nil ? 0 : channels * inputRows(0..<min(rows, d.outputHeight)).count * width) + channels * rows * outWidth
        }
        var rows = 1
        while rows < d.outputHeight && floats(rows + 1) <= bandFloats { rows += 1 }
        // As many bands, of equal height: workers take segments of consecutive bands, and bands
        // of 36, 36, 36 and 4 rows (32x112x112 at batch 1) gave one worker 72 rows, the other 40.
        let count = (d.outputHeight + rows - 1) / rows
        rows = (d.outputHeight + count - 1) / count
        bandRows = rows
        bands = stride(from: 0, to: d.outputHeight, by: rows).map { o0 in
            let out = o0..<min(d.outputHeight, o0 + rows), input = inputRows(out)
            var window = w
            // The padded rows of the band start at output row o0's first tap: above the map,
            // padding; below it, whatever the plane's rows past `input` hold (padding too).
            window.padTop = input.lowerBound - (o0 * w.strideHeight - w.padTop)
            window.padBottom = 0
            return Band(outputRows: out, inputRows: input,
                        plane: PaddedPlane(window: window, inputHeight: input.count, inputWidth: width,
                                           outputHeight: out.count, outputWidth: outWidth))
        }
        tapOffsets = bands.flatMap(\.plane.tapOffsets)
        let maxInput = bands.map(\.inputRows.count).max() ?? 0
        expandedStride = expand == nil ? 0 : Self.aligned(maxInput * width)
        depthwiseStride = Self.aligned(rows * outWidth)
        planeFloats = Self.aligned(bands.map(\.plane.count).max() ?? 0)
        let expandTiles = expand.map { PointwiseTiles(columns: maxInput * width).packedColumns * $0.shape.inputChannels } ?? 0
        let projectTiles = PointwiseTiles(columns: rows * outWidth).packedColumns * channels
        tileFloats = Self.aligned(max(expandTiles, projectTiles) + 2 * PointwiseTile.rows * PointwiseTile.columns)
    }

    /// Floats of one worker's scratch.
    var workerFloats: Int {
        depthwise.shape.inputChannels * (expandedStride + depthwiseStride) + planeFloats + tileFloats
    }

    /// Floats of scratch `run` needs with `parallelism`.
    public func scratchCount(parallelism: Parallelism) -> Int { parallelism.threads * workerFloats }

    /// Segments each image is cut into for `batch` images on `threads` workers: enough for
    /// batch x segments to be a multiple of the workers, at most one per band.
    func segments(batch: Int, threads: Int) -> Int {
        max(1, min(bands.count, Self.partsPerImage(batch: batch, threads: threads)))
    }

    /// Runs the block on `batch` images: y = f3(project(f2(depthwise(f1(expand(x))))) + residual).
    ///
    /// - Parameters:
    ///   - x: `batch * C * H * W` floats.
    ///   - y: `batch * OC * OH * OW` floats; must not overlap `x` or `residual`.
    ///   - residual: nil, or a tensor shaped like `y` added before f3.
    ///   - scratch: at least `scratchCount(parallelism:)` floats.
    public func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                    residual: UnsafePointer<Float>? = nil,
                    scratch: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        let d = depthwise.shape
        let segments = segments(batch: batch, threads: parallelism.threads)
        let taps = d.window.kernelHeight * d.window.kernelWidth
        tapOffsets.withUnsafeBufferPointer { o in
            depthwise.weights.withUnsafeBufferPointer { dw in
                depthwise.bias.withUnsafeBufferPointer { db in
                    let weights = DepthwiseWeights(weights: dw.baseAddress!, bias: db.baseAddress!, offsets: o.baseAddress!, taps: taps)
                    parallelism.forEach(batch * segments) { item, worker in
                        let image = item / segments, segment = item % segments
                        runSegment(bands: Parallelism.share(segment, of: segments, in: bands.count), image: image, x: x, y: y, residual: residual,
                                   scratch: scratch + worker * workerFloats, depthwise: weights)
                    }
                }
            }
        }
    }

    /// The depthwise convolution's weights, biases and every band's tap offsets (`taps` each).
    struct DepthwiseWeights {
        let weights: UnsafePointer<Float>, bias: UnsafePointer<Float>
        let offsets: UnsafePointer<Int>, taps: Int
    }

    /// Bands `range` of image `image`, top to bottom, in one worker's scratch.
    private func runSegment(bands range: Range<Int>, image: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                            residual: UnsafePointer<Float>?, scratch: UnsafeMutablePointer<Float>,
                            depthwise dw: DepthwiseWeights) {
        let d = depthwise.shape, p = project.shape
        let channels = d.inputChannels, width = d.inputWidth, plane = d.inputHeight * width
        let outPlane = d.outputHeight * d.outputWidth
        let expanded = scratch, rows = expanded + channels * expandedStride
        let padded = rows + channels * depthwiseStride, tiles = padded + planeFloats
        let xImage = x + image * (expand?.shape.inputCount ?? d.inputCount)
        let yImage = y + image * p.outputCount
        /// Input rows held in `expanded` (from its row 0).
        var held = 0..<0
        for k in range {
            let band = bands[k]
            let need = band.inputRows
            // Where the band's input rows are, and the distance between channels.
            let source: UnsafePointer<Float>, channelStride: Int
            if let expand {
                var kept = 0
                if !held.isEmpty && held.lowerBound <= need.lowerBound && held.upperBound > need.lowerBound {
                    kept = held.upperBound - need.lowerBound
                    let drop = (need.lowerBound - held.lowerBound) * width
                    if drop > 0 {
                        for c in 0..<channels {
                            // Overlapping, to a lower address: a forward copy.
                            (expanded + c * expandedStride).update(from: expanded + c * expandedStride + drop, count: kept * width)
                        }
                    }
                }
                let fresh = (need.lowerBound + kept)..<need.upperBound
                if !fresh.isEmpty {
                    expand.weights.withUnsafeBufferPointer { ew in
                        expand.bias.withUnsafeBufferPointer { eb in
                            expand.activation.accept(PointwiseBlock(
                                weights: ew.baseAddress!, panelFloats: PointwiseTile.rows * expand.shape.inputChannels,
                                bias: eb.baseAddress!, x: xImage + fresh.lowerBound * width, ldx: plane,
                                y: expanded + kept * width, residual: nil, packed: nil, scratch: tiles,
                                k: expand.shape.inputChannels, hw: expandedStride, columns: fresh.count * width,
                                rows: channels))
                        }
                    }
                }
                held = need
                source = UnsafePointer(expanded)
                channelStride = expandedStride
            } else {
                source = xImage + need.lowerBound * width
                channelStride = plane
            }
            let bandPlane = band.plane
            for c in 0..<channels {
                bandPlane.fill(from: source + c * channelStride, into: padded, padding: 0)
                let job = DepthwisePlane(
                    plane: UnsafePointer(padded), rowStep: bandPlane.rowStep, offsets: dw.offsets + k * dw.taps, taps: dw.taps,
                    weights: dw.weights + c * dw.taps, bias: dw.bias[c],
                    out: rows + c * depthwiseStride, residual: nil,
                    rows: band.outputRows.count, width: d.outputWidth)
                if dw.taps == 9 { depthwise.activation.accept(DepthwisePlane9(job)) } else { depthwise.activation.accept(job) }
            }
            let start = band.outputRows.lowerBound * d.outputWidth
            project.weights.withUnsafeBufferPointer { pw in
                project.bias.withUnsafeBufferPointer { pb in
                    project.activation.accept(PointwiseBlock(
                        weights: pw.baseAddress!, panelFloats: PointwiseTile.rows * channels, bias: pb.baseAddress!,
                        x: UnsafePointer(rows), ldx: depthwiseStride, y: yImage + start,
                        residual: residual.map { $0 + image * p.outputCount + start }, packed: nil, scratch: tiles,
                        k: channels, hw: outPlane, columns: band.outputRows.count * d.outputWidth,
                        rows: p.outputChannels))
                }
            }
        }
    }
}

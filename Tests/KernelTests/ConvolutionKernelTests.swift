import Testing
import TestSupport
@testable import Runtime
#if NETDISSECT_ISA_AVX512
@testable import KernelsWithAVX512
#elseif NETDISSECT_ISA_AVX2
@testable import KernelsWithAVX2
#else
@testable import KernelsBaseline
#endif
import KernelSupport

/// Fast convolution paths against `Reference.conv`, over edge shapes.
@Suite(.kernelVariant) struct ConvolutionKernelTests {
    /// One convolution case: shape, activation, batch, residual, workers.
    struct Case: CustomStringConvertible {
        var shape: ConvShape
        var activation: Activation = .none
        var batch = 1
        var residual = false
        var bias = true
        var expectedBatch = 1
        var description: String {
            "\(shape) \(activation) batch \(batch)\(residual ? " residual" : "")\(bias ? "" : " no bias")"
        }
    }

    static func conv(_ c: Int, _ oc: Int, _ h: Int, _ w: Int, k: (Int, Int), stride: (Int, Int) = (1, 1),
                     dilation: (Int, Int) = (1, 1), pads: (Int, Int, Int, Int) = (0, 0, 0, 0),
                     groups: Int = 1) -> ConvShape {
        ConvShape(inputChannels: c, outputChannels: oc, inputHeight: h, inputWidth: w,
                     window: SlidingWindow(kernel: k, stride: stride, dilation: dilation, pads: pads),
                     groups: groups)
    }

    /// What a small map of one image whose columns leave 5 to 15 over a multiple of 16 takes (K of
    /// 64 or more):
    /// the channel lanes with AVX-512, `other` (pointwise or tiled columns) in the other builds.
    static func channelLanesOr(_ other: Convolution.Algorithm) -> Convolution.Algorithm {
        #if NETDISSECT_ISA_AVX512
        return .channelLanes
        #else
        return other
        #endif
    }

    func check(_ c: Case, threads: [Int] = [1, 2, 3], seed: UInt64 = 1,
               sourceLocation: SourceLocation = #_sourceLocation) {
        let g = c.shape
        var rng = SeededGenerator(seed: seed)
        let x = rng.normals(c.batch * g.inputCount)
        let w = rng.normals(g.weightCount)
        let b = c.bias ? rng.normals(g.outputChannels) : nil
        let r = c.residual ? rng.normals(c.batch * g.outputCount) : nil
        // The reference before its activation, so the bounds can follow the value through it.
        let z = Reference.conv(g, batch: c.batch, x: x, weights: w, bias: b, residual: r)
        let expected = z.map(c.activation.reference)
        let conv = Convolution(shape: g, weights: w, bias: b, activation: c.activation,
                               expectedBatch: c.expectedBatch)
        var convs = [conv]
        // Small maps of one image take the tiled path; a batch of them takes im2col (or Winograd).
        if conv.algorithm == .tiledColumns {
            convs.append(Convolution(shape: g, weights: w, bias: b, activation: c.activation, expectedBatch: 2))
        }
        // Maps the channel lanes take also run on the pointwise tiles (and, batched, on im2col).
        if conv.algorithm == .channelLanes {
            convs.append(Convolution(shape: g, weights: w, bias: b, activation: c.activation,
                                     algorithm: Convolution.isPointwise(g) ? .pointwise : .tiledColumns))
            convs.append(Convolution(shape: g, weights: w, bias: b, activation: c.activation, expectedBatch: 2))
        }
        // Stems the direct rows take also run on the direct lanes; strided windows either takes run
        // on the column matrix, tiled and not.
        if conv.algorithm == .directRows {
            convs.append(Convolution(shape: g, weights: w, bias: b, activation: c.activation, algorithm: .directLanes))
        }
        if conv.algorithm == .directLanes || conv.algorithm == .directRows {
            convs.append(Convolution(shape: g, weights: w, bias: b, activation: c.activation, algorithm: .im2colTiles))
            convs.append(Convolution(shape: g, weights: w, bias: b, activation: c.activation, algorithm: .im2col))
        }
        // Strided 1x1 layers on the subsampled matrix also run on the column matrix.
        if conv.algorithm == .subsampledPointwise {
            convs.append(Convolution(shape: g, weights: w, bias: b, activation: c.activation, algorithm: .im2colTiles))
        }
        // Large maps with short reductions run on register tiles; sgemm must stay right on them too.
        if conv.algorithm == .im2colTiles {
            convs.append(Convolution(shape: g, weights: w, bias: b, activation: c.activation, algorithm: .im2col))
        }
        // Small depthwise maps run interleaved; the planar loop must stay right on them too.
        if conv.algorithm == .interleavedDepthwise {
            convs.append(Convolution(shape: g, weights: w, bias: b, activation: c.activation, algorithm: .depthwise))
        }
        // The line path's shapes also run on the column matrix.
        if conv.algorithm == .winogradLine {
            convs.append(Convolution(shape: g, weights: w, bias: b, activation: c.activation, algorithm: .im2col))
        }
        // Winograd runs with tiles of 2x2 or 4x4 outputs; both must stay right on every shape.
        if conv.algorithm == .winograd || conv.algorithm == .winograd4x4 {
            convs.append(Convolution(shape: g, weights: w, bias: b, activation: c.activation, expectedBatch: c.expectedBatch,
                                     algorithm: conv.algorithm == .winograd ? .winograd4x4 : .winograd))
        }
        for conv in convs {
            let zBounds = Convolution.preActivationBounds(shape: g, algorithm: conv.algorithm, batch: c.batch,
                                                          x: x, weights: w, bias: b, residual: r)
            let bounds = c.activation.bounds(z: z, zBounds: zBounds)
            for t in threads {
                let actual = conv.run(x, batch: c.batch, residual: r, parallelism: Parallelism(threads: t))
                assertClose(actual, expected, bounds: bounds,
                            "\(c) \(conv.algorithm) threads \(t)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Every case on `algorithm`, forced, against the reference within that algorithm's bounds, on
    /// 1-3 workers.
    func checkForced(_ cases: [Case], algorithm: Convolution.Algorithm, seed: UInt64,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        withEvery("case", in: cases, sourceLocation: sourceLocation) { c in
            let g = c.shape
            var rng = SeededGenerator(seed: seed)
            let x = rng.normals(c.batch * g.inputCount), w = rng.normals(g.weightCount)
            let b = c.bias ? rng.normals(g.outputChannels) : nil
            let r = c.residual ? rng.normals(c.batch * g.outputCount) : nil
            let z = Reference.conv(g, batch: c.batch, x: x, weights: w, bias: b, residual: r)
            let conv = Convolution(shape: g, weights: w, bias: b, activation: c.activation,
                                   expectedBatch: c.expectedBatch, algorithm: algorithm)
            let bounds = c.activation.bounds(
                z: z, zBounds: Convolution.preActivationBounds(shape: g, algorithm: algorithm, batch: c.batch,
                                                               x: x, weights: w, bias: b, residual: r))
            for t in [1, 2, 3] {
                assertClose(conv.run(x, batch: c.batch, residual: r, parallelism: Parallelism(threads: t)),
                            z.map(c.activation.reference), bounds: bounds, "\(c) threads \(t)",
                            sourceLocation: sourceLocation)
            }
        }
    }

    /// The bounds `check` uses are tight enough to see real bugs: on every path, a tap read one
    /// column off, the bias of the neighbouring channel, or a dropped last input channel (the
    /// last tap, depthwise) moves some output beyond its bound.
    @Test func boundsCatchOffByOneTapsWrongBiasesAndDroppedTerms() {
        let cases = [
            Case(shape: Self.conv(16, 16, 9, 9, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu),
            Case(shape: Self.conv(300, 12, 6, 6, k: (1, 1)), residual: true),
            Case(shape: Self.conv(256, 8, 7, 7, k: (3, 3), pads: (1, 1, 1, 1))),
            Case(shape: Self.conv(16, 16, 20, 20, k: (3, 3), pads: (1, 1, 1, 1), groups: 16), activation: .hardSwish),
            Case(shape: Self.conv(32, 24, 14, 14, k: (3, 3), pads: (1, 1, 1, 1)), expectedBatch: 64),
            Case(shape: Self.conv(32, 24, 12, 12, k: (1, 7), pads: (0, 3, 0, 3)), activation: .relu),
            // Channel lanes with AVX-512 (tiled columns elsewhere).
            Case(shape: Self.conv(40, 20, 5, 5, k: (3, 3), pads: (1, 1, 1, 1)), residual: true),
        ]
        withEvery("case", in: cases) { c in
            let g = c.shape
            var rng = SeededGenerator(seed: 9)
            let x = rng.normals(c.batch * g.inputCount), w = rng.normals(g.weightCount)
            let b = rng.normals(g.outputChannels), r = c.residual ? rng.normals(c.batch * g.outputCount) : nil
            let chosen = Convolution.algorithm(for: g, expectedBatch: c.expectedBatch)
            // Winograd's bounds are wider (its transforms' absolute values): both tile sizes.
            let winograd: [Convolution.Algorithm] = [.winograd, .winograd4x4]
            for algorithm in winograd.contains(chosen) ? winograd : [chosen] {
                let z = Reference.conv(g, batch: c.batch, x: x, weights: w, bias: b, residual: r)
                let bounds = c.activation.bounds(
                    z: z, zBounds: Convolution.preActivationBounds(shape: g, algorithm: algorithm, batch: c.batch,
                                                                   x: x, weights: w, bias: b, residual: r))
                func wrong(x: [Float], w: [Float], b: [Float]) -> [Float] {
                    Reference.conv(g, batch: c.batch, activation: c.activation, x: x, weights: w,
                                   bias: b, residual: r)
                }
                let width = g.inputWidth
                let shifted = x.indices.map { $0 % width == 0 ? 0 : x[$0 - 1] }
                let rotatedBias = Array(b.dropFirst() + b.prefix(1))
                let taps = g.window.kernelHeight * g.window.kernelWidth
                let perOutput = g.groupInputChannels * taps
                // The last input channel's taps (the last `taps` weights of every output channel), or
                // with one input channel per group (depthwise) the last tap.
                let dropped = w.indices.map { i -> Float in
                    let last = g.groupInputChannels > 1 ? i % perOutput >= perOutput - taps : i % taps == taps - 1
                    return last ? 0 : w[i]
                }
                let expected = z.map(c.activation.reference)
                for (bug, actual) in [("tap one column off", wrong(x: shifted, w: w, b: b)),
                                      ("neighbouring bias", wrong(x: x, w: w, b: rotatedBias)),
                                      ("dropped term", wrong(x: x, w: dropped, b: b))] {
                    let worst = errorRatio(actual, expected, bounds: bounds)
                    #expect(worst.ratio > 10, "\(c) \(algorithm): \(bug) stays within the bounds: \(worst)")
                }
            }
        }
    }

    @Test func choosesAlgorithmFromGeometry() {
        #expect(Convolution.algorithm(for: Self.conv(8, 16, 5, 5, k: (1, 1))) == .pointwise)
        #expect(Convolution.algorithm(for: Self.conv(8, 16, 5, 5, k: (1, 1), stride: (2, 2))) == .tiledColumns)
        #expect(Convolution.algorithm(for: Self.conv(8, 16, 5, 5, k: (1, 1), pads: (1, 0, 0, 0))) == .tiledColumns)
        // With AVX-512, 9 columns and K = 72 take the channel lanes.
        #expect(Convolution.algorithm(for: Self.conv(8, 16, 5, 5, k: (3, 3))) == Self.channelLanesOr(.tiledColumns))
        #expect(Convolution.algorithm(for: Self.conv(8, 16, 5, 5, k: (3, 3)), expectedBatch: 2) == .im2col)
        #expect(Convolution.algorithm(for: Self.conv(8, 16, 5, 5, k: (3, 3), groups: 2)) == .im2col)
        #expect(Convolution.algorithm(for: Self.conv(8, 16, 16, 16, k: (3, 3), pads: (1, 1, 1, 1))) == .im2col)
        #expect(Convolution.algorithm(for: Self.conv(8, 8, 5, 5, k: (3, 3), groups: 8)) == .interleavedDepthwise)
        #expect(Convolution.algorithm(for: Self.conv(4, 4, 5, 5, k: (3, 3), groups: 4)) == .depthwise)
        #expect(Convolution.algorithm(for: Self.conv(8, 8, 29, 28, k: (3, 3), groups: 8)) == .depthwise)
        #expect(Convolution.algorithm(for: Self.conv(8, 8, 56, 56, k: (3, 3), stride: (2, 2), groups: 8))
                == .interleavedDepthwise)
        #expect(Convolution.algorithm(for: Self.conv(8, 8, 57, 56, k: (3, 3), stride: (2, 2), groups: 8)) == .depthwise)
        #expect(Convolution.algorithm(for: Self.conv(8, 16, 5, 5, k: (3, 3), groups: 8)) == .depthwise)
        #expect(Convolution.algorithm(for: Self.conv(8, 16, 5, 5, k: (1, 1), groups: 2)) == .pointwise)
        #expect(Convolution.algorithm(for: Self.conv(1, 16, 5, 5, k: (3, 3))) == .tiledColumns)
        #expect(Convolution.algorithm(for: Self.conv(1, 16, 8, 8, k: (3, 3))) == .tiledColumns)
    }

    @Test func outputSizes() {
        #expect(Self.conv(3, 4, 224, 224, k: (7, 7), stride: (2, 2), pads: (3, 3, 3, 3)).outputHeight == 112)
        #expect(Self.conv(3, 4, 1, 1, k: (3, 3), pads: (1, 1, 1, 1)).outputWidth == 1)
        #expect(Self.conv(3, 4, 7, 9, k: (3, 3), stride: (2, 3), pads: (0, 1, 1, 0)).outputWidth == 3)
        #expect(Self.conv(3, 4, 5, 5, k: (3, 3), dilation: (2, 2)).outputHeight == 1)
        #expect(Self.conv(3, 4, 2, 2, k: (3, 3)).problem != nil)
        #expect(Self.conv(3, 4, 2, 2, k: (3, 3), groups: 2).problem != nil)
    }

    /// The residual may be the output buffer itself (the planner fuses `y = conv(x) + y`): the
    /// depthwise rows whose last vector is partial must not run into the next row's residual.
    /// And with any residual, or none, no row's last vector may run past the output's end
    /// (sentinels after it), whatever the row width. Three channels run planar, eleven
    /// interleaved (a full block and a partial one).
    @Test func depthwiseRowEndsStayInside() {
        enum Residual: CaseIterable { case inPlace, separate, none }
        for (h, w) in [(7, 7), (14, 14), (5, 3), (9, 12), (6, 1), (3, 2)] {
            for (mode, channels) in Residual.allCases.flatMap({ m in [3, 11].map { (m, $0) } }) {
                let g = Self.conv(channels, channels, h, w, k: (3, 3), pads: (1, 1, 1, 1), groups: channels)
                var rng = SeededGenerator(seed: UInt64(h * w))
                let x = rng.normals(g.inputCount * 2), weights = rng.normals(g.weightCount)
                let b = rng.normals(channels)
                let r = rng.normals(g.outputCount * 2)
                let residual = mode == .none ? nil : r
                let expected = Reference.conv(g, batch: 2, activation: .relu, x: x, weights: weights,
                                              bias: b, residual: residual)
                let conv = Convolution(shape: g, weights: weights, bias: b, activation: .relu)
                let sentinels = [Float](repeating: -12345, count: 16)
                var y = (mode == .inPlace ? r : [Float](repeating: 0, count: r.count)) + sentinels
                var scratch = [Float](repeating: 0, count: conv.scratchCount(batch: 2, parallelism: .serial))
                x.withUnsafeBufferPointer { xb in
                    r.withUnsafeBufferPointer { rb in
                        y.withUnsafeMutableBufferPointer { yb in
                            scratch.withUnsafeMutableBufferPointer { sb in
                                let residual: UnsafePointer<Float>? = switch mode {
                                case .inPlace: UnsafePointer(yb.baseAddress!)
                                case .separate: rb.baseAddress!
                                case .none: nil
                                }
                                conv.run(xb.baseAddress!, yb.baseAddress!, batch: 2, residual: residual,
                                         scratch: sb.baseAddress, parallelism: .serial)
                            }
                        }
                    }
                }
                let label = "\(h)x\(w) \(mode) \(conv.algorithm)"
                // ReLU: slope 1, evaluated exactly, so the pre-activation bounds hold after it.
                let bounds = Convolution.preActivationBounds(shape: g, algorithm: conv.algorithm, batch: 2, x: x,
                                                             weights: weights, bias: b, residual: residual)
                assertClose(Array(y[..<r.count]), expected, bounds: bounds, label)
                #expect(Array(y[r.count...]) == sentinels, "\(label): a store ran past the output")
            }
        }
    }

    @Test func im2colEdgeShapes() {
        withEvery("case", in: [
            // 1x1 image with padding on every side.
            Case(shape: Self.conv(3, 4, 1, 1, k: (3, 3), pads: (1, 1, 1, 1))),
            // Kernel larger than the input, padding makes it fit.
            Case(shape: Self.conv(2, 3, 2, 3, k: (5, 5), pads: (2, 2, 2, 2)), batch: 2),
            // Asymmetric pads.
            Case(shape: Self.conv(3, 5, 6, 7, k: (3, 3), pads: (0, 1, 2, 1))),
            Case(shape: Self.conv(3, 5, 6, 7, k: (2, 3), stride: (2, 1), pads: (1, 0, 0, 2))),
            // Stride larger than the kernel.
            Case(shape: Self.conv(4, 6, 11, 10, k: (1, 1), stride: (3, 3))),
            Case(shape: Self.conv(4, 6, 11, 10, k: (2, 2), stride: (3, 4), pads: (1, 1, 0, 0))),
            // Dilation.
            Case(shape: Self.conv(5, 7, 12, 11, k: (3, 3), dilation: (2, 3), pads: (2, 3, 2, 3))),
            // Non-square kernels and a 7x7 stride-2 stem.
            Case(shape: Self.conv(3, 8, 9, 8, k: (1, 5), pads: (0, 2, 0, 2))),
            Case(shape: Self.conv(3, 16, 32, 32, k: (7, 7), stride: (2, 2), pads: (3, 3, 3, 3)), batch: 2),
            // Single input channel (not depthwise: groups 1).
            Case(shape: Self.conv(1, 9, 10, 10, k: (3, 3), pads: (1, 1, 1, 1))),
        ]) { check($0) }
    }

    @Test func grouped() {
        withEvery("case", in: [
            Case(shape: Self.conv(4, 6, 8, 8, k: (3, 3), pads: (1, 1, 1, 1), groups: 2)),
            Case(shape: Self.conv(6, 9, 7, 5, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1), groups: 3),
                 batch: 2),
            Case(shape: Self.conv(8, 8, 6, 6, k: (3, 3), dilation: (2, 2), pads: (2, 2, 2, 2), groups: 4),
                 activation: .leakyRelu(alpha: 0.1)),
        ]) { check($0) }
    }

    @Test func depthwise() {
        withEvery("case", in: [
            Case(shape: Self.conv(2, 2, 1, 1, k: (3, 3), pads: (1, 1, 1, 1), groups: 2)),
            Case(shape: Self.conv(5, 5, 19, 21, k: (3, 3), pads: (1, 1, 1, 1), groups: 5),
                 activation: .clip(min: 0, max: 6), batch: 2),
            Case(shape: Self.conv(4, 4, 20, 37, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1), groups: 4)),
            Case(shape: Self.conv(3, 3, 17, 40, k: (5, 5), stride: (1, 3), pads: (2, 0, 1, 2), groups: 3)),
            Case(shape: Self.conv(3, 3, 15, 33, k: (3, 3), dilation: (2, 2), pads: (2, 2, 2, 2), groups: 3),
                 residual: true),
            // Channel multiplier 2 and 3.
            Case(shape: Self.conv(3, 6, 12, 18, k: (3, 3), stride: (2, 2), pads: (0, 1, 1, 0), groups: 3)),
            Case(shape: Self.conv(2, 6, 9, 24, k: (3, 3), pads: (1, 1, 1, 1), groups: 2), batch: 3,
                 bias: false),
            // Rows narrower than a vector: a row's last vector may spill into the rows after it
            // only while it stays inside the plane.
            Case(shape: Self.conv(4, 4, 6, 1, k: (3, 3), pads: (1, 1, 1, 1), groups: 4), residual: true),
            Case(shape: Self.conv(3, 3, 5, 3, k: (3, 3), pads: (1, 1, 1, 1), groups: 3), batch: 2),
            Case(shape: Self.conv(2, 2, 4, 2, k: (5, 5), pads: (2, 2, 2, 2), groups: 2), residual: true),
            // Kernel larger than the input.
            Case(shape: Self.conv(4, 4, 2, 2, k: (5, 5), pads: (2, 2, 2, 2), groups: 4)),
            // Wide stride-1 maps: tall dilation, asymmetric pads, a width not a multiple of 8.
            Case(shape: Self.conv(3, 3, 10, 17, k: (3, 5), dilation: (4, 3), pads: (4, 6, 3, 6), groups: 3),
                 residual: true),
            Case(shape: Self.conv(2, 4, 6, 27, k: (3, 3), pads: (0, 2, 1, 0), groups: 2),
                 activation: .hardSwish, residual: true),
        ]) { check($0) }
    }

    /// Depthwise on small maps, eight channels interleaved: channel counts that leave a partial
    /// block, maps whose position count is not a multiple of 8 (partial transposes), both
    /// strides of the 3x3 kernel, other windows through the general loop, input rows and
    /// columns no window reads, residuals (also in place, below) and batches.
    @Test func interleavedDepthwise() {
        var cases = [
            Case(shape: Self.conv(8, 8, 1, 1, k: (3, 3), pads: (1, 1, 1, 1), groups: 8)),
            Case(shape: Self.conv(16, 16, 14, 14, k: (3, 3), pads: (1, 1, 1, 1), groups: 16),
                 activation: .clip(min: 0, max: 6)),
            Case(shape: Self.conv(13, 13, 7, 7, k: (3, 3), pads: (1, 1, 1, 1), groups: 13), batch: 2,
                 residual: true),
            Case(shape: Self.conv(24, 24, 14, 14, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1), groups: 24),
                 activation: .relu),
            Case(shape: Self.conv(9, 9, 15, 11, k: (3, 3), stride: (2, 2), pads: (0, 1, 1, 0), groups: 9),
                 batch: 3, bias: false),
            Case(shape: Self.conv(17, 17, 28, 28, k: (3, 3), stride: (1, 2), pads: (1, 1, 1, 1), groups: 17),
                 activation: .hardSwish),
            Case(shape: Self.conv(10, 10, 45, 40, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1), groups: 10),
                 residual: true),
            // The general loop: 5x5, stride 3, dilation, a kernel larger than the input.
            Case(shape: Self.conv(10, 10, 12, 9, k: (5, 5), stride: (1, 3), pads: (2, 0, 1, 2), groups: 10),
                 residual: true),
            Case(shape: Self.conv(8, 8, 9, 10, k: (3, 3), dilation: (2, 2), pads: (2, 2, 2, 2), groups: 8)),
            Case(shape: Self.conv(11, 11, 2, 3, k: (5, 5), pads: (2, 2, 2, 2), groups: 11), batch: 2),
            Case(shape: Self.conv(8, 8, 6, 5, k: (1, 3), stride: (2, 1), pads: (0, 1, 0, 1), groups: 8),
                 activation: .leakyRelu(alpha: 0.1)),
        ]
        for c in cases { #expect(Convolution.algorithm(for: c.shape) == .interleavedDepthwise, "\(c)") }
        cases.append(Case(shape: Self.conv(8, 16, 7, 7, k: (3, 3), pads: (1, 1, 1, 1), groups: 8)))
        withEvery("case", in: cases) { check($0) }
    }

    @Test func everyActivationInTheEpilogue() {
        let activations: [Activation] = [
            .none, .relu, .clip(min: -0.5, max: 0.75), .leakyRelu(alpha: 0.2), .sigmoid,
            .hardSigmoid(alpha: 0.2, beta: 0.5), .hardSwish, .tanh,
        ]
        withEvery("activation", in: activations) { activation in
            check(Case(shape: Self.conv(5, 6, 9, 11, k: (3, 3), pads: (1, 1, 1, 1)), activation: activation))
            check(Case(shape: Self.conv(6, 6, 9, 19, k: (3, 3), pads: (1, 1, 1, 1), groups: 6),
                       activation: activation, residual: true))
            check(Case(shape: Self.conv(6, 10, 5, 19, k: (1, 1)), activation: activation))
        }
    }

    /// Late-layer maps with a batch: whole images side by side in one panel, the last panel
    /// partial, the product scattered back through the epilogue.
    @Test func batchesSmallMaps() {
        let cases = [
            Case(shape: Self.conv(15, 24, 7, 7, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu, batch: 11,
                 residual: true, expectedBatch: 11),
            Case(shape: Self.conv(12, 18, 8, 8, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1), groups: 3),
                 batch: 7, bias: false),
            Case(shape: Self.conv(8, 16, 14, 14, k: (1, 1), stride: (2, 2)), batch: 5, residual: true,
                 expectedBatch: 5),
        ]
        for c in cases {
            let conv = Convolution(shape: c.shape, weights: [Float](repeating: 0, count: c.shape.weightCount),
                                   bias: nil, expectedBatch: c.expectedBatch)
            #expect(conv.algorithm == .im2col, "\(c)")
            #expect(conv.panelPlan(batch: c.batch, parallelism: .serial).images > 1, "\(c)")
        }
        withEvery("case", in: cases) { check($0, threads: [1, 2]) }
    }

    @Test func splitsSmallBatchesAcrossWorkers() {
        let g = Self.conv(8, 40, 20, 20, k: (3, 3), pads: (1, 1, 1, 1))
        let conv = Convolution(shape: g, weights: [Float](repeating: 0, count: g.weightCount), bias: nil)
        let serial = conv.panelPlan(batch: 1, parallelism: .serial)
        #expect(serial.panels == 1 && serial.channelBlocks == 1 && !serial.sharedColumns)
        // 400 columns are too few to halve: blocks of output channels share the one panel.
        let three = conv.panelPlan(batch: 1, parallelism: Parallelism(threads: 3))
        #expect(three.panels == 1 && three.channelBlocks == 2 && three.sharedColumns)
        check(Case(shape: g, activation: .relu))
        let wide = conv.panelPlan(batch: 8, parallelism: Parallelism(threads: 3))
        #expect(wide.images == 1 && wide.panels == 1 && wide.channelBlocks == 1)
        // An odd number of panels over two workers (five of 15 rows of 30) becomes even (six of 13).
        let large = Self.conv(3, 8, 150, 60, k: (7, 7), stride: (2, 2), pads: (3, 3, 3, 3))
        let six = Convolution(shape: large, weights: [Float](repeating: 0, count: large.weightCount), bias: nil)
            .panelPlan(batch: 1, parallelism: Parallelism(threads: 2))
        #expect(six.panels == 6 && six.columns == 13 * 30 && six.channelBlocks == 1)
        check(Case(shape: large, activation: .relu), threads: [2])
    }

    /// Small maps of one image: fewer panels than workers, so blocks of output channels share
    /// each panel, and its column matrix (im2col) or transformed input (Winograd) is made once,
    /// in shared scratch, by all workers (split by input channel) before the products.
    @Test func sharesSmallMapInputsAcrossChannelBlocks() {
        // (expectedBatch 2: a small map of one image would take the tiled path.)
        let im2col = [
            Case(shape: Self.conv(48, 64, 4, 4, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu, residual: true,
                 expectedBatch: 2),
            Case(shape: Self.conv(24, 64, 9, 9, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1), groups: 2)),
            Case(shape: Self.conv(5, 40, 6, 6, k: (3, 3), pads: (1, 1, 1, 1)), bias: false, expectedBatch: 2),
        ]
        for c in im2col {
            let conv = Convolution(shape: c.shape, weights: [Float](repeating: 0, count: c.shape.weightCount),
                                   bias: nil, expectedBatch: c.expectedBatch)
            #expect(conv.algorithm == .im2col, "\(c)")
            #expect(conv.panelPlan(batch: 1, parallelism: Parallelism(threads: 2)).sharedColumns, "\(c)")
            #expect(!conv.panelPlan(batch: 1, parallelism: .serial).sharedColumns, "\(c)")
        }
        let winograd = [
            Case(shape: Self.conv(32, 48, 14, 14, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu, residual: true),
            Case(shape: Self.conv(17, 33, 11, 11, k: (3, 3), pads: (1, 1, 1, 1))),
        ]
        for c in winograd {
            let conv = Convolution(shape: c.shape, weights: [Float](repeating: 0, count: c.shape.weightCount),
                                   bias: nil)
            #expect([.winograd, .winograd4x4].contains(conv.algorithm), "\(c)")
            #expect(conv.winogradPlan(batch: 1, parallelism: Parallelism(threads: 2)).sharedInput, "\(c)")
            #expect(!conv.winogradPlan(batch: 1, parallelism: .serial).sharedInput, "\(c)")
        }
        withEvery("case", in: im2col + winograd) { check($0, threads: [1, 2, 3, 4]) }
    }

    /// Large maps with K up to 1024 on the register tiles, a panel of output rows at a time: a
    /// stem, strided and unpadded windows, panels that do not divide the rows, output channels
    /// split when there are few panels, residuals, batches; deeper K stays on sgemm.
    @Test func im2colTiles() {
        let cases = [
            Case(shape: Self.conv(3, 20, 45, 45, k: (7, 7), stride: (2, 2), pads: (3, 3, 3, 3)),
                 activation: .relu, batch: 2, residual: true),
            Case(shape: Self.conv(8, 13, 10, 130, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)), bias: false),
            Case(shape: Self.conv(5, 7, 20, 20, k: (2, 2)), activation: .clip(min: 0, max: 6), batch: 3),
            Case(shape: Self.conv(100, 10, 20, 20, k: (3, 3), pads: (1, 1, 1, 1)), residual: true),
            Case(shape: Self.conv(3, 64, 17, 130, k: (3, 3), pads: (1, 1, 1, 1))),
        ]
        // (With AVX-512 the strided ones take the direct lanes; `check` runs them here too.)
        for c in cases {
            #expect(Convolution.algorithm(for: c.shape, expectedBatch: c.batch)
                    == (Convolution.prefersDirectRows(c.shape) ? .directRows
                        : Convolution.prefersDirectLanes(c.shape) ? .directLanes : .im2colTiles), "\(c)")
        }
        #expect(Convolution.algorithm(for: Self.conv(114, 10, 20, 20, k: (3, 3), pads: (1, 1, 1, 1))) == .im2col)
        let few = Convolution(shape: cases[4].shape,
                              weights: [Float](repeating: 0, count: cases[4].shape.weightCount), bias: nil)
            .im2colTilesPlan(batch: 1, parallelism: Parallelism(threads: 4))
        #expect(few.rows == 1 && few.panels == 17 && few.channelItems == 1)
        let split = Convolution(shape: cases[1].shape,
                                weights: [Float](repeating: 0, count: cases[1].shape.weightCount), bias: nil)
            .im2colTilesPlan(batch: 1, parallelism: Parallelism(threads: 3))
        #expect(split.rows == 1 && split.channelItems > 1)
        // One image's panels: a multiple of the workers, its rows split evenly (MobileNetV2's stem,
        // 112 rows: ten-row panels left the last one two).
        let stem = Self.conv(3, 32, 224, 224, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1))
        for threads in [2, 3] {
            let plan = Convolution(shape: stem, weights: [Float](repeating: 0, count: stem.weightCount), bias: nil)
                .im2colTilesPlan(batch: 1, parallelism: Parallelism(threads: threads))
            let parts = (0..<plan.panels).map { plan.outputRows(of: $0, height: 112) }
            #expect(plan.panels % threads == 0, "\(threads)")
            #expect(parts.first?.lowerBound == 0 && parts.last?.upperBound == 112, "\(threads)")
            #expect(zip(parts, parts.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "\(threads)")
            #expect(parts.allSatisfy { $0.count == plan.rows || $0.count == plan.rows - 1 }, "\(threads)")
        }
        withEvery("case", in: cases) { check($0) }
    }

    /// Small maps of one image on the register tiles: K in several blocks (partial sums kept in
    /// y and, for a last tile of 5 to 15 valid columns, in scratch), partial panels, a residual,
    /// stride 2 and 1x1, and a batch (image by image); with AVX-512 the 7x7 and 14x14 maps' first
    /// two tiles run as one (`PointwiseTile.thirtyTwo`).
    @Test func tiledColumns() {
        let cases = [
            // (15 output channels: with 16 or more a 7x7 map takes Winograd.)
            Case(shape: Self.conv(320, 15, 7, 7, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu, residual: true),
            Case(shape: Self.conv(72, 13, 14, 14, k: (3, 3), pads: (1, 1, 1, 1)), activation: .clip(min: 0, max: 6)),
            // A narrow last tile (2 and 3 valid columns; with AVX-512, tiles of 18 and 19) over
            // several K blocks, residual in place.
            Case(shape: Self.conv(820, 14, 3, 6, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu, residual: true),
            Case(shape: Self.conv(820, 7, 1, 19, k: (3, 3), pads: (1, 1, 1, 1)), bias: false),
            Case(shape: Self.conv(40, 30, 13, 13, k: (1, 1), stride: (2, 2)), batch: 3, residual: true),
            Case(shape: Self.conv(7, 9, 9, 9, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)), bias: false),
            Case(shape: Self.conv(3, 8, 4, 4, k: (2, 2)), batch: 2),
        ]
        // (The last two have 5x5 and 3x3 outputs but K of 63 and 12: too short for the lanes.)
        for c in cases {
            #expect(Convolution.algorithm(for: c.shape) == .tiledColumns, "\(c)")
        }
        let deep = Convolution(shape: cases[0].shape,
                               weights: [Float](repeating: 0, count: cases[0].shape.weightCount), bias: nil)
        let plan = deep.tiledColumnsPlan(parallelism: Parallelism(threads: 2))
        #expect(plan.depth < cases[0].shape.reductionLength && plan.panelItems > 1)
        for narrow in cases[2...3] {
            let conv = Convolution(shape: narrow.shape,
                                   weights: [Float](repeating: 0, count: narrow.shape.weightCount), bias: nil)
            #expect(conv.tiledColumnsPlan(parallelism: .serial).depth < narrow.shape.reductionLength)
        }
        withEvery("case", in: cases) { check($0) }
    }
}

// The direct lanes (Convolution+DirectLanes.swift, StridePhases.swift): the phases against their
// definition, every tap's offset against the padded input, the path forced on edge shapes, and
// where it is chosen.
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

extension ConvolutionKernelTests {
    /// Shapes for the phases: strides 1 (a padded copy), 2 (the vector loops on rows of 14 to 70)
    /// and 3, dilation, pads on one side only, no pads, pads wider than the window's reach.
    static let phaseShapes = [
        conv(2, 1, 9, 11, k: (3, 3), pads: (1, 1, 1, 1)),
        conv(3, 1, 12, 70, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)),
        conv(2, 1, 35, 35, k: (3, 3), stride: (2, 2)),
        conv(2, 1, 13, 29, k: (3, 3), stride: (2, 2), pads: (0, 1, 1, 0)),
        conv(2, 1, 11, 40, k: (3, 3), stride: (3, 3), pads: (1, 1, 1, 1)),
        conv(2, 1, 12, 30, k: (3, 3), stride: (2, 2), dilation: (2, 2), pads: (2, 2, 2, 2)),
        conv(1, 1, 30, 66, k: (7, 7), stride: (2, 2), pads: (3, 3, 3, 3)),
        conv(2, 1, 6, 9, k: (2, 2), stride: (2, 3), pads: (2, 3, 2, 3)),
    ] + [10, 14, 17, 18, 28, 31, 33, 48, 56].flatMap { w in
        // Stride 2 on rows whose phases take 4-, 8- and 16-lane vectors and a last vector
        // overlapping the one before, with and without pads.
        [conv(2, 1, 4, w, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)), conv(1, 1, 4, w, k: (3, 3), stride: (2, 2))]
    }

    /// phases[c][row][p][i] = the zero-padded x at (row, i * stride + p), with no cell left out.
    @Test(arguments: phaseShapes) func stridePhasesCopy(_ g: ConvShape) {
        var rng = SeededGenerator(seed: 3)
        let x = rng.normals(g.inputCount)
        let phases = StridePhases(g)
        var copied = [Float](repeating: .nan, count: g.inputChannels * phases.plane)
        x.withUnsafeBufferPointer { xb in
            copied.withUnsafeMutableBufferPointer { cb in
                phases.copy(xb.baseAddress!, height: g.inputHeight, width: g.inputWidth,
                            channels: 0..<g.inputChannels, to: cb.baseAddress!)
            }
        }
        var wrong = 0
        for c in 0..<g.inputChannels {
            for row in 0..<phases.rows {
                for p in 0..<phases.phases {
                    for i in 0..<phases.width {
                        let iy = row - g.window.padTop, ix = i * phases.phases + p - g.window.padLeft
                        let inside = iy >= 0 && iy < g.inputHeight && ix >= 0 && ix < g.inputWidth
                        let expected = inside ? x[(c * g.inputHeight + iy) * g.inputWidth + ix] : 0
                        if copied[c * phases.plane + row * phases.rowPitch + p * phases.width + i] != expected {
                            wrong += 1
                        }
                    }
                }
            }
        }
        #expect(wrong == 0, "\(g)")
    }

    /// `deinterleave` against its definition for rows of 0 to 40 pairs (the scalar loop, 4-, 8- and
    /// 16-lane vectors, a last vector overlapping the one before), with and without the odds, and
    /// nothing written past n.
    @Test func deinterleaveRows() {
        var rng = SeededGenerator(seed: 11)
        for n in 0...40 {
            let s = rng.normals(2 * n)
            for withOdds in [true, false] {
                var even = [Float](repeating: .nan, count: n + 1), odd = [Float](repeating: .nan, count: n + 1)
                s.withUnsafeBufferPointer { sb in
                    even.withUnsafeMutableBufferPointer { eb in
                        odd.withUnsafeMutableBufferPointer { ob in
                            deinterleave(sb.baseAddress ?? UnsafePointer(eb.baseAddress!), count: n,
                                         even: eb.baseAddress!, odd: withOdds ? ob.baseAddress! : nil)
                        }
                    }
                }
                #expect((0..<n).allSatisfy { even[$0] == s[2 * $0] }, "n \(n)")
                #expect((0..<n).allSatisfy { withOdds ? odd[$0] == s[2 * $0 + 1] : odd[$0].isNaN }, "n \(n)")
                #expect(even[n].isNaN && odd[n].isNaN, "n \(n)")
            }
        }
    }

    /// Every output pixel's every tap, through `start` and `taps`, lands on the padded input's
    /// value under that tap, inside its channel's plane.
    @Test(arguments: phaseShapes) func stridePhasesTaps(_ g: ConvShape) {
        let phases = StridePhases(g), w = g.window
        #expect(phases.taps.count == w.kernelHeight * w.kernelWidth)
        var misses = 0
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                for ky in 0..<w.kernelHeight {
                    for kx in 0..<w.kernelWidth {
                        let at = phases.start(row: oy, column: ox) + phases.taps[ky * w.kernelWidth + kx]
                        // Padded coordinates of the tap, and where they are in the phases.
                        let row = oy * w.strideHeight + ky * w.dilationHeight
                        let column = ox * w.strideWidth + kx * w.dilationWidth
                        let expected = row * phases.rowPitch + column % phases.phases * phases.width
                            + column / phases.phases
                        if at != expected || at < 0 || at >= phases.plane || column / phases.phases >= phases.width {
                            misses += 1
                        }
                    }
                }
            }
        }
        #expect(misses == 0, "\(g)")
    }

    /// Forced on strides 1 to 3, dilation, asymmetric pads, a 7x7 stem, 1x1 stride 2, every tile
    /// width (rows of 7 to 27), partial panels, residuals, no bias, a batch of two, both loop
    /// orders, 1-3 workers, against the reference.
    @Test func directLanes() {
        var cases = [
            Case(shape: Self.conv(10, 20, 16, 16, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)), activation: .relu),
            Case(shape: Self.conv(7, 9, 13, 29, k: (3, 3), stride: (2, 2), pads: (0, 1, 1, 0)), residual: true),
            Case(shape: Self.conv(5, 17, 11, 40, k: (3, 3), stride: (3, 3), pads: (1, 1, 1, 1))),
            Case(shape: Self.conv(6, 16, 12, 30, k: (3, 3), stride: (2, 2), dilation: (2, 2), pads: (2, 2, 2, 2)),
                 activation: .clip(min: 0, max: 6)),
            Case(shape: Self.conv(3, 24, 30, 30, k: (7, 7), stride: (2, 2), pads: (3, 3, 3, 3)), batch: 2,
                 residual: true),
            Case(shape: Self.conv(12, 8, 20, 20, k: (1, 1), stride: (2, 2)), bias: false),
            Case(shape: Self.conv(4, 5, 9, 9, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu),
            // Weights outweighing the input: panels outer.
            Case(shape: Self.conv(64, 40, 6, 16, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)), residual: true),
            // Inception-v3's Mixed_6a shape, smaller: no pads, 35 -> 17.
            Case(shape: Self.conv(9, 33, 35, 35, k: (3, 3), stride: (2, 2)), activation: .relu),
        ]
        // Rows of 7 to 27 pixels: every tile width and the splits of a row into two and three;
        // 36 outputs: with AVX-512 a pair of panels (`ChannelLanesTile.runPair`) and one of 4.
        for width in stride(from: 13, through: 53, by: 2) {
            cases.append(Case(shape: Self.conv(3, 36, 5, width, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1))))
        }
        for c in cases { #expect(Convolution.directLanesApplies(c.shape), "\(c)") }
        let orders = Set(cases.map { c in
            Convolution(shape: c.shape, weights: [Float](repeating: 0, count: c.shape.weightCount), bias: nil,
                        algorithm: .directLanes).directLanesPlan(parallelism: Parallelism(threads: 2)).panelsOuter
        })
        #expect(orders == [false, true])
        checkForced(cases, algorithm: .directLanes, seed: 13)
    }

    /// Every item's panels and rows together cover each panel and row once, on 1 to 16 workers.
    @Test func directLanesPlanCoversTheMap() {
        for g in [Self.conv(128, 128, 56, 56, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)),
                  Self.conv(512, 512, 14, 14, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)),
                  Self.conv(192, 320, 17, 17, k: (3, 3), stride: (2, 2)),
                  Self.conv(3, 64, 224, 224, k: (7, 7), stride: (2, 2), pads: (3, 3, 3, 3))] {
            let conv = Convolution(shape: g, weights: [Float](repeating: 0, count: g.weightCount), bias: nil,
                                   algorithm: .directLanes)
            for threads in [1, 2, 3, 8, 16] {
                let plan = conv.directLanesPlan(parallelism: Parallelism(threads: threads))
                #expect(plan.panels * ChannelLanesTile.lanes >= g.outputChannels)
                #expect(plan.panelItems * plan.panelsPerItem >= plan.panels)
                #expect((plan.panelItems - 1) * plan.panelsPerItem < plan.panels)
                #expect(plan.bands * plan.rowsPerBand >= g.outputHeight)
                #expect((plan.bands - 1) * plan.rowsPerBand < g.outputHeight)
                #expect(plan.chunks * plan.channelsPerChunk >= g.inputChannels)
                // Enough items for the workers wherever the map has them.
                if threads > 1 { #expect(plan.panelItems * plan.bands >= min(threads, plan.panels * g.outputHeight)) }
            }
        }
    }

    /// With AVX-512, strided windows wider than a pixel with K of 64 or more and more than 4 input
    /// channels take the direct lanes at any batch; 1x1 stride 2, short reductions, rows under 7
    /// pixels and other builds do not.
    @Test func choosesDirectLanes() {
        #if NETDISSECT_ISA_AVX512
        let direct = true
        #else
        let direct = false
        #endif
        func chosen(_ g: ConvShape, batch: Int = 1) -> Convolution.Algorithm {
            Convolution.algorithm(for: g, expectedBatch: batch)
        }
        // ResNet's stride-2 3x3 (its stem takes the direct rows: ConvolutionKernelTests+DirectRows),
        // Inception-v3's Mixed_6a and Mixed_7a.
        for g in [Self.conv(128, 128, 56, 56, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)),
                  Self.conv(512, 512, 14, 14, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)),
                  Self.conv(288, 384, 35, 35, k: (3, 3), stride: (2, 2)),
                  Self.conv(192, 320, 17, 17, k: (3, 3), stride: (2, 2))] {
            for batch in [1, 32] {
                #expect((chosen(g, batch: batch) == .directLanes) == direct, "\(g) batch \(batch)")
            }
        }
        // 1x1 stride 2 (ResNet's downsampling) takes the subsampled matrix.
        #expect(chosen(Self.conv(256, 512, 56, 56, k: (1, 1), stride: (2, 2))) == .subsampledPointwise)
        // K = 27: Inception-v3's first layer.
        #expect(chosen(Self.conv(3, 32, 299, 299, k: (3, 3), stride: (2, 2))) == .im2colTiles)
        // Rows of 5: a stride-2 3x3 from 12x12 to 5x5 keeps the channel lanes (or tiled columns).
        let toFive = Self.conv(192, 320, 12, 12, k: (3, 3), stride: (2, 2))
        #expect(!Convolution.directLanesApplies(toFive))
        #expect(chosen(toFive) == Self.channelLanesOr(.tiledColumns))
        // Stride 1 and grouped windows are not for it.
        #expect(chosen(Self.conv(64, 64, 9, 9, k: (3, 3), pads: (1, 1, 1, 1))) != .directLanes)
        #expect(!Convolution.algorithms(for: Self.conv(8, 16, 16, 16, k: (3, 3), stride: (2, 2), groups: 2))
            .contains(.directLanes))
    }
}

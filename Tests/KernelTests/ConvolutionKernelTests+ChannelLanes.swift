// The channel-lanes path (Convolution+ChannelLanes.swift, ChannelLanesTile.swift): its column
// split, the path forced on edge shapes, and where it is chosen.
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
    /// Tiles of 7 to 13 columns, as few as fit, widths at most one apart, covering the map.
    @Test func channelLanesSplitColumns() {
        #expect(ChannelLanesTile.split(25) == [13, 12])
        #expect(ChannelLanesTile.split(8) == [8])
        #expect(ChannelLanesTile.split(13) == [13])
        #expect(ChannelLanesTile.split(14) == [7, 7])
        #expect(ChannelLanesTile.split(100) == [13, 13, 13, 13, 12, 12, 12, 12])
        for columns in ChannelLanesTile.minimumColumns...400 {
            let widths = ChannelLanesTile.split(columns)
            #expect(widths.reduce(0, +) == columns, "\(columns)")
            #expect(widths.count == (columns + 12) / 13, "\(columns)")
            #expect(widths.allSatisfy { ChannelLanesTile.widths.contains($0) }, "\(columns): \(widths)")
            #expect(widths.max()! - widths.min()! <= 1, "\(columns): \(widths)")
        }
    }

    /// Forced on every width of tile (maps of 8 to 196 columns), pointwise and not, channel counts
    /// that leave a partial panel, K deep enough for several blocks, strides, pads, residuals,
    /// batches and every worker count, against the reference.
    @Test func channelLanes() {
        let cases = [
            // 5x5 (13 + 12 columns), 3x3 pads, 20 channels (a partial panel on any lane count).
            Case(shape: Self.conv(7, 20, 5, 5, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu),
            // Pointwise: x read in place; a residual; a batch of two.
            Case(shape: Self.conv(33, 17, 5, 5, k: (1, 1)), batch: 2, residual: true),
            // Every width: 8 (2x4), 9 (3x3), 10, 11, 12, 7 + 7 (2x7), 12 x 3 (4x9).
            Case(shape: Self.conv(5, 3, 2, 4, k: (1, 1))),
            Case(shape: Self.conv(6, 9, 3, 3, k: (1, 1)), activation: .clip(min: 0, max: 6)),
            Case(shape: Self.conv(4, 5, 2, 5, k: (1, 1))),
            Case(shape: Self.conv(4, 5, 1, 11, k: (1, 1)), residual: true),
            Case(shape: Self.conv(3, 24, 3, 4, k: (1, 1))),
            Case(shape: Self.conv(3, 8, 2, 7, k: (1, 1))),
            Case(shape: Self.conv(9, 10, 4, 9, k: (3, 3), pads: (1, 1, 1, 1))),
            // Inception-v3's 1x3 and 3x1 on 5x5, its stride-2 3x3 from 12x12 to 5x5.
            Case(shape: Self.conv(12, 16, 5, 5, k: (1, 3), pads: (0, 1, 0, 1)), activation: .relu),
            Case(shape: Self.conv(12, 16, 5, 5, k: (3, 1), pads: (1, 0, 1, 0)), residual: true),
            Case(shape: Self.conv(10, 18, 12, 12, k: (3, 3), stride: (2, 2)), batch: 2),
            // 14x14 (196 columns: 16 tiles of 13 and 12), no bias.
            Case(shape: Self.conv(6, 7, 14, 14, k: (1, 1)), bias: false),
            // Pairs of panels with AVX-512 (`ChannelLanesTile.runPair`), the second partial: every
            // width, 8 (2x4) to 13 (1x13) and 7 + 7 (2x7); and over two blocks of K.
            Case(shape: Self.conv(5, 37, 2, 4, k: (1, 1)), residual: true),
            Case(shape: Self.conv(6, 33, 3, 3, k: (1, 1)), activation: .relu),
            Case(shape: Self.conv(4, 40, 2, 5, k: (1, 1))),
            Case(shape: Self.conv(4, 35, 1, 11, k: (1, 1)), batch: 2),
            Case(shape: Self.conv(3, 48, 3, 4, k: (1, 1)), residual: true),
            Case(shape: Self.conv(3, 45, 1, 13, k: (1, 1))),
            Case(shape: Self.conv(3, 34, 2, 7, k: (1, 1)), bias: false),
            Case(shape: Self.conv(600, 35, 5, 5, k: (3, 3), pads: (1, 1, 1, 1)), residual: true),
            // K = 5400 > 2^17 / 25: two blocks of K, partial sums through y, residual in the first.
            Case(shape: Self.conv(600, 19, 5, 5, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu,
                 residual: true),
        ]
        for c in cases { #expect(Convolution.channelLanesApplies(c.shape), "\(c)") }
        #expect(Convolution(shape: cases.last!.shape, weights: [Float](repeating: 0, count: cases.last!.shape.weightCount),
                            bias: nil, algorithm: .channelLanes).channelLanesPlan(parallelism: Parallelism(threads: 1)).depth
                < cases.last!.shape.reductionLength)
        checkForced(cases, algorithm: .channelLanes, seed: 11)
    }

    /// With AVX-512, small maps of one image whose columns leave 5 to 15 over a multiple of 16
    /// take the channel lanes (pointwise or tiled-columns shapes, K of 64 or more); other maps,
    /// batches, short reductions and other builds keep the pointwise tiles.
    @Test func choosesChannelLanes() {
        let lanes = Self.channelLanesOr(.pointwise) == .channelLanes
        func chosen(_ g: ConvShape, batch: Int = 1) -> Convolution.Algorithm {
            Convolution.algorithm(for: g, expectedBatch: batch)
        }
        // Inception-v3's 5x5 layers: 1x1, 1x3, 3x1, 3x3; its stride-2 3x3 to 5x5.
        #expect(chosen(Self.conv(1280, 448, 5, 5, k: (1, 1))) == (lanes ? .channelLanes : .pointwise))
        #expect(chosen(Self.conv(384, 384, 5, 5, k: (1, 3), pads: (0, 1, 0, 1))) == (lanes ? .channelLanes : .tiledColumns))
        #expect(chosen(Self.conv(448, 384, 5, 5, k: (3, 3), pads: (1, 1, 1, 1))) == (lanes ? .channelLanes : .tiledColumns))
        #expect(chosen(Self.conv(192, 320, 12, 12, k: (3, 3), stride: (2, 2))) == (lanes ? .channelLanes : .tiledColumns))
        // A batch of them stays on the batched paths.
        #expect(chosen(Self.conv(1280, 448, 5, 5, k: (1, 1)), batch: 2) == .pointwise)
        #expect(chosen(Self.conv(448, 384, 5, 5, k: (3, 3), pads: (1, 1, 1, 1)), batch: 2) == .winograd)
        #expect(chosen(Self.conv(384, 384, 5, 5, k: (1, 3), pads: (0, 1, 0, 1)), batch: 2) == .im2col)
        // Maps the 16-column tiles cover: 7x7 (16 + 16 + 17), 12x12, 14x14 (12 x 16 + 4), 28x28.
        #expect(chosen(Self.conv(960, 320, 7, 7, k: (1, 1))) == .pointwise)
        #expect(chosen(Self.conv(768, 192, 12, 12, k: (1, 1))) == .pointwise)
        #expect(chosen(Self.conv(576, 96, 14, 14, k: (1, 1))) == .pointwise)
        #expect(chosen(Self.conv(64, 64, 28, 28, k: (1, 1))) == .pointwise)
        // Winograd keeps the maps it takes; depthwise and grouped convolutions are not for it.
        #expect(chosen(Self.conv(256, 256, 13, 13, k: (3, 3), pads: (1, 1, 1, 1))) == .winograd4x4)
        #expect(chosen(Self.conv(8, 8, 5, 5, k: (3, 3), pads: (1, 1, 1, 1), groups: 8)) == .interleavedDepthwise)
        #expect(chosen(Self.conv(8, 16, 5, 5, k: (3, 3), groups: 2)) == .im2col)
        #expect(!Convolution.algorithms(for: Self.conv(8, 16, 5, 5, k: (3, 3), groups: 2)).contains(.channelLanes))
        // A 1x7 on 11x11 (121 columns) keeps the line path's 2x fewer products (0.51 ms against
        // 0.74 on the channel lanes, one thread).
        #expect(chosen(Self.conv(192, 192, 11, 11, k: (1, 7), pads: (0, 3, 0, 3))) == .winogradLine)
        // A short reduction stays on the pointwise tiles (K = 32 < 64); K = 64 takes the lanes.
        #expect(chosen(Self.conv(32, 64, 5, 5, k: (1, 1))) == .pointwise)
        #expect(chosen(Self.conv(64, 64, 5, 5, k: (1, 1))) == (lanes ? .channelLanes : .pointwise))
        // Too few columns for its tiles (2x3).
        #expect(!Convolution.algorithms(for: Self.conv(8, 16, 2, 3, k: (1, 1))).contains(.channelLanes))
    }
}

// Winograd F(2x2, 3x3) and F(4x4, 3x3) (Convolution+Winograd.swift, Convolution+Winograd4x4.swift):
// the paths forced on edge shapes, M's two layouts, how one image's panels are cut, and the
// tile groups of narrow maps.
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
    /// F(2x2, 3x3): odd output sizes (partial tiles), asymmetric and missing pads, batched
    /// images, channel blocks across workers, the epilogue.
    @Test func winograd() {
        let cases = [
            Case(shape: Self.conv(16, 16, 8, 8, k: (3, 3), pads: (1, 1, 1, 1)), expectedBatch: 64),
            Case(shape: Self.conv(16, 20, 9, 11, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu,
                 expectedBatch: 64),
            Case(shape: Self.conv(17, 19, 10, 13, k: (3, 3)), batch: 2, expectedBatch: 64),
            Case(shape: Self.conv(16, 16, 9, 9, k: (3, 3), pads: (0, 1, 2, 1)), bias: false, expectedBatch: 64),
            Case(shape: Self.conv(24, 40, 23, 21, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu,
                 residual: true, expectedBatch: 64),
            Case(shape: Self.conv(32, 48, 7, 7, k: (3, 3), pads: (1, 1, 1, 1)), activation: .clip(min: 0, max: 6),
                 batch: 5, residual: true, expectedBatch: 5),
            Case(shape: Self.conv(16, 32, 4, 5, k: (3, 3), pads: (1, 1, 1, 1)), batch: 11, expectedBatch: 6),
        ]
        for c in cases {
            #expect([.winograd, .winograd4x4].contains(Convolution.algorithm(for: c.shape, expectedBatch: c.expectedBatch)),
                    "\(c)")
        }
        withEvery("case", in: cases) { check($0) }
        // F(4x4, 3x3) where it saves products: ResNet's maps, one image or a batch; F(2x2, 3x3)
        // where both tiles cover the same outputs with as many (6x6 maps), and on small maps of one
        // image (7x7 to 11x11); smaller maps of one image stay on the column matrix.
        func chosen(_ c: Int, _ size: Int, batch: Int = 1) -> Convolution.Algorithm {
            Convolution.algorithm(for: Self.conv(c, c, size, size, k: (3, 3), pads: (1, 1, 1, 1)), expectedBatch: batch)
        }
        #expect(chosen(64, 56) == .winograd4x4)
        #expect(chosen(256, 14) == .winograd4x4)
        #expect(chosen(64, 6, batch: 8) == .winograd)
        #expect(chosen(128, 7) == .winograd)
        #expect(chosen(512, 7) == .winograd)
        #expect(chosen(448, 8) == .winograd)
        #expect(chosen(512, 7, batch: 32) == .winograd4x4)
        #expect(chosen(256, 6) == .tiledColumns)
        #expect(chosen(448, 5) == Self.channelLanesOr(.tiledColumns))
        #expect(chosen(512, 4) == .tiledColumns)
    }

    /// F(4x4, 3x3) forced on maps that are not multiples of 4 (tiles past the edge), smaller than
    /// one tile, one row of tiles, with pads missing or asymmetric, batches, residuals, and split
    /// over workers in both ways (panels of tile rows, and output-channel blocks sharing a panel).
    @Test func winograd4x4() {
        let cases = [
            Case(shape: Self.conv(16, 16, 8, 8, k: (3, 3), pads: (1, 1, 1, 1))),
            Case(shape: Self.conv(16, 20, 9, 11, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu),
            Case(shape: Self.conv(17, 19, 10, 13, k: (3, 3)), batch: 2, expectedBatch: 2),
            Case(shape: Self.conv(16, 16, 9, 9, k: (3, 3), pads: (0, 1, 2, 1)), bias: false),
            Case(shape: Self.conv(24, 40, 23, 21, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu, residual: true),
            Case(shape: Self.conv(32, 48, 7, 7, k: (3, 3), pads: (1, 1, 1, 1)), activation: .clip(min: 0, max: 6),
                 batch: 5, residual: true, expectedBatch: 5),
            Case(shape: Self.conv(16, 32, 4, 5, k: (3, 3), pads: (1, 1, 1, 1)), batch: 11, expectedBatch: 6),
            Case(shape: Self.conv(20, 16, 6, 70, k: (3, 3), pads: (1, 1, 1, 1)), activation: .leakyRelu(alpha: 0.1),
                 residual: true),
            Case(shape: Self.conv(48, 64, 14, 14, k: (3, 3), pads: (1, 1, 1, 1)), residual: true),
            // M beyond L2 on one worker, channel-major: panels of tile rows of one image, and a
            // batch side by side.
            Case(shape: Self.conv(16, 64, 60, 60, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu),
            Case(shape: Self.conv(16, 128, 12, 12, k: (3, 3), pads: (1, 1, 1, 1)), batch: 8, residual: true,
                 expectedBatch: 8),
        ]
        checkForced(cases, algorithm: .winograd4x4, seed: 5)
        for (c, batch) in [(cases[9], 1), (cases[10], 8)] {
            let conv = Convolution(shape: c.shape, weights: [Float](repeating: 0, count: c.shape.weightCount), bias: nil,
                                   algorithm: .winograd4x4)
            #expect(conv.winogradPlan(batch: batch, parallelism: .serial).channelMajor, "\(c)")
        }
        #expect(!Convolution(shape: Self.conv(48, 64, 14, 14, k: (3, 3), pads: (1, 1, 1, 1)),
                             weights: [Float](repeating: 0, count: 48 * 64 * 9), bias: nil, algorithm: .winograd4x4)
                    .winogradPlan(batch: 1, parallelism: .serial).channelMajor)
        // One image of 14x14 on two workers: output-channel blocks share the transformed panel.
        let shared = Convolution(shape: Self.conv(48, 64, 14, 14, k: (3, 3), pads: (1, 1, 1, 1)),
                                 weights: [Float](repeating: 0, count: 48 * 64 * 9), bias: nil, algorithm: .winograd4x4)
        #expect(shared.winogradPlan(batch: 1, parallelism: Parallelism(threads: 2)).sharedInput)
        #expect(shared.winogradPlan(batch: 1, parallelism: .serial).positions == 36)
    }

    /// One image's panels split its tile rows evenly (a row more or less each, every row once), as
    /// many as a multiple of the workers where each still has 32 tiles: on ResNet's 64x56x56 two
    /// workers used to get rows 4 + 4 and 4 + 2 of it. Where rows cannot be split further, the
    /// output channels are, into as many blocks as workers.
    @Test func winogradPanelsSplitTileRowsEvenly() {
        let shapes: [(c: Int, size: Int, threads: Int, panels: Int, blocks: Int)] = [
            (64, 56, 1, 2, 1), (64, 56, 2, 2, 1), (64, 56, 3, 3, 1), (64, 56, 4, 4, 1),
            (16, 60, 2, 2, 1), (32, 147, 2, 8, 1), (128, 28, 2, 1, 2), (256, 14, 2, 1, 2), (96, 25, 3, 1, 3),
        ]
        for s in shapes {
            let shape = Self.conv(s.c, s.c, s.size, s.size, k: (3, 3), pads: (1, 1, 1, 1))
            let conv = Convolution(shape: shape, weights: [Float](repeating: 0, count: shape.weightCount), bias: nil,
                                   algorithm: .winograd4x4)
            let plan = conv.winogradPlan(batch: 1, parallelism: Parallelism(threads: s.threads))
            let parts = (0..<plan.panels).map { plan.tileRows(of: $0) }
            #expect(plan.panels == s.panels && plan.channelBlocks == s.blocks, "\(s)")
            #expect(parts.first?.lowerBound == 0 && parts.last?.upperBound == plan.tileRows, "\(s)")
            #expect(zip(parts, parts.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "\(s)")
            #expect(parts.allSatisfy { $0.count == plan.rows || $0.count == plan.rows - 1 }, "\(s)")
            #expect(parts.allSatisfy { $0.count * plan.tileColumns >= 32 } || plan.panels == 1, "\(s)")
        }
    }

    /// Maps four tiles wide run two tile rows in the lanes of one vector (`TileGroup`): an odd
    /// count of tile rows (the last one alone), rows and columns past the map's edge, residuals,
    /// batches side by side, and workers, in both tile sizes.
    @Test func winogradPairsTileRowsOnMapsFourTilesWide() {
        let four = [  // F(4x4, 3x3): 13 to 16 outputs wide
            Case(shape: Self.conv(16, 24, 10, 15, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu, residual: true),
            Case(shape: Self.conv(16, 16, 16, 16, k: (3, 3), pads: (1, 1, 1, 1)), batch: 3, expectedBatch: 3),
            Case(shape: Self.conv(24, 20, 13, 13, k: (3, 3), pads: (1, 1, 1, 1)), residual: true),
        ]
        checkForced(four, algorithm: .winograd4x4, seed: 13)
        let two = [  // F(2x2, 3x3): 7 or 8 outputs wide
            Case(shape: Self.conv(16, 24, 5, 7, k: (3, 3), pads: (1, 1, 1, 1)), activation: .leakyRelu(alpha: 0.1),
                 residual: true),
            Case(shape: Self.conv(24, 16, 8, 8, k: (3, 3), pads: (1, 1, 1, 1)), batch: 2, expectedBatch: 2),
            Case(shape: Self.conv(16, 16, 9, 8, k: (3, 3), pads: (1, 1, 1, 1)), residual: true),
        ]
        checkForced(two, algorithm: .winograd, seed: 14)
        // The groups: pairs of tile rows four tiles wide, the last row alone when the count is odd;
        // eight tiles of one row otherwise.
        func groups(_ rows: Range<Int>, _ columns: Int) -> [String] {
            var out: [String] = []
            TileGroup.forEach(tileRows: rows, columns: columns) { out.append("\($0.tileRow):\($0.j)x\($0.n)\($0.pair ? "p" : "")") }
            return out
        }
        #expect(groups(2..<5, 4) == ["2:0x8p", "4:0x4"])
        #expect(groups(0..<2, 9) == ["0:0x8", "0:8x1", "1:0x8", "1:8x1"])
        #expect(groups(0..<3, 2) == ["0:0x2", "1:0x2", "2:0x2"])
    }
}

// Winograd F(m, r) along one axis of the kernel (Convolution+WinogradLine.swift): its
// transforms, the path forced on edge shapes, and where it is chosen.
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
    /// The Toom-Cook transforms of every tile the line path can take are exact: A^T [(G g) (.)
    /// (B^T d)] is the correlation of d with g, in Double, to rounding.
    @Test func winogradLineTransformsAreExact() {
        var rng = SeededGenerator(seed: 3)
        for r in [3, 5, 7] {
            for m in 2...(WinogradLine.maximumPoints - r + 1) {
                let (at, g, bt) = WinogradLine.toomCook(m: m, r: r)
                let n = m + r - 1
                let d = rng.normals(n).map(Double.init), w = rng.normals(r).map(Double.init)
                let u = (0..<n).map { xi in (0..<r).reduce(0.0) { $0 + g[xi][$1] * w[$1] } }
                let v = (0..<n).map { xi in (0..<n).reduce(0.0) { $0 + bt[xi][$1] * d[$1] } }
                for i in 0..<m {
                    let winograd = (0..<n).reduce(0.0) { $0 + at[i][$1] * u[$1] * v[$1] }
                    let direct = (0..<r).reduce(0.0) { $0 + w[$1] * d[i + $1] }
                    #expect(abs(winograd - direct) <= 1e-9 * max(1, abs(direct)), "F(\(m), \(r)) output \(i)")
                }
            }
        }
        // The tile with the fewest transformed points per output, ties to the smaller.
        #expect(WinogradLine.bestTile(r: 7, outputLength: 12) == 3)
        #expect(WinogradLine.bestTile(r: 3, outputLength: 5) == 5)
        #expect(WinogradLine.bestTile(r: 3, outputLength: 17) == 6)
        #expect(WinogradLine.bestTile(r: 7, outputLength: 2) == 2)
    }

    /// F(m, r) along one axis of the kernel, forced: both orientations, every kernel length, tiles
    /// of 2 to 6 outputs, lines that tiles overrun, cross lengths that are not whole vectors,
    /// kernels several taps across (5x5, 3x5, 7x3, 1x7 on a one-row map), asymmetric and missing
    /// pads, batches, residuals, no bias, 1-3 workers.
    @Test func winogradLine() {
        let cases = [
            Case(shape: Self.conv(20, 26, 12, 12, k: (1, 7), pads: (0, 3, 0, 3)), activation: .relu),
            Case(shape: Self.conv(24, 18, 12, 12, k: (7, 1), pads: (3, 0, 3, 0)), batch: 2, residual: true),
            Case(shape: Self.conv(16, 16, 5, 5, k: (1, 3), pads: (0, 1, 0, 1))),
            Case(shape: Self.conv(17, 30, 17, 9, k: (3, 1), pads: (2, 0, 0, 0)), activation: .clip(min: 0, max: 6)),
            Case(shape: Self.conv(16, 20, 9, 13, k: (1, 5)), bias: false),
            Case(shape: Self.conv(18, 16, 8, 11, k: (7, 1), pads: (3, 0, 3, 0)), activation: .leakyRelu(alpha: 0.1),
                 batch: 3, residual: true),
            Case(shape: Self.conv(16, 24, 6, 30, k: (1, 7), pads: (0, 3, 0, 3))),
            Case(shape: Self.conv(16, 16, 4, 3, k: (3, 1), pads: (1, 0, 1, 0)), residual: true),
            Case(shape: Self.conv(16, 16, 2, 2, k: (7, 1), pads: (3, 0, 3, 0))),
            Case(shape: Self.conv(16, 20, 25, 25, k: (5, 5), pads: (2, 2, 2, 2)), activation: .relu),
            Case(shape: Self.conv(17, 16, 11, 9, k: (3, 5), pads: (1, 0, 0, 2)), batch: 2, residual: true),
            Case(shape: Self.conv(16, 18, 10, 13, k: (7, 3), pads: (3, 1, 3, 1)), bias: false),
            Case(shape: Self.conv(16, 16, 3, 9, k: (2, 5), pads: (0, 2, 1, 2))),
            Case(shape: Self.conv(16, 16, 1, 20, k: (1, 7), pads: (0, 3, 0, 3)), residual: true),
            // Several blocks of output channels, each packing V for its own products: 40 is 24 + 16
            // on two or three workers, 50 is 30 + 20 on two and 18 + 18 + 14 on three.
            Case(shape: Self.conv(16, 40, 12, 12, k: (1, 7), pads: (0, 3, 0, 3)), activation: .relu, residual: true),
            Case(shape: Self.conv(20, 50, 12, 12, k: (7, 1), pads: (3, 0, 3, 0)), batch: 2),
        ]
        checkForced(cases, algorithm: .winogradLine, seed: 6)
        // Not for strides, dilations, groups, or kernels without 3, 5 or 7 taps along an axis.
        #expect(WinogradLine(Self.conv(16, 16, 12, 12, k: (1, 7), stride: (1, 2), pads: (0, 3, 0, 3))) == nil)
        #expect(WinogradLine(Self.conv(16, 16, 12, 12, k: (1, 7), dilation: (1, 2))) == nil)
        #expect(WinogradLine(Self.conv(16, 16, 12, 12, k: (1, 7), groups: 2)) == nil)
        #expect(WinogradLine(Self.conv(16, 16, 12, 12, k: (1, 9), pads: (0, 4, 0, 4))) == nil)
        #expect(WinogradLine(Self.conv(16, 16, 12, 12, k: (2, 2))) == nil)
        #expect(WinogradLine(Self.conv(16, 16, 12, 12, k: (4, 5)))?.vertical == false)
    }

    /// One block of output channels per worker (each block packs V again for its products: two per
    /// worker packed it twice as often), in multiples of the register tiles' six rows, at least 16
    /// channels a block.
    @Test func winogradLineBlocksOnePerWorker() {
        func blocks(_ oc: Int, threads: Int) -> (Int, Int) {
            let shape = Self.conv(192, oc, 12, 12, k: (1, 7), pads: (0, 3, 0, 3))
            let conv = Convolution(shape: shape, weights: [Float](repeating: 0, count: shape.weightCount), bias: nil,
                                   algorithm: .winogradLine)
            let plan = conv.winogradLinePlan(parallelism: Parallelism(threads: threads))
            return (plan.channelBlocks, plan.channelBlock)
        }
        #expect(blocks(192, threads: 1) == (1, 192))
        #expect(blocks(192, threads: 2) == (2, 96))
        #expect(blocks(192, threads: 3) == (3, 66))
        #expect(blocks(160, threads: 2) == (2, 84))
        #expect(blocks(192, threads: 8) == (8, 24))
        #expect(blocks(24, threads: 2) == (1, 24))
    }

    /// Inception-v3's 1x7 and 7x1 on 12x12 (and 17x17 at 299 pixels) and its 5x5 take the line path
    /// at any batch; its 1x3 and 3x1 on 5x5 (5 product columns per image) stay on the column matrix
    /// (tiled columns, or with AVX-512 the channel lanes).
    @Test func winogradLineSelection() {
        func chosen(_ c: Int, _ size: Int, k: (Int, Int), pads: (Int, Int, Int, Int), batch: Int = 1) -> Convolution.Algorithm {
            Convolution.algorithm(for: Self.conv(c, c, size, size, k: k, pads: pads), expectedBatch: batch)
        }
        #expect(chosen(192, 12, k: (1, 7), pads: (0, 3, 0, 3)) == .winogradLine)
        #expect(chosen(160, 12, k: (7, 1), pads: (3, 0, 3, 0), batch: 32) == .winogradLine)
        #expect(chosen(128, 17, k: (1, 7), pads: (0, 3, 0, 3)) == .winogradLine)
        #expect(chosen(384, 5, k: (1, 3), pads: (0, 1, 0, 1)) == Self.channelLanesOr(.tiledColumns))
        // Inception's and GoogLeNet's 5x5 branches, AlexNet's second layer.
        #expect(Convolution.algorithm(for: Self.conv(48, 64, 25, 25, k: (5, 5), pads: (2, 2, 2, 2))) == .winogradLine)
        #expect(Convolution.algorithm(for: Self.conv(64, 192, 27, 27, k: (5, 5), pads: (2, 2, 2, 2)),
                                      expectedBatch: 32) == .winogradLine)
        // A whole large map's transformed input would not fit the budget: the column matrix.
        #expect(Convolution.algorithm(for: Self.conv(64, 64, 224, 224, k: (5, 5), pads: (2, 2, 2, 2))) != .winogradLine)
        #expect(chosen(8, 12, k: (1, 7), pads: (0, 3, 0, 3)) != .winogradLine)
    }
}

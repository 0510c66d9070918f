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

/// The small-map block cut by channels (`InvertedResidualByChannels`) against its three
/// convolutions run one after the other.
@Suite(.kernelVariant) struct InvertedResidualByChannelsTests {
    typealias Case = InvertedResidualTests.Case

    /// The three convolutions of `c` with random weights and MobileNetV2's activations, the
    /// depthwise one interleaved.
    static func convolutions(_ c: Case, seed: UInt64) -> (Convolution?, Convolution, Convolution) {
        let (expand, planar, project) = InvertedResidualTests.convolutions(c, seed: seed)
        let d = planar.shape
        let taps = d.window.kernelHeight * d.window.kernelWidth
        // The same weights, from the planar layout (C, KH * KW), which is ONNX's.
        let depthwise = Convolution(shape: d, weights: Array(planar.weights.prefix(d.inputChannels * taps)),
                                    bias: planar.bias, activation: planar.activation, algorithm: .interleavedDepthwise)
        return (expand, depthwise, project)
    }

    /// The block matches the layers run one by one on 1-3 workers, so with one to three groups of
    /// channels per image. Not value for value: the projection's sum over the expanded channels
    /// is split into one partial sum per group (a few ulps); a channel, tap or group boundary off
    /// by one moves values by about their own size, a million times the 1e-6 allowed here.
    func check(_ c: Case, seed: UInt64 = 1, sourceLocation: SourceLocation = #_sourceLocation) {
        let (expand, depthwise, project) = Self.convolutions(c, seed: seed)
        let (x, r, expected) = InvertedResidualTests.layerByLayer(c, (expand, depthwise, project), seed: seed)
        let block = InvertedResidualByChannels(expand: expand, depthwise: depthwise, project: project)
        for t in [1, 2, 3] {
            let parallelism = Parallelism(threads: t)
            let y = InvertedResidualTests.output(x: x, residual: r, count: expected.count,
                                                 scratch: block.scratchCount(batch: c.batch, parallelism: parallelism)) { x, y, residual, scratch in
                block.run(x, y, batch: c.batch, residual: residual, scratch: scratch, parallelism: parallelism)
            }
            assertClose(y, expected, normwise: 1e-6,
                        "\(c) threads \(t), \(block.groups(batch: c.batch, threads: t)) groups",
                        sourceLocation: sourceLocation)
        }
    }

    @Test func strideOneWithResidual() {
        for batch in [1, 2, 3] {
            check(Case(channels: 8, expanded: 48, outputs: 8, height: 14, width: 14, residual: true, batch: batch))
        }
        // 52 channels: groups of 24 and 28, the last block of eight channels holds four.
        check(Case(channels: 12, expanded: 52, outputs: 12, height: 9, width: 11, residual: true))
        check(Case(channels: 16, expanded: 96, outputs: 16, height: 7, width: 7, residual: true, batch: 3))
    }

    @Test func strideTwo() {
        let s2 = SlidingWindow(kernel: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1))
        check(Case(channels: 16, expanded: 72, outputs: 24, height: 28, width: 28, window: s2))
        // Odd sizes: the last output row's window reaches the bottom padding.
        check(Case(channels: 6, expanded: 50, outputs: 10, height: 13, width: 17, window: s2, batch: 2))
    }

    @Test func withoutExpansion() {
        check(Case(channels: 40, expanded: nil, outputs: 16, height: 7, width: 9))
        check(Case(channels: 72, expanded: nil, outputs: 72, height: 10, width: 10, residual: true, batch: 3))
    }

    @Test func otherWindows() {
        check(Case(channels: 8, expanded: 48, outputs: 8, height: 14, width: 14,
                   window: SlidingWindow(kernel: (5, 5), stride: (2, 2), pads: (2, 2, 2, 2))))
        check(Case(channels: 8, expanded: 30, outputs: 8, height: 12, width: 12,
                   window: SlidingWindow(kernel: (3, 3), dilation: (2, 2), pads: (2, 2, 2, 2)), residual: true))
    }

    /// Groups are multiples of 24 channels (a panel of the expansion's weights and a block of the
    /// depthwise convolution), none empty, together every channel; as many as the workers need.
    @Test func groupsCoverTheChannels() {
        for e in [8, 24, 30, 48, 52, 144, 960] {
            let (expand, depthwise, project) = Self.convolutions(
                Case(channels: 8, expanded: e, outputs: 8, height: 7, width: 7), seed: 3)
            let block = InvertedResidualByChannels(expand: expand, depthwise: depthwise, project: project)
            for threads in 1...4 {
                for batch in 1...4 {
                    let count = block.groups(batch: batch, threads: threads)
                    let starts = (0...count).map { block.groupStart($0, of: count) }
                    #expect(starts.first == 0 && starts.last == e, "\(e) channels, \(count) groups: \(starts)")
                    #expect(zip(starts, starts.dropFirst()).allSatisfy { $0 < $1 }, "\(e): \(starts)")
                    #expect(starts.dropLast().allSatisfy { $0 % 24 == 0 }, "\(e): \(starts)")
                    #expect((batch * count) % threads == 0 || count == max(1, e / 24), "\(e) \(batch) \(threads) \(count)")
                }
            }
            #expect(block.groups(batch: 1, threads: 2) == min(2, max(1, e / 24)))
            #expect(block.groups(batch: 32, threads: 2) == 1)
        }
    }

    /// Which blocks run cut by channels: MobileNetV2's on 28x28 maps and below (and the strided
    /// one from 56x56), where the depthwise convolution runs interleaved.
    @Test func appliesToSmallBlocks() {
        let dw = { (c: Int, h: Int, s: Int) in
            ConvShape(inputChannels: c, outputChannels: c, inputHeight: h, inputWidth: h,
                      window: SlidingWindow(kernel: (3, 3), stride: (s, s), pads: (1, 1, 1, 1)), groups: c)
        }
        let pointwise = InvertedResidualTests.pointwise
        #expect(InvertedResidualByChannels.applies(expand: pointwise(24, 144, 56, 56), depthwise: dw(144, 56, 2),
                                                   project: pointwise(144, 32, 28, 28)))
        #expect(InvertedResidualByChannels.applies(expand: pointwise(32, 192, 28, 28), depthwise: dw(192, 28, 1),
                                                   project: pointwise(192, 32, 28, 28)))
        #expect(InvertedResidualByChannels.applies(expand: pointwise(160, 960, 7, 7), depthwise: dw(960, 7, 1),
                                                   project: pointwise(960, 320, 7, 7)))
        // A 56x56 map at stride 1 runs planar (the band kernel's block), fewer than 8 channels too.
        #expect(!InvertedResidualByChannels.applies(expand: pointwise(24, 144, 56, 56), depthwise: dw(144, 56, 1),
                                                    project: pointwise(144, 24, 56, 56)))
        #expect(!InvertedResidualByChannels.applies(expand: pointwise(2, 6, 7, 7), depthwise: dw(6, 7, 1),
                                                    project: pointwise(6, 2, 7, 7)))
        var grouped = pointwise(192, 32, 28, 28)
        grouped.groups = 2
        #expect(!InvertedResidualByChannels.applies(expand: nil, depthwise: dw(192, 28, 1), project: grouped))
        #expect(!InvertedResidualByChannels.applies(expand: pointwise(32, 191, 28, 28), depthwise: dw(192, 28, 1),
                                                    project: pointwise(192, 32, 28, 28)))
    }

    /// The provider cuts a small block by channels only when the batch leaves workers without
    /// images: batch 1 on two workers; not batch 2 on two (each has an image), not on one worker.
    @Test func providerCutsOnlyWhenWorkersLackImages() {
        var rng = SeededGenerator(seed: 5)
        func request(batch: Int) -> InvertedResidualRequest {
            let d = ConvShape(inputChannels: 96, outputChannels: 96, inputHeight: 14, inputWidth: 14,
                              window: SlidingWindow(kernel: (3, 3), pads: (1, 1, 1, 1)), groups: 96)
            func convolution(_ shape: ConvShape) -> ConvolutionRequest {
                ConvolutionRequest(shape: shape, batch: batch, weights: rng.normals(shape.weightCount), hasResidual: false,
                                   activation: .none)
            }
            return InvertedResidualRequest(expand: convolution(InvertedResidualTests.pointwise(16, 96, 14, 14)),
                                           depthwise: convolution(d),
                                           project: convolution(InvertedResidualTests.pointwise(96, 16, 14, 14)))
        }
        let two = FastKernels(parallelism: Parallelism(threads: 2)), one = FastKernels(parallelism: Parallelism(threads: 1))
        #expect(two.invertedResidual(request(batch: 1))?.label == "inverted residual by channels")
        #expect(two.invertedResidual(request(batch: 2)) == nil)
        #expect(one.invertedResidual(request(batch: 1)) == nil)
    }
}

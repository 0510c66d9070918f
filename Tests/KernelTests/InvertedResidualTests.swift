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

/// The fused block (`InvertedResidual`) against its three convolutions run one after the other.
@Suite(.kernelVariant) struct InvertedResidualTests {
    /// One block: input channels, expanded channels (nil: no expansion), output channels, map,
    /// depthwise window, residual, batch.
    struct Case: CustomStringConvertible {
        var channels: Int, expanded: Int?, outputs: Int
        var height: Int, width: Int
        var window = SlidingWindow(kernel: (3, 3), pads: (1, 1, 1, 1))
        var residual = false
        var batch = 1
        var description: String {
            "\(channels) -> \(expanded.map(String.init) ?? "-") -> \(outputs) \(height)x\(width) \(window)"
                + "\(residual ? " residual" : "") batch \(batch)"
        }
    }

    static func pointwise(_ c: Int, _ oc: Int, _ h: Int, _ w: Int) -> ConvShape {
        ConvShape(inputChannels: c, outputChannels: oc, inputHeight: h, inputWidth: w,
                  window: SlidingWindow(kernel: (1, 1)), groups: 1)
    }

    /// The three convolutions of `c` with random weights, MobileNetV2's activations (clip after
    /// the expansion and the depthwise convolution, none after the projection).
    static func convolutions(_ c: Case, seed: UInt64) -> (Convolution?, Convolution, Convolution) {
        var rng = SeededGenerator(seed: seed)
        let e = c.expanded ?? c.channels
        let clip = Activation.clip(min: 0, max: 6)
        let expand = c.expanded.map { e in
            let g = pointwise(c.channels, e, c.height, c.width)
            return Convolution(shape: g, weights: rng.normals(g.weightCount), bias: rng.normals(e), activation: clip,
                               algorithm: .pointwise)
        }
        let d = ConvShape(inputChannels: e, outputChannels: e, inputHeight: c.height, inputWidth: c.width,
                          window: c.window, groups: e)
        let depthwise = Convolution(shape: d, weights: rng.normals(d.weightCount), bias: rng.normals(e), activation: clip,
                                    algorithm: .depthwise)
        let p = pointwise(e, c.outputs, d.outputHeight, d.outputWidth)
        let project = Convolution(shape: p, weights: rng.normals(p.weightCount), bias: rng.normals(c.outputs),
                                  algorithm: .pointwise)
        return (expand, depthwise, project)
    }

    /// The fused block matches the layers run one by one with bands from one row to the whole
    /// map, on 1-3 workers. Not value for value: a band's columns end elsewhere than the map's,
    /// so some columns go through pointwise tiles of another width, which sum in another order
    /// (a few ulps). A tap, row or channel off by one moves values by about their own size, a
    /// million times the 1e-6 (of the largest value) allowed here; the layers themselves are
    /// checked against the reference in ConvolutionKernelTests.
    func check(_ c: Case, seed: UInt64 = 1, sourceLocation: SourceLocation = #_sourceLocation) {
        let (expand, depthwise, project) = Self.convolutions(c, seed: seed)
        let (x, r, expected) = Self.layerByLayer(c, (expand, depthwise, project), seed: seed)
        let d = depthwise.shape
        // Band budgets giving bands of 1, 2, 3 rows and the default (the whole map, here).
        let perRow = d.inputChannels * ((expand == nil ? 0 : d.window.strideHeight * d.inputWidth) + d.outputWidth)
        for budget in [1, 2 * perRow + 1, 3 * perRow + 2 * d.inputChannels * d.inputWidth + 1, InvertedResidual.bandBudget] {
            let block = InvertedResidual(expand: expand, depthwise: depthwise, project: project, bandFloats: budget)
            for t in [1, 2, 3] {
                let parallelism = Parallelism(threads: t)
                let y = Self.output(x: x, residual: r, count: expected.count,
                                    scratch: block.scratchCount(parallelism: parallelism)) { x, y, residual, scratch in
                    block.run(x, y, batch: c.batch, residual: residual, scratch: scratch, parallelism: parallelism)
                }
                assertClose(y, expected, normwise: 1e-6,
                            "\(c) bands of \(block.bandRows) rows (\(block.bands.count)) threads \(t)",
                            sourceLocation: sourceLocation)
            }
        }
    }

    /// Case `c`'s input and residual (seeded) and what the three convolutions give run one after
    /// the other on one worker.
    static func layerByLayer(_ c: Case, _ convolutions: (Convolution?, Convolution, Convolution),
                             seed: UInt64) -> (x: [Float], residual: [Float]?, expected: [Float]) {
        let (expand, depthwise, project) = convolutions
        var rng = SeededGenerator(seed: seed + 100)
        let x = rng.normals(c.batch * (expand?.shape.inputCount ?? depthwise.shape.inputCount))
        let r = c.residual ? rng.normals(c.batch * project.shape.outputCount) : nil
        let one = Parallelism(threads: 1)
        let expanded = expand.map { $0.run(x, batch: c.batch, parallelism: one) } ?? x
        let expected = project.run(depthwise.run(expanded, batch: c.batch, parallelism: one), batch: c.batch,
                                   residual: r, parallelism: one)
        return (x, r, expected)
    }

    /// The `count` floats `run(x, y, residual, scratch)` writes, given `scratch` floats of scratch
    /// (y and scratch start as NaNs).
    static func output(x: [Float], residual: [Float]?, count: Int, scratch: Int,
                       _ run: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafePointer<Float>?,
                               UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        var buffer = [Float](repeating: .nan, count: scratch)
        var y = [Float](repeating: .nan, count: count)
        let rr = residual ?? []
        x.withUnsafeBufferPointer { xb in
            rr.withUnsafeBufferPointer { rb in
                y.withUnsafeMutableBufferPointer { yb in
                    buffer.withUnsafeMutableBufferPointer { sb in
                        run(xb.baseAddress!, yb.baseAddress!, residual == nil ? nil : rb.baseAddress, sb.baseAddress!)
                    }
                }
            }
        }
        return y
    }

    @Test func strideOneWithResidual() {
        check(Case(channels: 8, expanded: 24, outputs: 8, height: 13, width: 11, residual: true, batch: 2))
        check(Case(channels: 5, expanded: 30, outputs: 5, height: 9, width: 20, residual: true, batch: 3))
    }

    @Test func strideTwo() {
        let s2 = SlidingWindow(kernel: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1))
        check(Case(channels: 6, expanded: 20, outputs: 10, height: 14, width: 12, window: s2))
        // Odd sizes: the last output row's window reaches the bottom padding.
        check(Case(channels: 4, expanded: 13, outputs: 7, height: 13, width: 17, window: s2, batch: 2))
    }

    @Test func withoutExpansion() {
        check(Case(channels: 16, expanded: nil, outputs: 12, height: 15, width: 9))
        check(Case(channels: 9, expanded: nil, outputs: 9, height: 10, width: 10, residual: true, batch: 2))
    }

    @Test func otherWindows() {
        check(Case(channels: 4, expanded: 12, outputs: 6, height: 16, width: 15,
                   window: SlidingWindow(kernel: (5, 5), stride: (2, 2), pads: (2, 2, 2, 2))))
        check(Case(channels: 4, expanded: 10, outputs: 4, height: 12, width: 12,
                   window: SlidingWindow(kernel: (3, 3), dilation: (2, 2), pads: (2, 2, 2, 2)), residual: true))
        // Uneven pads: no bottom padding, two rows on top.
        check(Case(channels: 3, expanded: 8, outputs: 5, height: 11, width: 10,
                   window: SlidingWindow(kernel: (3, 3), pads: (2, 1, 0, 1))))
    }

    /// Which blocks are fused: MobileNetV2's early ones, not the small maps, not other shapes.
    @Test func appliesToLargeBlocksOnly() {
        let dw = { (c: Int, h: Int, s: Int) in
            ConvShape(inputChannels: c, outputChannels: c, inputHeight: h, inputWidth: h,
                      window: SlidingWindow(kernel: (3, 3), stride: (s, s), pads: (1, 1, 1, 1)), groups: c)
        }
        #expect(InvertedResidual.applies(expand: Self.pointwise(16, 96, 112, 112), depthwise: dw(96, 112, 2),
                                         project: Self.pointwise(96, 24, 56, 56)))
        #expect(InvertedResidual.applies(expand: nil, depthwise: dw(32, 112, 1), project: Self.pointwise(32, 16, 112, 112)))
        #expect(InvertedResidual.applies(expand: Self.pointwise(24, 144, 56, 56), depthwise: dw(144, 56, 1),
                                         project: Self.pointwise(144, 24, 56, 56)))
        #expect(!InvertedResidual.applies(expand: Self.pointwise(32, 192, 28, 28), depthwise: dw(192, 28, 1),
                                          project: Self.pointwise(192, 32, 28, 28)))
        // Large enough, but its depthwise convolution alone runs interleaved, faster than the block.
        #expect(!InvertedResidual.applies(expand: Self.pointwise(24, 144, 56, 56), depthwise: dw(144, 56, 2),
                                          project: Self.pointwise(144, 32, 28, 28)))
        // Channels that do not chain, a grouped projection.
        #expect(!InvertedResidual.applies(expand: Self.pointwise(16, 95, 112, 112), depthwise: dw(96, 112, 2),
                                          project: Self.pointwise(96, 24, 56, 56)))
        var grouped = Self.pointwise(96, 24, 56, 56)
        grouped.groups = 2
        #expect(!InvertedResidual.applies(expand: nil, depthwise: dw(96, 112, 2), project: grouped))
    }
}

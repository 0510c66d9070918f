// The subsampled pointwise path (Convolution+Subsampled.swift): the copy against its definition,
// the path forced on edge shapes against the reference, and where it is chosen.
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
    /// xs[c][oy][ox] = x[c][oy * sh][ox * sw] on strides (2, 2), (2, 1), (1, 3), rows whose vector
    /// loop ends early (odd widths, 33 and 70 columns), whose last vector overlaps the one before
    /// (34, 56 and 70 columns) and a single output column.
    @Test func subsampleCopy() {
        for g in [Self.conv(3, 1, 70, 70, k: (1, 1), stride: (2, 2)), Self.conv(2, 1, 9, 33, k: (1, 1), stride: (2, 2)),
                  Self.conv(2, 1, 8, 40, k: (1, 1), stride: (2, 1)), Self.conv(2, 1, 5, 31, k: (1, 1), stride: (1, 3)),
                  Self.conv(1, 1, 4, 2, k: (1, 1), stride: (2, 2)), Self.conv(2, 1, 4, 56, k: (1, 1), stride: (2, 2)),
                  Self.conv(2, 1, 3, 34, k: (1, 1), stride: (2, 2))] {
            var rng = SeededGenerator(seed: 5)
            let x = rng.normals(g.inputCount)
            var xs = [Float](repeating: .nan, count: g.inputChannels * g.outputHeight * g.outputWidth)
            x.withUnsafeBufferPointer { xb in
                xs.withUnsafeMutableBufferPointer { sb in
                    Convolution.subsample(xb.baseAddress!, shape: g, channels: 0..<g.inputChannels, to: sb.baseAddress!)
                }
            }
            var wrong = 0
            for c in 0..<g.inputChannels {
                for oy in 0..<g.outputHeight {
                    for ox in 0..<g.outputWidth {
                        let expected = x[(c * g.inputHeight + oy * g.window.strideHeight) * g.inputWidth
                                         + ox * g.window.strideWidth]
                        if xs[(c * g.outputHeight + oy) * g.outputWidth + ox] != expected { wrong += 1 }
                    }
                }
            }
            #expect(wrong == 0, "\(g)")
        }
    }

    /// Forced on strides 2 and 3, odd and even maps, residuals, no bias, batches of 1 to 3, small
    /// and large maps (the inner pointwise plan's every kind), against the reference on 1-3 workers.
    @Test func subsampledPointwise() {
        let cases = [
            Case(shape: Self.conv(64, 48, 56, 56, k: (1, 1), stride: (2, 2)), activation: .relu, residual: true),
            Case(shape: Self.conv(12, 8, 20, 20, k: (1, 1), stride: (2, 2)), bias: false),
            Case(shape: Self.conv(40, 30, 13, 13, k: (1, 1), stride: (2, 2)), batch: 3, residual: true),
            Case(shape: Self.conv(7, 13, 17, 50, k: (1, 1), stride: (3, 2)), activation: .clip(min: 0, max: 6), batch: 2),
            Case(shape: Self.conv(300, 20, 14, 14, k: (1, 1), stride: (2, 2)), residual: true),
        ]
        for c in cases { #expect(Convolution.algorithms(for: c.shape).contains(.subsampledPointwise), "\(c)") }
        checkForced(cases, algorithm: .subsampledPointwise, seed: 23)
    }

    /// Strided 1x1 layers with outputs of 28x28 and more take the subsampled matrix; smaller ones,
    /// padded ones and grouped ones do not.
    @Test func choosesSubsampledPointwise() {
        func chosen(_ g: ConvShape) -> Convolution.Algorithm { Convolution.algorithm(for: g) }
        #expect(chosen(Self.conv(256, 512, 56, 56, k: (1, 1), stride: (2, 2))) == .subsampledPointwise)
        #expect(chosen(Self.conv(64, 128, 112, 112, k: (1, 1), stride: (2, 2))) == .subsampledPointwise)
        #expect(chosen(Self.conv(512, 1024, 28, 28, k: (1, 1), stride: (2, 2))) != .subsampledPointwise)
        #expect(chosen(Self.conv(1024, 2048, 14, 14, k: (1, 1), stride: (2, 2))) != .subsampledPointwise)
        #expect(!Convolution.isSubsampledPointwise(Self.conv(8, 8, 20, 20, k: (1, 1), stride: (2, 2),
                                                             pads: (1, 1, 1, 1))))
        #expect(!Convolution.isSubsampledPointwise(Self.conv(8, 8, 20, 20, k: (1, 1), groups: 2)))
        #expect(!Convolution.isSubsampledPointwise(Self.conv(8, 8, 20, 20, k: (1, 1))))
    }
}

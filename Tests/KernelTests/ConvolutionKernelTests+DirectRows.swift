// The direct rows (RowLanesTile.swift on the stride phases of Convolution+DirectLanes.swift): how a
// row is cut into tiles, the path forced on edge shapes against the reference, and where it is
// chosen.
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
    /// Tiles of whole vectors but the last, at most `maxVectors` each, as few as fit, covering the
    /// row once.
    @Test func rowLanesSplit() {
        let lanes = RowLanesTile.lanes, most = RowLanesTile.maxVectors * lanes
        for columns in 1...300 {
            let widths = RowLanesTile.split(columns)
            #expect(widths.reduce(0, +) == columns, "\(columns)")
            #expect(widths.allSatisfy { $0 > 0 && $0 <= most }, "\(columns): \(widths)")
            #expect(widths.dropLast().allSatisfy { $0 % lanes == 0 }, "\(columns): \(widths)")
            #expect(widths.count == (columns + most - 1) / most, "\(columns): \(widths)")
        }
        #if NETDISSECT_ISA_AVX512
        #expect(RowLanesTile.split(112) == [48, 32, 32])
        #expect(RowLanesTile.split(149) == [48, 48, 32, 21])
        #else
        #expect(RowLanesTile.split(112) == [Int](repeating: 8, count: 14))
        #endif
    }

    /// Forced on strides 1 to 3, dilation, asymmetric pads, a 7x7 stem, 1x1 stride 2, rows of 1 to
    /// 53 pixels (every vector count of a tile, a last vector of 1 to L pixels, rows that end at
    /// the copy's very end), panels of 1 to 8 output channels, residuals, no bias, a batch of two,
    /// both loop orders, 1-3 workers, against the reference.
    @Test func directRows() {
        var cases = [
            Case(shape: Self.conv(3, 64, 30, 30, k: (7, 7), stride: (2, 2), pads: (3, 3, 3, 3)), activation: .relu,
                 batch: 2, residual: true),
            Case(shape: Self.conv(3, 13, 45, 45, k: (7, 7), stride: (2, 2), pads: (3, 3, 3, 3)), bias: false),
            Case(shape: Self.conv(10, 20, 16, 16, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)), activation: .relu),
            Case(shape: Self.conv(7, 9, 13, 29, k: (3, 3), stride: (2, 2), pads: (0, 1, 1, 0)), residual: true),
            Case(shape: Self.conv(5, 17, 11, 40, k: (3, 3), stride: (3, 3), pads: (1, 1, 1, 1))),
            Case(shape: Self.conv(6, 16, 12, 30, k: (3, 3), stride: (2, 2), dilation: (2, 2), pads: (2, 2, 2, 2)),
                 activation: .clip(min: 0, max: 6)),
            Case(shape: Self.conv(12, 8, 20, 20, k: (1, 1), stride: (2, 2)), bias: false),
            Case(shape: Self.conv(4, 5, 9, 9, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu),
            // Weights outweighing the input: panels outer.
            Case(shape: Self.conv(64, 40, 6, 16, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)), residual: true),
            // One output pixel per row, one output channel.
            Case(shape: Self.conv(2, 1, 3, 3, k: (3, 3), stride: (2, 2))),
        ]
        // Rows of 1 to 53 output pixels.
        for width in stride(from: 1, through: 107, by: 4) {
            cases.append(Case(shape: Self.conv(3, 11, 5, width, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)),
                              residual: width % 8 == 1))
        }
        #expect(Set(cases.map { c in
            Convolution(shape: c.shape, weights: [Float](repeating: 0, count: c.shape.weightCount), bias: nil,
                        algorithm: .directRows).directLanesPlan(parallelism: Parallelism(threads: 2)).panelsOuter
        }) == [false, true])
        checkForced(cases, algorithm: .directRows, seed: 17)
    }

    /// The phases' copy leaves room for the last vector of a row to read past the last channel,
    /// zero; the panels are 8 output channels high.
    @Test func directRowsPlan() {
        let g = Self.conv(3, 64, 224, 224, k: (7, 7), stride: (2, 2), pads: (3, 3, 3, 3))
        let weights = [Float](repeating: 0, count: g.weightCount)
        let rows = Convolution(shape: g, weights: weights, bias: nil, algorithm: .directRows)
        let lanes = Convolution(shape: g, weights: weights, bias: nil, algorithm: .directLanes)
        for threads in [1, 2, 3] {
            let p = Parallelism(threads: threads)
            #expect(rows.directLanesPlan(parallelism: p).panels == 8)
            #expect(rows.scratchCount(batch: 1, parallelism: p)
                    == lanes.scratchCount(batch: 1, parallelism: p) + RowLanesTile.lanes)
        }
    }

    /// With AVX-512, stems (the direct lanes' shapes with at most 4 input channels) take the direct
    /// rows at any batch; deeper strided layers keep the direct lanes, K = 27 the column matrix.
    @Test func choosesDirectRows() {
        func chosen(_ g: ConvShape, batch: Int = 1) -> Convolution.Algorithm {
            Convolution.algorithm(for: g, expectedBatch: batch)
        }
        let stem = Self.conv(3, 64, 224, 224, k: (7, 7), stride: (2, 2), pads: (3, 3, 3, 3))
        #if NETDISSECT_ISA_AVX512
        for batch in [1, 32] { #expect(chosen(stem, batch: batch) == .directRows) }
        #expect(chosen(Self.conv(128, 128, 56, 56, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1))) == .directLanes)
        #expect(chosen(Self.conv(16, 64, 112, 112, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1))) == .directLanes)
        #else
        #expect(chosen(stem) == .im2colTiles)
        #endif
        #expect(chosen(Self.conv(3, 32, 224, 224, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1))) == .im2colTiles)
        #expect(!Convolution.algorithms(for: Self.conv(8, 16, 16, 16, k: (3, 3), stride: (2, 2), groups: 2))
            .contains(.directRows))
    }
}

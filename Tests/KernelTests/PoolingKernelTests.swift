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

/// Fast pooling against `Reference.pool` and `Reference.globalPool`, and the output-size and
/// divisor rules onnxruntime follows.
@Suite(.kernelVariant) struct PoolingKernelTests {
    static func pool(_ c: Int, _ h: Int, _ w: Int, k: (Int, Int), stride: (Int, Int) = (1, 1),
                     dilation: (Int, Int) = (1, 1), pads: (Int, Int, Int, Int) = (0, 0, 0, 0),
                     ceil: Bool = false) -> PoolShape {
        PoolShape(channels: c, inputHeight: h, inputWidth: w,
                  window: SlidingWindow(kernel: k, stride: stride, dilation: dilation, pads: pads),
                  ceilMode: ceil)
    }

    static let kinds: [PoolKind] = [.max, .average(countIncludePad: false), .average(countIncludePad: true)]

    static let shapes: [PoolShape] = [
        pool(1, 1, 1, k: (1, 1)),
        pool(2, 1, 1, k: (3, 3), pads: (1, 1, 1, 1)),
        pool(3, 112, 112, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)),
        pool(2, 13, 13, k: (3, 3), stride: (2, 2), ceil: true),
        pool(2, 14, 14, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1), ceil: true),
        pool(3, 5, 5, k: (2, 2), stride: (2, 2), pads: (1, 1, 1, 1), ceil: true),
        pool(2, 9, 17, k: (2, 3), stride: (1, 2), pads: (0, 1, 1, 0)),
        pool(2, 10, 11, k: (2, 2), stride: (3, 4)),
        pool(2, 12, 12, k: (3, 3), dilation: (2, 2), pads: (1, 2, 1, 0)),
        pool(4, 7, 7, k: (7, 7)),
        pool(2, 2, 3, k: (3, 3), pads: (1, 1, 1, 1)),
        pool(2, 24, 40, k: (5, 5), stride: (1, 1), pads: (2, 2, 2, 2)),
        // Inception-v3's: 12x12 average (one flat run), 12x12 -> 5x5 and 25x25 -> 12x12 max (a
        // run per output row, results every other column, by fours and by eights).
        pool(3, 12, 12, k: (3, 3), pads: (1, 1, 1, 1)),
        pool(2, 12, 12, k: (3, 3), stride: (2, 2)),
        pool(2, 25, 25, k: (3, 3), stride: (2, 2)),
        pool(2, 9, 9, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)),
        pool(2, 5, 31, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)),
        // Max pools by rows (`MaxPoolRows`): Inception-v3's first (no pads, odd width), a 2x2 one,
        // ceil mode over an odd width with pads, and outputs a multiple of 16 wide.
        pool(2, 7, 101, k: (3, 3), stride: (2, 2)),
        pool(2, 6, 100, k: (2, 2), stride: (2, 2)),
        pool(2, 7, 99, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1), ceil: true),
        pool(2, 9, 128, k: (3, 3), stride: (3, 2), pads: (1, 1, 0, 0)),
    ]

    /// Small maps and stride 1 go on the wide grid, wide rows with a stride by column phases.
    @Test func layoutFollowsTheRowWidthAndStride() {
        func isGrid(_ g: PoolShape) -> Bool {
            if case .grid = Pooling(kind: .max, shape: g).layout { return true }
            return false
        }
        #expect(isGrid(Self.pool(1, 12, 12, k: (3, 3), stride: (2, 2))))
        #expect(isGrid(Self.pool(1, 56, 56, k: (3, 3), pads: (1, 1, 1, 1))))
        #expect(!isGrid(Self.pool(1, 112, 112, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1))))
        #expect(!isGrid(Self.pool(1, 5, 31, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1))))
    }

    /// Max pools with a horizontal stride of 2 over wide rows go by rows; average pools, narrow
    /// rows, other strides and dilated windows do not.
    @Test func maxPoolsGoByRowsWhereTheyApply() {
        func byRows(_ kind: PoolKind, _ g: PoolShape) -> Bool {
            if case .maxRows = Pooling(kind: kind, shape: g).layout { return true }
            return false
        }
        let stem = Self.pool(1, 112, 112, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1))
        #expect(byRows(.max, stem))
        #expect(byRows(.max, Self.pool(1, 147, 147, k: (3, 3), stride: (2, 2))))
        #expect(byRows(.max, Self.pool(1, 8, 100, k: (2, 2), stride: (2, 2))))
        #expect(!byRows(.average(countIncludePad: false), stem))
        #expect(!byRows(.max, Self.pool(1, 71, 71, k: (3, 3), stride: (2, 2))))
        #expect(!byRows(.max, Self.pool(1, 112, 112, k: (3, 3), stride: (2, 3), pads: (1, 1, 1, 1))))
        #expect(!byRows(.max, Self.pool(1, 112, 112, k: (3, 3), stride: (2, 2), dilation: (1, 2))))
        #expect(!byRows(.max, Self.pool(1, 112, 112, k: (3, 3), stride: (2, 2), pads: (1, 2, 1, 2))))
    }

    /// A NaN anywhere in a window makes its maximum NaN, as in `Reference.pool`, on every layout
    /// (the wide grid, the column phases, by rows); here one NaN in each of a few windows, at
    /// every tap position in turn.
    @Test func maxPoolsPropagateNaN() {
        var rng = SeededGenerator(seed: 6)
        let shapes = [Self.pool(2, 112, 112, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)),
                      Self.pool(2, 71, 71, k: (3, 3), stride: (2, 2)),
                      Self.pool(2, 12, 12, k: (3, 3), pads: (1, 1, 1, 1))]
        for g in shapes {
            let pooling = Pooling(kind: .max, shape: g)
            for tap in 0..<9 {
                var x = rng.normals(g.inputCount)
                // Output (r, c)'s window tap (tap / 3, tap % 3), for a few outputs of each plane.
                let w = g.window
                for plane in 0..<g.channels {
                    for (r, c) in [(0, 0), (1, g.outputWidth - 1), (g.outputHeight / 2, g.outputWidth / 2)] {
                        let ih = r * w.strideHeight - w.padTop + tap / 3
                        let iw = c * w.strideWidth - w.padLeft + tap % 3
                        guard ih >= 0 && ih < g.inputHeight && iw >= 0 && iw < g.inputWidth else { continue }
                        x[(plane * g.inputHeight + ih) * g.inputWidth + iw] = .nan
                    }
                }
                let expected = Reference.pool(.max, g, batch: 1, x: x)
                #expect(expected.contains { $0.isNaN })
                for threads in [1, 2] {
                    let actual = pooling.run(x, batch: 1, parallelism: Parallelism(threads: threads))
                    let mismatches = zip(actual, expected).filter { $0.isNaN != $1.isNaN || (!$0.isNaN && $0 != $1) }
                    #expect(mismatches.isEmpty, "\(g) tap \(tap) threads \(threads): \(mismatches.count) outputs differ")
                }
            }
        }
    }

    @Test func fastMatchesReference() {
        var rng = SeededGenerator(seed: 3)
        withEvery("shape", in: Self.shapes) { g in
            for kind in Self.kinds {
                for batch in [1, 3] {
                    let x = rng.normals(batch * g.inputCount)
                    let expected = Reference.pool(kind, g, batch: batch, x: x)
                    let bounds = Self.bounds(kind, shape: g, batch: batch, x: x)
                    let pooling = Pooling(kind: kind, shape: g)
                    for threads in [1, 2, 3] {
                        let actual = pooling.run(x, batch: batch, parallelism: Parallelism(threads: threads))
                        assertClose(actual, expected, bounds: bounds,
                                    "\(kind) batch \(batch) threads \(threads)")
                    }
                }
            }
        }
    }

    /// Max pooling picks one of its inputs: exact. Average pooling sums the window's taps (pads
    /// as zeros, at most KH * KW of them), then scales by the reciprocal of the counted taps
    /// (rounded, then a product): KH * KW + 2 roundings deep, M the average of |x|. The normals cancel, so the result's own size says nothing about the error.
    static func bounds(_ kind: PoolKind, shape g: PoolShape, batch: Int, x: [Float]) -> [Float] {
        switch kind {
        case .max: return [Float](repeating: 0, count: batch * g.outputCount)
        case .average:
            return RoundingBound.bounds(depth: g.window.kernelHeight * g.window.kernelWidth + 2,
                                        magnitudes: Reference.pool(kind, g, batch: batch, x: x.map(abs)))
        }
    }

    /// The bounds see a window one column off, and divisors that count the pads where they should not.
    @Test func averageBoundsCatchAShiftedWindowOrAWrongDivisor() {
        var rng = SeededGenerator(seed: 5)
        let g = Self.pool(4, 24, 40, k: (5, 5), pads: (2, 2, 2, 2))
        let x = rng.normals(g.inputCount)
        let kind = PoolKind.average(countIncludePad: false)
        let expected = Reference.pool(kind, g, batch: 1, x: x)
        let bounds = Self.bounds(kind, shape: g, batch: 1, x: x)
        let shifted = Reference.pool(kind, g, batch: 1, x: x.indices.map { $0 % g.inputWidth == 0 ? 0 : x[$0 - 1] })
        let included = Reference.pool(.average(countIncludePad: true), g, batch: 1, x: x)
        for (bug, actual) in [("window one column off", shifted), ("pads counted", included)] {
            let worst = errorRatio(actual, expected, bounds: bounds)
            #expect(worst.ratio > 10, "\(bug) stays within the bounds: \(worst)")
        }
    }

    /// Values recorded from onnxruntime 1.32 (AveragePool opset 19, ceil_mode 1, pads
    /// [0, 0, 1, 1], kernel 3, stride 2, on a 6x6 plane of ones).
    @Test func ceilModeDivisorsMatchOnnxruntime() {
        let g = Self.pool(1, 6, 6, k: (3, 3), stride: (2, 2), pads: (0, 0, 1, 1), ceil: true)
        #expect(g.outputHeight == 3 && g.outputWidth == 3)
        let ones = [Float](repeating: 1, count: 36)
        let include = Pooling(kind: .average(countIncludePad: true), shape: g).run(ones, batch: 1)
        let two: Float = 2.0 / 3, four: Float = 4.0 / 9
        assertClose(include, [1, 1, two, 1, 1, two, two, two, four])
        let exclude = Pooling(kind: .average(countIncludePad: false), shape: g).run(ones, batch: 1)
        assertClose(exclude, [Float](repeating: 1, count: 9))
        // A ceil-mode window past the input with no pad counts only the input.
        let noPad = Self.pool(1, 5, 5, k: (2, 2), stride: (2, 2), ceil: true)
        let noPadOut = Pooling(kind: .average(countIncludePad: true), shape: noPad)
            .run([Float](repeating: 1, count: 25), batch: 1)
        assertClose(noPadOut, [Float](repeating: 1, count: 9))
    }

    /// onnxruntime drops a ceil-mode window that would start in the end padding.
    @Test func ceilModeOutputSizes() {
        #expect(Self.pool(1, 5, 5, k: (2, 2), stride: (2, 2), ceil: true).outputHeight == 3)
        #expect(Self.pool(1, 5, 5, k: (2, 2), stride: (2, 2), pads: (1, 1, 1, 1), ceil: true).outputHeight == 3)
        #expect(Self.pool(1, 6, 6, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1), ceil: true).outputHeight == 4)
        #expect(Self.pool(1, 6, 6, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)).outputHeight == 3)
        #expect(Self.pool(1, 112, 112, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)).outputHeight == 56)
    }

    @Test func globalAveragePool() {
        var rng = SeededGenerator(seed: 4)
        for (planes, size) in [(1, 1), (3, 7), (10, 49), (64, 196), (5, 12544)] {
            let x = rng.normals(planes * size)
            let expected = Reference.globalPool(isMax: false, planes: planes, size: size, x: x)
            var actual = expected
            // A sum of the plane, times 1 / size (rounded, then a product): size + 1 roundings
            // deep, M the mean of |x|.
            let magnitudes = Reference.globalPool(isMax: false, planes: planes, size: size, x: x.map(abs))
            let bounds = RoundingBound.bounds(depth: size + 1, magnitudes: magnitudes)
            x.withUnsafeBufferPointer { xb in
                for threads in [1, 2] {
                    GlobalAveragePool.run(xb.baseAddress!, &actual, planes: planes, planeSize: size,
                                          parallelism: Parallelism(threads: threads))
                    assertClose(actual, expected, bounds: bounds, "\(planes)x\(size)")
                }
            }
            // Even 12544 deep, the last plane with its largest value dropped is out of bounds.
            let last = (planes - 1) * size..<planes * size
            var x1 = x
            x1[last.max { abs(x[$0]) < abs(x[$1]) }!] = 0
            let dropped = Reference.globalPool(isMax: false, planes: planes, size: size, x: x1)
            let worst = errorRatio([dropped[planes - 1]], [expected[planes - 1]], bounds: [bounds[planes - 1]])
            #expect(worst.ratio > 1, "\(planes)x\(size): a dropped value stays within the bounds: \(worst)")
        }
    }
}

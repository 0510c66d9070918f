import Testing
import TestSupport
@testable import Runtime

/// Fast pooling against the direct-loop reference, and the output-size and divisor rules
/// onnxruntime follows.
@Suite struct PoolingKernelTests {
    static func pool(_ c: Int, _ h: Int, _ w: Int, k: (Int, Int), stride: (Int, Int) = (1, 1),
                     dilation: (Int, Int) = (1, 1), pads: (Int, Int, Int, Int) = (0, 0, 0, 0),
                     ceil: Bool = false) -> PoolGeometry {
        PoolGeometry(channels: c, inputHeight: h, inputWidth: w,
                     window: Window(kernel: k, stride: stride, dilation: dilation, pads: pads),
                     ceilMode: ceil)
    }

    static let kinds: [Pooling.Kind] = [.max, .average(countIncludePad: false), .average(countIncludePad: true)]

    static let geometries: [PoolGeometry] = [
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
    ]

    @Test func fastMatchesReference() {
        var rng = SeededGenerator(seed: 3)
        withEvery("geometry", in: Self.geometries) { g in
            for kind in Self.kinds {
                for batch in [1, 3] {
                    let x = rng.normals(batch * g.inputCount)
                    let expected = Pooling.reference(kind: kind, geometry: g, batch: batch, x: x)
                    let pooling = Pooling(kind: kind, geometry: g)
                    for threads in [1, 2, 3] {
                        let actual = pooling.run(x, batch: batch, parallelism: Parallelism(threads: threads))
                        assertClose(actual, expected, rtol: 1e-5, atol: 1e-6,
                                    "\(kind) batch \(batch) threads \(threads)")
                    }
                }
            }
        }
    }

    /// Values recorded from onnxruntime 1.32 (AveragePool opset 19, ceil_mode 1, pads
    /// [0, 0, 1, 1], kernel 3, stride 2, on a 6x6 plane of ones).
    @Test func ceilModeDivisorsMatchOnnxruntime() {
        let g = Self.pool(1, 6, 6, k: (3, 3), stride: (2, 2), pads: (0, 0, 1, 1), ceil: true)
        #expect(g.outputHeight == 3 && g.outputWidth == 3)
        let ones = [Float](repeating: 1, count: 36)
        let include = Pooling(kind: .average(countIncludePad: true), geometry: g).run(ones, batch: 1)
        let two: Float = 2.0 / 3, four: Float = 4.0 / 9
        assertClose(include, [1, 1, two, 1, 1, two, two, two, four])
        let exclude = Pooling(kind: .average(countIncludePad: false), geometry: g).run(ones, batch: 1)
        assertClose(exclude, [Float](repeating: 1, count: 9))
        // A ceil-mode window past the input with no pad counts only the input.
        let noPad = Self.pool(1, 5, 5, k: (2, 2), stride: (2, 2), ceil: true)
        let noPadOut = Pooling(kind: .average(countIncludePad: true), geometry: noPad)
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
            var expected = [Float](repeating: 0, count: planes), actual = expected
            x.withUnsafeBufferPointer { xb in
                GlobalAveragePool.reference(xb.baseAddress!, &expected, planes: planes, planeSize: size)
                for threads in [1, 2] {
                    GlobalAveragePool.run(xb.baseAddress!, &actual, planes: planes, planeSize: size,
                                          parallelism: Parallelism(threads: threads))
                    assertClose(actual, expected, rtol: 1e-5, atol: 1e-6, "\(planes)x\(size)")
                }
            }
        }
    }
}

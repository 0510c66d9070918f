import Testing
@testable import Runtime
#if NETDISSECT_ISA_AVX512
@testable import KernelsWithAVX512
#elseif NETDISSECT_ISA_AVX2
@testable import KernelsWithAVX2
#else
@testable import KernelsBaseline
#endif
import KernelSupport

/// The padded, phase-split planes under the planar depthwise loop and pooling: every column of
/// every phase holds the input it is defined to (or the padding), whatever the width, pads and
/// stride (stride 2 goes sixteen inputs at a time, its last vector overlapping the one before).
@Suite(.kernelVariant) struct PaddedPlaneTests {
    @Test func fillMatchesTheDefinition() {
        for stride in 1...3 {
            for width in [1, 2, 7, 15, 16, 17, 18, 31, 33, 56, 57, 112, 113] {
                for (left, right) in [(0, 0), (1, 1), (0, 1), (2, 0), (3, 3)] {
                    let height = 3
                    let window = SlidingWindow(kernel: (3, 3), stride: (stride, stride), pads: (1, left, 1, right))
                    guard window.problem(height: height, width: width) == nil else { continue }
                    let oh = (height + 2 - 3) / stride + 1, ow = (width + left + right - 3) / stride + 1
                    let plane = PaddedPlane(window: window, inputHeight: height, inputWidth: width,
                                            outputHeight: oh, outputWidth: ow)
                    // Distinct values, NaN sentinels around the input: a read outside it shows.
                    let x = (0..<height * width).map { Float($0 + 1) }
                    var buffer = [Float](repeating: .nan, count: 16) + x + [Float](repeating: .nan, count: 16)
                    var out = [Float](repeating: -1, count: plane.count)
                    buffer.withUnsafeMutableBufferPointer { b in
                        out.withUnsafeMutableBufferPointer { o in
                            plane.fill(from: UnsafePointer(b.baseAddress! + 16), into: o.baseAddress!, padding: -7)
                        }
                    }
                    var expected: [Float] = []
                    for phase in 0..<stride {
                        for r in 0..<plane.rows {
                            for j in 0..<plane.phaseWidth {
                                let ih = r - 1, iw = j * stride + phase - left
                                expected.append(ih >= 0 && ih < height && iw >= 0 && iw < width ? x[ih * width + iw] : -7)
                            }
                        }
                    }
                    #expect(Array(out[..<expected.count]) == expected,
                            "stride \(stride) width \(width) pads \(left) \(right)")
                }
            }
        }
    }
}

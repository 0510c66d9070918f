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

/// The strided row gather under im2col, Winograd's input planes and the padded planes: every
/// output is input column j * stride + offset, or the padding outside the row, whatever the
/// row's width (stride 2 loads sixteen inputs per eight outputs while they stay in the row).
@Suite(.kernelVariant) struct GatherSpanTests {
    @Test func matchesTheDefinition() {
        for stride in 1...3 {
            for width in [1, 2, 7, 14, 15, 16, 17, 31, 33, 56, 113] {
                for offset in -3...3 {
                    for outputs in Set([1, 3, 8, 9, (width + 1) / 2, width / stride + 2, width + 4]) {
                        let row = (0..<width).map { Float($0 + 1) }
                        // Sentinels on both sides: the gather may read only inside the row.
                        var padded = [Float](repeating: .nan, count: 16) + row + [Float](repeating: .nan, count: 16)
                        var out = [Float](repeating: -1, count: outputs)
                        let span = GatherSpan(outputs: outputs, offset: offset, stride: stride, width: width)
                        padded.withUnsafeMutableBufferPointer { p in
                            out.withUnsafeMutableBufferPointer { o in
                                span.gather(UnsafePointer(p.baseAddress! + 16), into: o.baseAddress!, padding: -7)
                            }
                        }
                        let expected = (0..<outputs).map { j -> Float in
                            let c = j * stride + offset
                            return c >= 0 && c < width ? row[c] : -7
                        }
                        #expect(out == expected, "stride \(stride) width \(width) offset \(offset) outputs \(outputs)")
                    }
                }
            }
        }
    }
}

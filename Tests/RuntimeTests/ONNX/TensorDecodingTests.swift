// TensorProto decoding: raw little-endian bytes and every typed field, each ONNX data type we
// accept, and the size checks that come before any allocation.
import Foundation
import Testing
@testable import Runtime

@Suite struct TensorDecodingTests {
    let decoder = TensorDecoder(file: "t.onnx", directory: nil)

    func proto(_ type: Onnx_TensorProto.DataType, _ dims: [Int64]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = "t"
        t.dataType = Int32(type.rawValue)
        t.dims = dims
        return t
    }

    @Test func typedFields() throws {
        var f = proto(.float, [2])
        f.floatData = [1.5, -2]
        #expect(try decoder.decode(f) == TypedTensor(shape: [2], floats: [1.5, -2]))
        var d = proto(.double, [1])
        d.doubleData = [0.25]
        #expect(try decoder.decode(d).floats == [0.25])
        var i8 = proto(.int8, [3])
        i8.int32Data = [-1, 0, 7]
        #expect(try decoder.decode(i8).storage == .int([-1, 0, 7]))
        var b = proto(.bool, [2])
        b.int32Data = [0, 1]
        #expect(try decoder.decode(b).storage == .bool([false, true]))
        var i64 = proto(.int64, [])
        i64.int64Data = [42]
        #expect(try decoder.decode(i64) == TypedTensor(shape: [], ints: [42]))
        var u64 = proto(.uint64, [1])
        u64.uint64Data = [5]
        #expect(try decoder.decode(u64).storage == .int([5]))
        var half = proto(.float16, [3])
        half.int32Data = [0x3C00, 0xC000, 0x3555]  // 1, -2, ~1/3
        let h = try decoder.decode(half).floats
        #expect(h[0] == 1 && h[1] == -2 && abs(h[2] - 1.0 / 3) < 1e-3)
    }

    @Test func rawBytes() throws {
        var f = proto(.float, [2])
        f.rawData = Data([0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x00, 0xC0])  // 1.5, -2
        #expect(try decoder.decode(f).floats == [1.5, -2])
        var i32 = proto(.int32, [1])
        i32.rawData = Data([0xFE, 0xFF, 0xFF, 0xFF])
        #expect(try decoder.decode(i32).storage == .int([-2]))
        var bf16 = proto(.bfloat16, [1])
        bf16.rawData = Data([0x80, 0x3F])
        #expect(try decoder.decode(bf16).floats == [1])
        var empty = proto(.float, [0, 5])
        empty.rawData = Data()
        #expect(try decoder.decode(empty).shape == [0, 5])
    }

    @Test func sizesAreCheckedFirst() {
        var short = proto(.float, [3])
        short.rawData = Data(count: 8)
        #expect(throws: ModelError.self) { try decoder.decode(short) }
        var few = proto(.int64, [4])
        few.int64Data = [1, 2]
        #expect(throws: ModelError.self) { try decoder.decode(few) }
        var huge = proto(.float, [1 << 31, 1 << 31, 1 << 31])
        huge.rawData = Data(count: 4)
        #expect(throws: ModelError.self) { try decoder.decode(huge) }
        var negative = proto(.float, [-1])
        negative.floatData = []
        #expect(throws: ModelError.self) { try decoder.decode(negative) }
        var text = proto(.string, [1])
        text.stringData = [Data("a".utf8)]
        #expect(throws: ModelError.self) { try decoder.decode(text) }
        var external = proto(.float, [1])
        external.dataLocation = .external
        #expect(throws: ModelError.self) { try decoder.decode(external) }  // no directory: external data refused
    }

    @Test func halfPrecisionEdgeCases() {
        #expect(halfToFloat(0x0000) == 0)
        #expect(halfToFloat(0x0001) == 0x1p-24)
        #expect(halfToFloat(0x7C00) == .infinity)
        #expect(halfToFloat(0xFC00) == -.infinity)
        #expect(halfToFloat(0x7E00).isNaN)
        #expect(halfToFloat(0x7BFF) == 65504)
    }
}

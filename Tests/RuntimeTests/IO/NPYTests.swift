import Foundation
import Testing
import TestSupport
@testable import Runtime

@Suite struct NPYTests {
    @Test func roundTripsEveryRank() throws {
        let dir = try makeTemporaryDirectory()
        var rng = SeededGenerator(seed: 1)
        for shape in [[], [0], [1], [5], [2, 3], [2, 3, 4, 5]] as [[Int]] {
            let tensor = Tensor(shape: shape, data: rng.floats(shape.reduce(1, *)))
            let path = "\(dir)/a.npy"
            try NPY.write(tensor, to: path)
            #expect(try NPY.read(path) == tensor, "shape \(shape)")
            #expect(try NPY.readHeader(path).shape == shape)
        }
    }

    @Test func headerIsPaddedTo64Bytes() {
        let bytes = NPY.encode(Tensor(shape: [2, 2], data: [1, 2, 3, 4]))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        #expect(bytes[10 + headerLength - 1] == UInt8(ascii: "\n"))
    }

    @Test func readsVersions2And3() throws {
        for major: UInt8 in [2, 3] {
            let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"
            let padded = dict + String(repeating: " ", count: 64 - (12 + dict.utf8.count + 1) % 64) + "\n"
            let length = padded.utf8.count
            var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0]
            bytes += (0..<4).map { UInt8((length >> (8 * $0)) & 0xFF) }
            bytes += Array(padded.utf8)
            for v: Float in [1.5, -2, 3] { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
            let header = try NPY.parseHeader(bytes, fileSize: bytes.count, path: "v\(major).npy")
            #expect(header.shape == [3])
            #expect(header.dataOffset == 12 + length)
        }
    }

    @Test func refusesWhatItCannotRead() {
        func header(_ dict: String, extra: Int = 0) -> [UInt8] {
            var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
            bytes += [UInt8(dict.utf8.count & 0xFF), UInt8(dict.utf8.count >> 8)]
            return bytes + Array(dict.utf8) + [UInt8](repeating: 0, count: extra)
        }
        let cases: [(String, [UInt8], NPYError)] = [
            ("empty", [], .notNPY(path: "x")),
            ("text", Array("hello world, not numpy".utf8), .notNPY(path: "x")),
            ("float64", header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", extra: 16),
             .unsupportedDType(path: "x", descr: "<f8")),
            ("fortran", header("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", extra: 16),
             .fortranOrder(path: "x")),
            ("truncated", header("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", extra: 8),
             .truncated(path: "x", expectedBytes: 16, actualBytes: 8)),
        ]
        for (name, bytes, expected) in cases {
            #expect(throws: expected, "\(name)") { try NPY.parseHeader(bytes, fileSize: bytes.count, path: "x") }
        }
        let negative = header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 2), }")
        #expect(throws: NPYError.self) { try NPY.parseHeader(negative, fileSize: negative.count, path: "x") }
        let huge = header("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }")
        #expect(throws: NPYError.self) { try NPY.parseHeader(huge, fileSize: huge.count, path: "x") }
    }
}

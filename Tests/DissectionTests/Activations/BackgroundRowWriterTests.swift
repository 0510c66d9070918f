// The activation cache's background writer: rows land where they are asked to, in any order,
// the caller's buffer may be reused at once, and a failed write is reported by the next call.
import Foundation
import Testing
import TestSupport
@testable import Dissection

@Suite struct BackgroundRowWriterTests {
    @Test func rowsLandAndTheCallersBufferCanBeReused() throws {
        let dir = try makeTemporaryDirectory("nd-rows")
        let file = try RowFile(path: dir + "/0.f32", offset: 0, rowLength: 3, writable: true)
        let writer = BackgroundRowWriter(file: file)
        var buffer = [Float](repeating: 0, count: 6)
        for batch in [2, 0, 1, 3] {  // rows 2b, 2b+1; out of order, as a resumed pass rewrites
            for k in 0..<6 { buffer[k] = Float(batch * 100 + k) }
            try buffer.withUnsafeBufferPointer { try writer.write(rows: 2 * batch, count: 2, from: $0.baseAddress!) }
            buffer = buffer.map { _ in -1 }  // reused before the queue wrote it
        }
        try writer.sync()
        var back = [Float](repeating: 0, count: 24)
        try back.withUnsafeMutableBufferPointer { try file.read(rows: 0, count: 8, into: $0.baseAddress!) }
        #expect(back == (0..<4).flatMap { b in (0..<6).map { Float(b * 100 + $0) } })
    }

    @Test func aFailedWriteIsReportedByTheNextCall() throws {
        let dir = try makeTemporaryDirectory("nd-rows")
        // Opened read-only: every pwrite fails (EBADF) on the queue.
        FileManager.default.createFile(atPath: dir + "/0.f32", contents: Data())
        let file = try RowFile(path: dir + "/0.f32", offset: 0, rowLength: 2, writable: false)
        let writer = BackgroundRowWriter(file: file)
        let rows: [Float] = [1, 2]
        try rows.withUnsafeBufferPointer { try writer.write(rows: 0, count: 1, from: $0.baseAddress!) }
        #expect(throws: RunError.self) { try writer.sync() }
        #expect(throws: RunError.self) { try rows.withUnsafeBufferPointer { try writer.write(rows: 1, count: 1, from: $0.baseAddress!) } }
    }
}

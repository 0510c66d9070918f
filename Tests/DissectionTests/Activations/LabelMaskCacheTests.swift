// The label-mask cache between the passes: batches read back whatever their boundaries, a shard's
// rows start at its first image, a resumed pass 1 rewrites from its checkpoint, and a damaged
// file is one error naming it and what to do.
import DissectionTestSupport
import Foundation
import Testing
import TestSupport
@testable import Dissection

@Suite struct LabelMaskCacheTests {
    let probe = RandomProbe(seed: 11, N: 23, C: 2, sizes: [(7, 9), (30, 20)])

    var masks: [LabelMasks?] { probe.annotations.map { $0.map { LabelMasks($0, catalog: probe.catalog) } } }
    var sizes: [(height: Int, width: Int)] { probe.annotations.map { (height: $0?.height ?? 0, width: $0?.width ?? 0) } }

    func write(_ cache: LabelMaskCache, from: Int, to: Int, batch: Int, firstRow: Int = 0) throws {
        var start = from
        while start < to {
            let end = min(to, start + batch)
            try cache.write(rows: start, masks: Array(masks[(start - firstRow)..<(end - firstRow)]))
            start = end
        }
    }

    @Test func batchesReadBackWhateverTheirBoundaries() throws {
        #expect(masks.contains { $0 == nil })
        let dir = try makeTemporaryDirectory("nd-masks")
        let cache = try LabelMaskCache(runDirectory: dir, folder: "cache", firstRow: 0, writable: true)
        try write(cache, from: 0, to: probe.N, batch: 4)
        try cache.sync()
        let reader = try LabelMaskCache(runDirectory: dir, folder: "cache", firstRow: 0, writable: false)
        for (start, count) in [(0, 23), (0, 1), (3, 7), (22, 1), (5, 0)] {
            let read = try reader.read(rows: start, sizes: Array(sizes[start..<(start + count)]), catalog: probe.catalog)
            #expect(read == Array(masks[start..<(start + count)]))
        }
    }

    @Test func aShardStartsAtItsFirstImageAndAResumeRewrites() throws {
        let dir = try makeTemporaryDirectory("nd-masks")
        let cache = try LabelMaskCache(runDirectory: dir, folder: "shard", firstRow: 10, writable: true)
        try write(cache, from: 10, to: 23, batch: 3)
        // Resumed from image 16: the same records again, in other batches.
        try write(cache, from: 16, to: 23, batch: 5)
        let read = try cache.read(rows: 10, sizes: Array(sizes[10..<23]), catalog: probe.catalog)
        #expect(read == Array(masks[10..<23]))
    }

    @Test func aDamagedFileIsOneErrorNamingIt() throws {
        let dir = try makeTemporaryDirectory("nd-masks")
        let cache = try LabelMaskCache(runDirectory: dir, folder: "cache", firstRow: 0, writable: true)
        try write(cache, from: 0, to: probe.N, batch: 8)
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        // A record's bytes altered: its first label id set to an unscored one.
        let data = FileHandle(forUpdatingAtPath: dir + "/cache/labels.bin")!
        let first = try #require(masks.firstIndex { ($0?.pixelLabels.count ?? 0) > 0 && $0?.imageLabels.isEmpty == true })
        let offsets = try Data(contentsOf: URL(fileURLWithPath: dir + "/cache/labels.offsets"))
        let start = offsets.withUnsafeBytes { Int($0.load(fromByteOffset: 8 * first, as: Int64.self)) }
        data.seek(toFileOffset: UInt64(start + 16))
        data.write(Data([4, 0, 0, 0]))
        try data.close()
        let damaged = message { _ = try cache.read(rows: 0, sizes: sizes, catalog: probe.catalog) }
        #expect(damaged.contains("labels.bin: the record of image \(first) is damaged"))
        #expect(damaged.contains("delete labels.bin and labels.offsets"))
        #expect(!damaged.contains("\n"))
        // Offsets running backwards.
        try Data(repeating: 0xFF, count: 8).write(to: URL(fileURLWithPath: dir + "/cache/labels.offsets"))
        #expect(message { _ = try cache.read(rows: 0, sizes: [(7, 9)], catalog: probe.catalog) }.contains("labels.offsets"))
        // Rows past the end of the file.
        #expect(message { _ = try cache.read(rows: 40, sizes: [(7, 9)], catalog: probe.catalog) }.contains("file ends early"))
    }
}

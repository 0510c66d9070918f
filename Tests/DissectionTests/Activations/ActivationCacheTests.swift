// The activation cache's files (ActivationCache, MapFile, MapEntry, MapTable): the maps flagged in
// pass 1 read back whatever the batches, in both modes, for a shard's rows and after a resumed
// pass 1 rewrote its rows; a file cut short, altered, of another layer or of the earlier format is
// refused when opened (and removed), a map altered after opening is one error naming the file and
// what to do, and a failed write is reported by the next call.
import Foundation
import Testing
import TestSupport
@testable import Dissection

@Suite struct ActivationCacheTests {
    /// A layer of 70 units (two bitmap words, the second partly used) of 2 x 3 maps.
    static let layer = LayerShape(name: "acts", units: 70, height: 2, width: 3)

    /// `N` images of random maps, which of them are stored (about one in three; every map of a
    /// used image in mode `every`), and which images are used (about five in six).
    struct Batch {
        let N: Int
        var values: [Float]
        var stored: [UInt8]
        var used: [Bool]

        init(seed: UInt64, N: Int, mode: MapFile.Mode) {
            var g = SeededGenerator(seed: seed)
            let C = ActivationCacheTests.layer.units, HW = ActivationCacheTests.layer.mapSize
            self.N = N
            values = g.normals(N * C * HW)
            used = (0..<N).map { _ in Int.random(in: 0..<6, using: &g) != 0 }
            stored = [UInt8](repeating: 0, count: N * C)
            for i in 0..<N where used[i] {
                for u in 0..<C { stored[i * C + u] = mode == .every || Int.random(in: 0..<3, using: &g) == 0 ? 1 : 0 }
            }
        }

        /// The maps of images `rows`, as the cache stores them, and their table.
        func expected(_ rows: Range<Int>) -> (maps: [Float], numbers: [Int32], used: [Bool]) {
            let C = ActivationCacheTests.layer.units, HW = ActivationCacheTests.layer.mapSize
            var maps: [Float] = [], numbers: [Int32] = []
            for i in rows {
                for u in 0..<C {
                    if stored[i * C + u] != 0 {
                        numbers.append(Int32(maps.count / HW))
                        maps += values[((i * C + u) * HW)..<((i * C + u + 1) * HW)]
                    } else {
                        numbers.append(-1)
                    }
                }
            }
            return (maps, numbers, Array(used[rows]))
        }
    }

    func create(_ dir: String, mode: MapFile.Mode, firstRow: Int = 0) throws -> ActivationCache {
        let opening = try ActivationCache.forPassOne(runDirectory: dir, layers: [Self.layer], methods: [method(mode)],
                                                     folder: "cache", firstRow: firstRow, rowsDone: 0)
        guard case let .opened(cache) = opening else { Issue.record("not created: \(opening)"); throw CancellationError() }
        return cache
    }

    func method(_ mode: MapFile.Mode) -> QuantileMethod { mode == .every ? .histogram : .selection }

    func opening(_ dir: String, mode: MapFile.Mode = .skipping, firstRow: Int = 0, rows: Int) throws -> ActivationCache.Opening {
        try ActivationCache.forLaterPasses(runDirectory: dir, layers: [Self.layer], methods: [method(mode)], folder: "cache",
                                           firstRow: firstRow, rows: rows)
    }

    func reader(_ dir: String, mode: MapFile.Mode = .skipping, firstRow: Int = 0, rows: Int) throws -> ActivationCache {
        let opened = try opening(dir, mode: mode, firstRow: firstRow, rows: rows)
        guard case let .opened(cache) = opened else { Issue.record("not opened: \(opened)"); throw CancellationError() }
        return cache
    }

    /// Writes images `from..<to` of `batch` in batches of `size`.
    func write(_ cache: ActivationCache, _ batch: Batch, from: Int, to: Int, size: Int, firstRow: Int = 0) throws {
        let C = Self.layer.units, V = Self.layer.valuesPerImage
        var start = from
        while start < to {
            let end = min(to, start + size)
            let i = start - firstRow, n = end - start
            try batch.values.withUnsafeBufferPointer { v in
                try batch.stored.withUnsafeBufferPointer { s in
                    try cache.write(layer: 0, rows: start, count: n, from: v.baseAddress! + i * V, stored: s.baseAddress! + i * C,
                                    used: Array(batch.used[i..<(i + n)]))
                }
            }
            start = end
        }
        try cache.sync()
    }

    /// Reads images `rows` back and checks them against what was written.
    func expectReadBack(_ cache: ActivationCache, _ batch: Batch, _ rows: Range<Int>, firstRow: Int = 0,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        var buffer = [Float](repeating: .nan, count: max(1, rows.count * Self.layer.valuesPerImage))
        let table = try buffer.withUnsafeMutableBufferPointer {
            try cache.read(layer: 0, rows: rows.lowerBound, count: rows.count, into: $0.baseAddress!, capacity: $0.count)
        }
        let local = (rows.lowerBound - firstRow)..<(rows.upperBound - firstRow)
        let expected = batch.expected(local)
        #expect(table.images == rows.count && table.units == Self.layer.units, sourceLocation: sourceLocation)
        #expect(table.used == expected.used, "\(rows)", sourceLocation: sourceLocation)
        #expect(table.numbers == expected.numbers, "\(rows)", sourceLocation: sourceLocation)
        #expect(table.count * Self.layer.mapSize == expected.maps.count, sourceLocation: sourceLocation)
        #expect(Array(buffer.prefix(expected.maps.count)) == expected.maps, "\(rows)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [MapFile.Mode.skipping, .every])
    func batchesReadBackWhateverTheirBoundaries(mode: MapFile.Mode) throws {
        let dir = try makeTemporaryDirectory("nd-maps")
        let batch = Batch(seed: 3, N: 23, mode: mode)
        #expect(batch.used.contains(false) && batch.stored.contains(1))
        #expect(mode == .every || batch.stored.enumerated().contains { $0.element == 0 && batch.used[$0.offset / Self.layer.units] })
        let cache = try create(dir, mode: mode)
        try write(cache, batch, from: 0, to: batch.N, size: 4)
        let reader = try reader(dir, mode: mode, rows: batch.N)
        for rows in [0..<0, 0..<1, 0..<2, 3..<10, 22..<23, 0..<23, 5..<5] {
            try expectReadBack(reader, batch, rows)
        }
        // The writer's files read the same.
        try expectReadBack(cache, batch, 0..<23)
    }

    @Test func aTableNumbersTheStoredMapsInOrder() {
        // Two images of 70 units: units 0, 5, 69 of the first, none of the second (left out), 64 of a third.
        var bitmaps = [UInt64](repeating: 0, count: 6)
        bitmaps[0] = 1 | 1 << 5
        bitmaps[1] = 1 << 5
        bitmaps[5] = 1
        let table = MapTable(units: 70, used: [true, false, true], bitmaps: bitmaps)
        #expect(table.count == 4)
        var expected = [Int32](repeating: -1, count: 210)
        expected[0] = 0; expected[5] = 1; expected[69] = 2; expected[140 + 64] = 3
        #expect(table.numbers == expected)
        #expect(MapTable(units: 1, used: [], bitmaps: []).count == 0)
    }

    @Test func aShardStartsAtItsFirstImageAndAResumedPassOneRewrites() throws {
        let dir = try makeTemporaryDirectory("nd-maps")
        let first = Batch(seed: 5, N: 13, mode: .skipping)
        // A shard's rows from image 10: written to image 20, then resumed at image 16 (its
        // checkpoint) with other maps stored, as a resumed pass 1's restored selectors may choose.
        let cache = try create(dir, mode: .skipping, firstRow: 10)
        try write(cache, first, from: 10, to: 20, size: 3, firstRow: 10)
        var second = Batch(seed: 6, N: 13, mode: .skipping)
        second.values = first.values
        for i in 0..<6 { for u in 0..<Self.layer.units { second.stored[i * Self.layer.units + u] = first.stored[i * Self.layer.units + u] } }
        second.used = Array(first.used[0..<6]) + Array(second.used[6...])
        let opened = try ActivationCache.forPassOne(runDirectory: dir, layers: [Self.layer], methods: [.selection], folder: "cache",
                                                    firstRow: 10, rowsDone: 6)
        guard case let .opened(resumed) = opened else { Issue.record("\(opened)"); return }
        // The files are cut after the checkpoint's rows.
        let index = try FileManager.default.attributesOfItem(atPath: dir + "/cache/0.index")[.size] as? Int
        #expect(index == MapFile.headerBytes + 6 * MapEntry.bytes(units: 70))
        try write(resumed, second, from: 16, to: 23, size: 5, firstRow: 10)
        let reader = try reader(dir, firstRow: 10, rows: 13)
        try expectReadBack(reader, second, 10..<23, firstRow: 10)
        try expectReadBack(reader, second, 15..<18, firstRow: 10)
        // The maps file holds what the index says, nothing after.
        let maps = try FileManager.default.attributesOfItem(atPath: dir + "/cache/0.maps")[.size] as? Int
        #expect(maps == second.expected(0..<13).maps.count * 4)
    }

    @Test func anEmptyShardHasAHeaderAlone() throws {
        let dir = try makeTemporaryDirectory("nd-maps")
        let cache = try create(dir, mode: .skipping, firstRow: 7)
        try cache.sync()
        let reader = try reader(dir, firstRow: 7, rows: 0)
        try expectReadBack(reader, Batch(seed: 1, N: 0, mode: .skipping), 7..<7, firstRow: 7)
    }

    /// The reason an opening gives, or "" when it opened.
    func unusable(_ opening: ActivationCache.Opening) -> String {
        if case let .unusable(reason) = opening { return reason }
        return ""
    }

    /// Writes 9 images of a fresh cache in `dir`.
    func fresh(_ dir: String, mode: MapFile.Mode = .skipping) throws -> Batch {
        try? FileManager.default.removeItem(atPath: dir + "/cache")
        let batch = Batch(seed: 8, N: 9, mode: mode)
        try write(try create(dir, mode: mode), batch, from: 0, to: 9, size: 4)
        return batch
    }

    /// Overwrites `bytes` at `offset` of `file`.
    func patch(_ file: String, at offset: Int, _ bytes: [UInt8]) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: file))
        handle.seek(toFileOffset: UInt64(offset))
        handle.write(Data(bytes))
        try handle.close()
    }

    func truncate(_ file: String, to size: Int) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: file))
        handle.truncateFile(atOffset: UInt64(size))
        try handle.close()
    }

    @Test func damagedFilesAreRefusedWhenOpenedAndRemoved() throws {
        let dir = try makeTemporaryDirectory("nd-maps")
        let index = dir + "/cache/0.index", maps = dir + "/cache/0.maps"
        let entry = MapEntry.bytes(units: 70)
        func row(_ k: Int) -> Int { MapFile.headerBytes + k * entry }
        let little = { (v: Int64) in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        // The rows of a fresh cache open, and do not when asked for rows never written.
        let batch = try fresh(dir)
        #expect(unusable(try opening(dir, rows: 9)) == "")
        #expect(unusable(try opening(dir, rows: 10)).contains("0.index: cannot read it (file ends early)"))
        #expect(!FileManager.default.fileExists(atPath: index) && !FileManager.default.fileExists(atPath: maps))

        let cases: [(String, () throws -> Void, String)] = [
            ("maps cut short", { try self.truncate(maps, to: batch.expected(0..<9).maps.count * 4 - 4) }, "0.maps: ends at byte"),
            ("maps missing", { try FileManager.default.removeItem(atPath: maps) }, "0.maps: is missing"),
            ("index cut in its header", { try self.truncate(index, to: 20) }, "0.index: cannot read it (file ends early)"),
            ("index cut in a row", { try self.truncate(index, to: row(8) + 10) }, "0.index: cannot read it (file ends early)"),
            ("magic", { try self.patch(index, at: 0, Array("ND-MAPZ\n".utf8)) }, "0.index: is not an activation cache index"),
            ("version", { try self.patch(index, at: 8, little(2)) }, "0.index: is in format 2, this netdissect reads format 1"),
            ("mode", { try self.patch(index, at: 16, little(0)) }, "0.index: describes another layer (mode 0, 70 units of 6 values from image 0; expected mode 1"),
            ("units", { try self.patch(index, at: 24, little(71)) }, "describes another layer (mode 1, 71 units"),
            ("first row", { try self.patch(index, at: 40, little(3)) }, "from image 3"),
            ("a row never written", { try self.patch(index, at: row(4) + 8, little(0)) }, "0.index: the row of image 4 was never written"),
            ("a row of another image", { try self.patch(index, at: row(4) + 8, little(2 * 6 + 1)) }, "the row of image 4 says it is image 5"),
            ("a start moved", { try self.patch(index, at: row(5), little(1)) }, "the row of image 5 starts at map 1, where the row before ends at"),
            ("a start far out", { try self.patch(index, at: row(5), little(1 << 40)) }, "the row of image 5 starts at map 1099511627776, past what 5 earlier images can hold"),
            ("row 0 not at 0", { try self.patch(index, at: row(0), little(3)) }, "the row of image 0 starts at map 3, not 0"),
            ("a bit past the last unit", { try self.patch(index, at: row(2) + 24 + 8 + 1, [0x80]) }, "the row of image 2 has a map past the last unit"),
        ]
        for (name, damage, message) in cases {
            _ = try fresh(dir)
            try damage()
            let reason = unusable(try opening(dir, rows: 9))
            #expect(reason.contains(message), "\(name): \(reason)")
            #expect(!reason.contains("\n"))
            #expect(!FileManager.default.fileExists(atPath: index) && !FileManager.default.fileExists(atPath: maps), "\(name)")
        }

        // A row that lists maps for an image pass 1 left out; a row of mode `every` without all of them.
        let skippingBatch = try fresh(dir)
        let out = try #require(skippingBatch.used.firstIndex(of: false))
        try patch(index, at: row(out) + 24, [1])
        #expect(unusable(try opening(dir, rows: 9)).contains("the row of image \(out) has maps though pass 1 left the image out"))
        let everyBatch = try fresh(dir, mode: .every)
        let kept = try #require(everyBatch.used.firstIndex(of: true))
        try patch(index, at: row(kept) + 24, [0xFE])
        #expect(unusable(try opening(dir, mode: .every, rows: 9)).contains("the row of image \(kept) lacks maps the refine pass needs"))

        // The earlier format: every map at a fixed offset in `<k>.f32`; removed too.
        try? FileManager.default.removeItem(atPath: dir + "/cache")
        try FileManager.default.createDirectory(atPath: dir + "/cache", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: dir + "/cache/0.f32", contents: Data(count: 9 * 70 * 6 * 4)))
        #expect(FileManager.default.createFile(atPath: dir + "/cache/labels.bin", contents: Data([1])))
        #expect(unusable(try opening(dir, rows: 9)).contains("0.f32: was written by an earlier netdissect"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/cache/0.f32"))
        #expect(FileManager.default.fileExists(atPath: dir + "/cache/labels.bin"), "the label masks stay")
        // No files at all: absent, silently.
        if case .absent = try opening(dir, rows: 9) {} else { Issue.record("an empty folder is not absent") }
    }

    @Test func aMapAlteredAfterOpeningIsOneErrorNamingTheFile() throws {
        let dir = try makeTemporaryDirectory("nd-maps")
        let batch = try fresh(dir)
        let reader = try reader(dir, rows: 9)
        // The first stored map of an image after the first two, one byte of it changed.
        let k = try #require((2..<8).first { !batch.expected($0..<($0 + 1)).maps.isEmpty })
        let before = batch.expected(0..<k).maps.count * 4
        try patch(dir + "/cache/0.maps", at: before + 1, [0x5A])
        var buffer = [Float](repeating: 0, count: 9 * Self.layer.valuesPerImage)
        func read(_ rows: Range<Int>) -> String {
            do {
                _ = try buffer.withUnsafeMutableBufferPointer {
                    try reader.read(layer: 0, rows: rows.lowerBound, count: rows.count, into: $0.baseAddress!, capacity: $0.count)
                }
                return ""
            } catch { return "\(error)" }
        }
        #expect(read(0..<k) == "")
        let message = read((k - 1)..<(k + 2))
        #expect(message.contains("0.maps: the maps of image \(k) do not match their check in 0.index"), "\(message)")
        #expect(message.contains("delete 0.maps and 0.index in that folder and run the same command again"))
        #expect(!message.contains("\n"))
        // The maps file cut after opening.
        #expect(!batch.expected((k + 1)..<9).maps.isEmpty)
        try truncate(dir + "/cache/0.maps", to: before)
        #expect(read((k + 1)..<9).contains("0.maps: cannot read the maps of images \(k + 1)..<9 (file ends early)"))
    }

    @Test func aChecksumSeesAChangedOrMovedWord() {
        let words: [UInt64] = (0..<37).map { $0 &* 0x9E37_79B9_7F4A_7C15 }
        func sum(_ w: [UInt64], bytes: Int? = nil) -> UInt64 {
            var c = RowChecksum()
            w.withUnsafeBytes { c.add($0.baseAddress!, bytes: bytes ?? $0.count) }
            return c.value
        }
        let base = sum(words)
        var changed = words; changed[20] ^= 1 << 33
        var swapped = words; swapped.swapAt(3, 7)
        var shifted = words; shifted.swapAt(4, 8)  // same lane: the running sums see the order
        #expect(Set([base, sum(changed), sum(swapped), sum(shifted), sum(words, bytes: 295), sum(words, bytes: 294)]).count == 6)
        #expect(sum(words) == base)
    }

    @Test func aFailedWriteIsReportedByTheNextCall() throws {
        let dir = try makeTemporaryDirectory("nd-maps")
        _ = try fresh(dir)
        // Opened read-only: every pwrite fails (EBADF) on the writer's queue.
        let file = try MapFile(directory: dir + "/cache", layer: 0, units: 70, mapSize: 6, firstRow: 0, mode: .skipping,
                               create: false, writable: false)
        let writer = BackgroundMapWriter(file: file)
        let entry = MapEntry(start: 0, image: 0, used: true, bitmap: [1, 0])
        try writer.write(row: 0, entries: [entry]) { $0.update(repeating: 1, count: 6) }
        #expect(throws: RunError.self) { try writer.sync() }
        #expect(throws: RunError.self) { try writer.write(row: 1, entries: [entry]) { $0.update(repeating: 1, count: 6) } }
    }
}

// One layer's part of the activation cache: `<k>.maps`, the maps pass 1 stored, and `<k>.index`,
// which of them each image has.
//
// `<k>.maps` holds float32 maps of H * W values (little-endian) one after another, image by image
// and unit by unit: map number m starts at byte m * H * W * 4. `<k>.index` opens with a header
// (magic "ND-MAPS\n", then Int64s: format version, mode, units C, map size H * W, the image index of
// row 0) and has one fixed-size `MapEntry` per image from there, so a batch finds its rows by
// arithmetic and a resumed pass 1 rewrites from its checkpoint's row (its maps from the end of the
// row before). In mode `every` (a layer whose quantiles use histograms: the refine pass reads
// every value) an image pass 1 used has all its maps; in mode `skipping` only those that can pass
// their unit's threshold.
//
// Everything read is checked before use: the header against the layer, each entry's image, bits
// and start against the rows around it, the maps' bytes against the row's check. A check that
// fails throws `CacheDamage`, which names the file and what is wrong with it.
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A file of the activation cache that is missing something or holds what no run writes.
struct CacheDamage: Error, Equatable {
    let path: String
    let reason: String
}

/// One layer's stored maps and their index, from image `firstRow` on.
final class MapFile: @unchecked Sendable {
    /// Which maps of an image pass 1 stores.
    enum Mode: Int, Sendable {
        /// Every map of an image it used (histogram quantiles: the refine pass reads them all).
        case every = 0
        /// The maps whose peak is above their unit's skip bound (selection quantiles).
        case skipping = 1
    }

    static let magic = Array("ND-MAPS\n".utf8)
    static let version = 1
    static let headerBytes = 48

    let mapsPath: String, indexPath: String
    let units: Int, mapSize: Int, firstRow: Int
    let mode: Mode
    /// Bitmap words per entry, and bytes per entry.
    let words: Int, entryBytes: Int
    private let maps: Int32, index: Int32

    /// The two files of layer `layer` in `directory`.
    static func paths(directory: String, layer: Int) -> (maps: String, index: String) {
        let base = (directory as NSString).appendingPathComponent("\(layer)")
        return (base + ".maps", base + ".index")
    }

    /// Opens layer `layer`'s files in `directory`: created empty (their header alone) when `create`,
    /// else as they are, their header checked (`writable` for a resumed pass 1).
    /// - Throws: `RunError.store` when they cannot be created; `CacheDamage` when existing files
    ///   cannot be opened or were written for another layer, mode or format.
    init(directory: String, layer: Int, units: Int, mapSize: Int, firstRow: Int, mode: Mode,
         create: Bool, writable: Bool = true) throws {
        precondition(units >= 1 && mapSize >= 1 && firstRow >= 0, "MapFile: bad layer")
        (mapsPath, indexPath) = Self.paths(directory: directory, layer: layer)
        self.units = units
        self.mapSize = mapSize
        self.firstRow = firstRow
        self.mode = mode
        words = (units + 63) / 64
        entryBytes = MapEntry.bytes(units: units)
        let flags = create ? O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC
                           : (writable ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC
        maps = open(mapsPath, flags, 0o644)
        let mapsError = errno
        index = open(indexPath, flags, 0o644)
        let indexError = errno
        guard maps >= 0, index >= 0 else {
            let (path, code) = maps < 0 ? (mapsPath, mapsError) : (indexPath, indexError)
            if maps >= 0 { close(maps) }
            if index >= 0 { close(index) }
            let cause = "cannot open it (\(String(cString: strerror(code))))"
            if create { throw RunError.store(path: path, reason: "cannot create the activation cache (\(cause))") }
            throw CacheDamage(path: path, reason: cause)
        }
        if create {
            var header = header
            try transfer(index, indexPath, offset: 0, bytes: &header, write: true)
        } else {
            var stored = [UInt8](repeating: 0, count: Self.headerBytes)
            try transfer(index, indexPath, offset: 0, bytes: &stored, write: false)
            try checkHeader(stored)
        }
    }

    deinit { close(maps); close(index) }

    private var header: [UInt8] {
        var w = ByteWriter()
        w.bytes = Self.magic
        w.int(Self.version); w.int(mode.rawValue); w.int(units); w.int(mapSize); w.int(firstRow)
        return w.bytes
    }

    private func checkHeader(_ bytes: [UInt8]) throws {
        guard Array(bytes.prefix(8)) == Self.magic else { throw damaged(indexPath, "is not an activation cache index") }
        var r = ByteReader(bytes)
        r.offset = 8
        // Five Int64s follow the magic in the 48 bytes read.
        let version = r.int()!, mode = r.int()!, units = r.int()!, mapSize = r.int()!, firstRow = r.int()!
        guard version == Self.version else {
            throw damaged(indexPath, "is in format \(version), this netdissect reads format \(Self.version)")
        }
        guard mode == self.mode.rawValue, units == self.units, mapSize == self.mapSize, firstRow == self.firstRow else {
            throw damaged(indexPath, "describes another layer (mode \(mode), \(units) units of \(mapSize) values from image \(firstRow); expected mode \(self.mode.rawValue), \(self.units) units of \(self.mapSize) values from image \(self.firstRow))")
        }
    }

    // MARK: Reading

    /// The entries of rows `rows` (0 = image `firstRow`), each checked on its own (its image, no
    /// bit past the last unit, none for an image left out, all of them in mode `every`, a start
    /// no earlier row count allows) and against the one before it (it starts where that one ends;
    /// row 0 at map 0).
    func entries(_ rows: Range<Int>) throws -> [MapEntry] {
        precondition(rows.lowerBound >= 0, "MapFile.entries: negative row")
        guard !rows.isEmpty else { return [] }
        var bytes = [UInt8](repeating: 0, count: rows.count * entryBytes)
        try transfer(index, indexPath, offset: Self.headerBytes + rows.lowerBound * entryBytes, bytes: &bytes, write: false)
        let full = units % 64 == 0 ? ~UInt64(0) : (UInt64(1) << UInt64(units % 64)) - 1
        var result: [MapEntry] = []
        result.reserveCapacity(rows.count)
        for (k, row) in rows.enumerated() {
            let image = firstRow + row
            guard let e = MapEntry(decoding: bytes, at: k * entryBytes, words: words) else {
                throw damaged(indexPath, "the row of image \(image) was never written")
            }
            guard e.image == image else { throw damaged(indexPath, "the row of image \(image) says it is image \(e.image)") }
            guard e.bitmap[words - 1] & ~full == 0 else { throw damaged(indexPath, "the row of image \(image) has a map past the last unit") }
            if !e.used {
                guard e.count == 0 else { throw damaged(indexPath, "the row of image \(image) has maps though pass 1 left the image out") }
            } else if mode == .every {
                guard e.bitmap.dropLast().allSatisfy({ $0 == ~0 }) && e.bitmap[words - 1] == full else {
                    throw damaged(indexPath, "the row of image \(image) lacks maps the refine pass needs")
                }
            }
            if row == 0, e.start != 0 { throw damaged(indexPath, "the row of image \(image) starts at map \(e.start), not 0") }
            guard e.start >= 0, e.start <= row * units else {
                throw damaged(indexPath, "the row of image \(image) starts at map \(e.start), past what \(row) earlier images can hold")
            }
            if let previous = result.last, e.start != previous.end {
                throw damaged(indexPath, "the row of image \(image) starts at map \(e.start), where the row before ends at \(previous.end)")
            }
            result.append(e)
        }
        return result
    }

    /// Checks the entries of rows `0..<rows` against one another and that `<k>.maps` holds their
    /// maps; returns the number of maps they store.
    func checkedEnd(rows: Int) throws -> Int {
        var end = 0, row = 0
        while row < rows {
            // The entry before each chunk again, so that chunks are checked against one another.
            let from = max(0, row - 1), to = min(rows, row + 4096)
            let chunk = try entries(from..<to)
            end = chunk.last!.end
            row = to
        }
        var info = stat()
        guard fstat(maps, &info) == 0 else { throw damaged(mapsPath, "cannot read its size (\(String(cString: strerror(errno))))") }
        guard Int(info.st_size) >= end * mapSize * 4 else {
            throw damaged(mapsPath, "ends at byte \(info.st_size) where its index says \(end) maps of \(mapSize * 4) bytes")
        }
        return end
    }

    /// Reads the maps of rows `rows` into `dst` (room for `capacity` floats), one after another,
    /// each row's checked against its check.
    /// - Returns: where each map is (`MapTable`).
    func read(rows: Range<Int>, into dst: UnsafeMutablePointer<Float>, capacity: Int) throws -> MapTable {
        // The row before too: the batch's first row must start where it ends.
        let from = max(0, rows.lowerBound - 1)
        let batch = try entries(from..<rows.upperBound).suffix(rows.count)
        let first = batch.first?.start ?? 0, count = (batch.last?.end ?? 0) - first
        precondition(count * mapSize <= capacity, "MapFile.read: \(count) maps for room of \(capacity) values")
        let raw = UnsafeMutableRawPointer(dst)
        if let cause = positionalTransfer(fd: maps, offset: first * mapSize * 4, bytes: count * mapSize * 4, buffer: raw, write: false) {
            throw damaged(mapsPath, "cannot read the maps of images \(firstRow + rows.lowerBound)..<\(firstRow + rows.upperBound) (\(cause))")
        }
        for e in batch {
            let bytes = e.count * mapSize * 4
            guard e.checksum(maps: raw + (e.start - first) * mapSize * 4, bytes: bytes) == e.check else {
                throw damaged(mapsPath, "the maps of image \(e.image) do not match their check in \((indexPath as NSString).lastPathComponent)")
            }
        }
        if 1.littleEndian != 1 {
            for i in 0..<(count * mapSize) { dst[i] = Float(bitPattern: UInt32(littleEndian: dst[i].bitPattern)) }
        }
        return MapTable(units: units, used: batch.map(\.used), bitmaps: batch.flatMap(\.bitmap))
    }

    // MARK: Writing

    /// Writes the rows from `row` (`entries`, their checks not yet set) and their maps, which
    /// follow one another at `maps` from the first entry's start (native floats, byte-swapped in
    /// place where the machine is not little-endian).
    func write(row: Int, entries: [MapEntry], maps data: UnsafeMutablePointer<Float>) throws {
        guard let first = entries.first?.start else { return }
        let count = entries.last!.end - first
        if 1.littleEndian != 1 {
            for i in 0..<(count * mapSize) { data[i] = Float(bitPattern: data[i].bitPattern.littleEndian) }
        }
        let raw = UnsafeMutableRawPointer(data)
        var index = [UInt8]()
        index.reserveCapacity(entries.count * entryBytes)
        for var e in entries {
            e.check = e.checksum(maps: raw + (e.start - first) * mapSize * 4, bytes: e.count * mapSize * 4)
            index += e.encoded()
        }
        if let cause = positionalTransfer(fd: maps, offset: first * mapSize * 4, bytes: count * mapSize * 4, buffer: raw, write: true) {
            throw RunError.store(path: mapsPath, reason: "cannot write the activation cache (\(cause))")
        }
        try transfer(self.index, indexPath, offset: Self.headerBytes + row * entryBytes, bytes: &index, write: true)
    }

    /// Cuts both files after row `rows - 1`, whose maps end at map `end` (a resumed pass 1
    /// rewrites from there).
    func truncate(rows: Int, end: Int) throws {
        guard ftruncate(index, off_t(Self.headerBytes + rows * entryBytes)) == 0, ftruncate(maps, off_t(end * mapSize * 4)) == 0 else {
            throw RunError.store(path: indexPath, reason: "cannot truncate the activation cache (\(String(cString: strerror(errno))))")
        }
    }

    /// Flushes both files to the disk.
    func sync() throws {
        guard fdatasync(maps) == 0, fdatasync(index) == 0 else {
            throw RunError.store(path: indexPath, reason: "cannot flush the activation cache (\(String(cString: strerror(errno))))")
        }
    }

    private func damaged(_ path: String, _ reason: String) -> CacheDamage { CacheDamage(path: path, reason: reason) }

    private func transfer(_ fd: Int32, _ path: String, offset: Int, bytes: inout [UInt8], write: Bool) throws {
        guard let cause = positionalTransfer(fd: fd, offset: offset, bytes: &bytes, write: write) else { return }
        if write { throw RunError.store(path: path, reason: "cannot write the activation cache (\(cause))") }
        throw damaged(path, "cannot read it (\(cause))")
    }
}

// One row of an activation cache index (`<k>.index`): which maps of an image pass 1 stored, where
// the first of them is in `<k>.maps`, and a check of both.
//
// Entry (little-endian, `24 + 8 * words` bytes, words = (C + 63) / 64):
//     start   Int64    the number of the row's first map in `<k>.maps`
//     tag     Int64    2 * (image + 1) + (1 when pass 1 used the image); 0 in a row never written
//     check   UInt64   `MapEntry.checksum` of start, tag, bitmap and the row's map bytes
//     bitmap  UInt64 x words: bit u % 64 of word u / 64 set when unit u's map is stored
// The row's maps are the next popcount(bitmap) maps from `start`; the next row starts where they end.

/// One image's row of a layer's activation cache index.
struct MapEntry: Equatable, Sendable {
    /// The number of the row's first map in `<k>.maps`.
    var start: Int
    /// The image index.
    var image: Int
    /// Whether pass 1 used the image (an image left out has no maps).
    var used: Bool
    /// Per unit, whether its map is stored.
    var bitmap: [UInt64]
    /// The check written with the row.
    var check: UInt64 = 0

    /// Maps the row stores.
    var count: Int { bitmap.reduce(0) { $0 + $1.nonzeroBitCount } }
    /// The number of the map after the row's last.
    var end: Int { start + count }

    /// Bytes of one entry for a layer of `units` units.
    static func bytes(units: Int) -> Int { 24 + 8 * ((units + 63) / 64) }

    /// The entry's bytes.
    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.int(start); w.int(tag); w.scalar(check); w.scalars(bitmap)
        return w.bytes
    }

    /// The row whose entry is at `offset` of `bytes` (a layer of `words` bitmap words); nil when
    /// its tag is not one a row is written with (0: never written).
    init?(decoding bytes: [UInt8], at offset: Int, words: Int) {
        var r = ByteReader(bytes)
        r.offset = offset
        guard let start = r.int(), let tag = r.int(), let check = r.scalar(UInt64.self),
              let bitmap = r.scalars(words, of: UInt64.self), tag >= 2 else { return nil }
        self.start = start
        self.image = tag / 2 - 1
        self.used = tag % 2 == 1
        self.bitmap = bitmap
        self.check = check
    }

    init(start: Int, image: Int, used: Bool, bitmap: [UInt64]) {
        self.start = start
        self.image = image
        self.used = used
        self.bitmap = bitmap
    }

    private var tag: Int { 2 * (image + 1) + (used ? 1 : 0) }

    /// The check of this row with its maps' `bytes` bytes at `maps` (as stored: little-endian).
    func checksum(maps: UnsafeRawPointer?, bytes: Int) -> UInt64 {
        var w = ByteWriter()
        w.int(start); w.int(tag); w.scalars(bitmap)
        var sum = RowChecksum()
        w.bytes.withUnsafeBytes { sum.add($0.baseAddress!, bytes: $0.count) }
        if let maps { sum.add(maps, bytes: bytes) }
        return sum.value
    }
}

/// A 64-bit check of a row's bytes: Fletcher-style running sums of little-endian 64-bit words in
/// four lanes (a changed, lost or moved word changes it), at memory speed; not a defence against
/// someone who means to forge a row, which the cache, a file of one run, does not need.
struct RowChecksum {
    private var a0: UInt64 = 1, a1: UInt64 = 2, a2: UInt64 = 3, a3: UInt64 = 4
    private var b0: UInt64 = 0, b1: UInt64 = 0, b2: UInt64 = 0, b3: UInt64 = 0
    private var length = 0

    /// Takes in `bytes` bytes at `p`.
    mutating func add(_ p: UnsafeRawPointer, bytes: Int) {
        @inline(__always) func word(_ i: Int) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) }
        var i = 0
        while i + 32 <= bytes {
            a0 &+= word(i); b0 &+= a0
            a1 &+= word(i + 8); b1 &+= a1
            a2 &+= word(i + 16); b2 &+= a2
            a3 &+= word(i + 24); b3 &+= a3
            i += 32
        }
        while i + 8 <= bytes {
            a0 &+= word(i); b0 &+= a0
            i += 8
        }
        if i < bytes {
            var tail: UInt64 = 0
            for j in 0..<(bytes - i) { tail |= UInt64(p.load(fromByteOffset: i + j, as: UInt8.self)) << UInt64(8 * j) }
            a1 &+= tail; b1 &+= a1
        }
        length += bytes
    }

    /// The check of everything taken in.
    var value: UInt64 {
        var h = UInt64(length) &* 0x9E37_79B9_7F4A_7C15
        for v in [a0, b0, a1, b1, a2, b2, a3, b3] { h = (h ^ v) &* 0x1000_0000_01B3 ^ (h >> 29) }
        return h
    }
}

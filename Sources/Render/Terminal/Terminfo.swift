// Just enough of the compiled terminfo format (term(5)) to learn a terminal's colours without
// linking ncurses into Render: `max_colors`, and the extended `RGB` / `Tc` capabilities that
// direct-colour entries (xterm-direct, tmux-direct) and many user entries declare.
//
// Layout: a 12-byte header (magic 0432 for 16-bit numbers or 01036 for 32-bit numbers, then the
// sizes of the names, booleans, numbers, string offsets and string table), those sections in
// order (booleans padded to an even length), then optionally the extended section: a 10-byte
// header, extended booleans (padded), numbers, string offsets, name offsets and a string table
// whose last entries are the capability names. Everything is bounds-checked: a damaged file
// yields an error, never a crash.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The colour facts of one compiled terminfo entry.
public struct Terminfo: Sendable, Equatable {
    /// `max_colors` (`colors`), when present.
    public var maxColors: Int?
    /// Names of the extended boolean capabilities that are set (for example `RGB`, `Tc`).
    public var extendedBooleans: Set<String>
    /// Extended numeric capabilities.
    public var extendedNumbers: [String: Int]

    /// The entry declares direct (24-bit) colour.
    public var truecolor: Bool {
        (maxColors ?? 0) >= 1 << 24 || extendedBooleans.contains("RGB") || extendedBooleans.contains("Tc")
            || extendedNumbers["RGB"] != nil
    }

    /// Why a terminfo file could not be read.
    public struct Malformed: Error, CustomStringConvertible, Sendable {
        /// What was wrong.
        public let cause: String
        public var description: String { "malformed terminfo entry: \(cause)" }
    }

    /// Parses a compiled terminfo entry.
    public static func parse(_ bytes: [UInt8]) throws(Malformed) -> Terminfo {
        var r = Reader(bytes: bytes)
        let magic = try r.short()
        let numberSize: Int
        switch magic {
        case 0o432: numberSize = 2
        case 0o1036: numberSize = 4
        default: throw Malformed(cause: "bad magic number \(magic)")
        }
        let namesSize = try r.count(), boolCount = try r.count(), numCount = try r.count()
        let strCount = try r.count(), tableSize = try r.count()
        try r.skip(namesSize + boolCount)
        r.alignEven()
        var numbers: [Int] = []
        for _ in 0..<numCount { numbers.append(try r.number(size: numberSize)) }
        try r.skip(strCount * 2 + tableSize)
        let maxColors = numbers.count > 13 && numbers[13] >= 0 ? numbers[13] : nil
        var info = Terminfo(maxColors: maxColors, extendedBooleans: [], extendedNumbers: [:])

        // Extended section (optional).
        r.alignEven()
        guard r.remaining >= 10 else { return info }
        let extBools = try r.count(), extNums = try r.count(), extStrs = try r.count()
        _ = try r.count()                                   // items in the string table
        let extTableSize = try r.count()
        var boolValues: [Bool] = []
        for _ in 0..<extBools { boolValues.append(try r.byte() == 1) }
        r.alignEven()
        var numValues: [Int] = []
        for _ in 0..<extNums { numValues.append(try r.number(size: numberSize)) }
        try r.skip((extStrs + extBools + extNums + extStrs) * 2)
        let table = try r.take(extTableSize)
        // The names are the table's last (bools + numbers + strings) NUL-terminated entries.
        var strings = table.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if strings.last == "" { strings.removeLast() }
        let nameCount = extBools + extNums + extStrs
        guard strings.count >= nameCount else { throw Malformed(cause: "extended names missing") }
        let names = Array(strings.suffix(nameCount))
        for (k, on) in boolValues.enumerated() where on { info.extendedBooleans.insert(names[k]) }
        for (k, v) in numValues.enumerated() where v >= 0 { info.extendedNumbers[names[extBools + k]] = v }
        return info
    }

    /// The entry for `term`, searched where ncurses looks (`TERMINFO`, `~/.terminfo`,
    /// `TERMINFO_DIRS`, `/etc/terminfo`, `/lib/terminfo`, `/usr/share/terminfo`); nil when
    /// there is none or it cannot be read.
    public static func load(term: String, environment: [String: String]) -> Terminfo? {
        guard let first = term.first, !term.contains("/"), term != ".", term != ".." else { return nil }
        var dirs: [String] = []
        if let t = environment["TERMINFO"], !t.isEmpty { dirs.append(t) }
        if let home = environment["HOME"], !home.isEmpty { dirs.append(home + "/.terminfo") }
        let defaults = ["/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo"]
        if let list = environment["TERMINFO_DIRS"] {
            for d in list.split(separator: ":", omittingEmptySubsequences: false) {
                if d.isEmpty { dirs += defaults } else { dirs.append(String(d)) }
            }
        }
        dirs += defaults
        let hex = String(first.asciiValue ?? 0, radix: 16)
        for dir in dirs {
            for sub in [String(first), hex] {
                if let bytes = readSmallFile(dir + "/" + sub + "/" + term), let info = try? parse(bytes) {
                    return info
                }
            }
        }
        return nil
    }

    /// The file's bytes when it exists and is under 64 KB (terminfo entries are 4 KB at most).
    /// A terminfo file: at most 64 KB (`SmallFile`: a FIFO there does not block).
    static func readSmallFile(_ path: String) -> [UInt8]? {
        SmallFile.contents(of: path, maxBytes: 65536)
    }
}

/// A bounds-checked little-endian cursor over the file.
private struct Reader {
    let bytes: [UInt8]
    var offset = 0

    var remaining: Int { bytes.count - offset }

    mutating func byte() throws(Terminfo.Malformed) -> UInt8 {
        guard offset < bytes.count else { throw Terminfo.Malformed(cause: "truncated at byte \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func short() throws(Terminfo.Malformed) -> Int {
        let lo = Int(try byte()), hi = Int(try byte())
        return lo | hi << 8
    }

    /// A non-negative 16-bit count (-1 reads as 0).
    mutating func count() throws(Terminfo.Malformed) -> Int {
        let v = try short()
        if v == 0xFFFF { return 0 }
        guard v < 0x8000 else { throw Terminfo.Malformed(cause: "negative size \(v) at byte \(offset - 2)") }
        return v
    }

    /// A signed number of `size` bytes (negative means absent or cancelled).
    mutating func number(size: Int) throws(Terminfo.Malformed) -> Int {
        if size == 2 {
            let v = try short()
            return v >= 0x8000 ? v - 0x10000 : v
        }
        let lo = try short(), hi = try short()
        let v = lo | hi << 16
        return v >= 0x8000_0000 ? v - 0x1_0000_0000 : v
    }

    mutating func skip(_ n: Int) throws(Terminfo.Malformed) {
        guard n >= 0, n <= remaining else { throw Terminfo.Malformed(cause: "truncated: need \(n) bytes at \(offset)") }
        offset += n
    }

    mutating func take(_ n: Int) throws(Terminfo.Malformed) -> [UInt8] {
        guard n >= 0, n <= remaining else { throw Terminfo.Malformed(cause: "truncated: need \(n) bytes at \(offset)") }
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }

    mutating func alignEven() { if offset % 2 == 1 && offset < bytes.count { offset += 1 } }
}

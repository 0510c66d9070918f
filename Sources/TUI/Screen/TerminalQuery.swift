// What the terminal can do, found out before ncurses starts (afterwards its answers would
// arrive as key presses): the locale's character set, sixel support (DA1 answer includes 4),
// the cell size in pixels, and whether we are inside tmux, which drops sixel.
// See shared/notes/terminal-graphics.md.

import CNcursesw
import Foundation

/// What the terminal told us, or what we assume.
public struct TerminalFeatures: Sendable, Equatable {
    /// Whether the terminal answered DA1 with sixel (attribute 4).
    public var sixel: Bool
    /// Pixels per cell, when known.
    public var cellWidth: Int?, cellHeight: Int?
    /// Whether we run inside tmux or screen.
    public var multiplexer: Bool
    /// Whether `COLORTERM` announces 24-bit colour.
    public var truecolor: Bool

    /// Capabilities from their parts.
    public init(sixel: Bool, cellWidth: Int? = nil, cellHeight: Int? = nil, multiplexer: Bool = false, truecolor: Bool = false) {
        self.sixel = sixel; self.cellWidth = cellWidth; self.cellHeight = cellHeight
        self.multiplexer = multiplexer; self.truecolor = truecolor
    }
}

/// Queries the terminal on file descriptors 0 and 1.
public enum TerminalQuery {
    /// Asks the terminal, waiting at most `timeout` seconds for its answers.
    ///
    /// Inside tmux or screen, or when `TERM` is `linux` or `dumb`, nothing is asked (tmux 3.3
    /// drops sixel, the Linux console has none) and sixel is reported absent.
    public static func probe(environment: [String: String] = ProcessInfo.processInfo.environment,
                             timeout: Double = 0.4) -> TerminalFeatures {
        let term = environment["TERM"] ?? ""
        let multiplexer = environment["TMUX"] != nil || term.hasPrefix("screen") || term.hasPrefix("tmux")
        let colorterm = (environment["COLORTERM"] ?? "").lowercased()
        var caps = TerminalFeatures(sixel: false, multiplexer: multiplexer,
                                        truecolor: colorterm == "truecolor" || colorterm == "24bit")
        let size = windowSize()
        if size.rows > 0, size.columns > 0, size.xpixel > 0, size.ypixel > 0 {
            caps.cellWidth = size.xpixel / size.columns
            caps.cellHeight = size.ypixel / size.rows
        }
        if multiplexer || term == "linux" || term == "dumb" || term.isEmpty { return caps }
        guard isatty(0) == 1, isatty(1) == 1 else { return caps }
        let reply = query("\u{1B}[16t\u{1B}[c", until: { $0.contains(UInt8(ascii: "c")) && da1(in: $0) != nil }, timeout: timeout)
        if let attributes = da1(in: reply) { caps.sixel = attributes.contains(4) }
        if caps.cellWidth == nil, let (h, w) = cellSize(in: reply), w > 0, h > 0 {
            caps.cellWidth = w; caps.cellHeight = h
        }
        return caps
    }

    /// Rows, columns and pixel size of the terminal on fd 1 (zeros when unknown).
    public static func windowSize() -> (rows: Int, columns: Int, xpixel: Int, ypixel: Int) {
        var rows: Int32 = 0, cols: Int32 = 0, xp: Int32 = 0, yp: Int32 = 0
        guard nd_winsize(1, &rows, &cols, &xp, &yp) == 0 else { return (0, 0, 0, 0) }
        return (Int(rows), Int(cols), Int(xp), Int(yp))
    }

    /// The attributes of a DA1 reply `ESC [ ? a ; b ; ... c` found in `bytes`.
    public static func da1(in bytes: [UInt8]) -> [Int]? {
        guard let start = find([0x1B, 0x5B, 0x3F], in: bytes) else { return nil }
        var i = start + 3
        var numbers: [Int] = [], current = 0, digits = 0
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0x30 && b <= 0x39 { current = current * 10 + Int(b - 0x30); digits += 1 }
            else if b == 0x3B { numbers.append(current); current = 0; digits = 0 }
            else if b == 0x63 { if digits > 0 { numbers.append(current) }; return numbers }
            else { return nil }
            i += 1
        }
        return nil
    }

    /// The cell size (height, width) from an `ESC [ 6 ; h ; w t` reply in `bytes`.
    public static func cellSize(in bytes: [UInt8]) -> (Int, Int)? {
        guard let start = find([0x1B, 0x5B, 0x36, 0x3B], in: bytes) else { return nil }
        var i = start + 4
        var numbers: [Int] = [], current = 0
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0x30 && b <= 0x39 { current = current * 10 + Int(b - 0x30) }
            else if b == 0x3B { numbers.append(current); current = 0 }
            else if b == 0x74 { numbers.append(current); return numbers.count == 2 ? (numbers[0], numbers[1]) : nil }
            else { return nil }
            i += 1
        }
        return nil
    }

    static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where Array(hay[i..<i + needle.count]) == needle { return i }
        return nil
    }

    /// Writes `request` in raw mode and reads the reply until `done` or the deadline.
    static func query(_ request: String, until done: ([UInt8]) -> Bool, timeout: Double) -> [UInt8] {
        var saved = termios()
        guard tcgetattr(0, &saved) == 0 else { return [] }
        var raw = saved
        cfmakeraw(&raw)
        guard tcsetattr(0, TCSANOW, &raw) == 0 else { return [] }
        defer { tcsetattr(0, TCSANOW, &saved) }
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        var reply: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 256)
        while !done(reply) {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { break }
            var fds = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            guard poll(&fds, 1, Int32(left * 1000) + 1) > 0 else { break }
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            reply += buffer[0..<n]
        }
        return reply
    }
}

// Asking the terminal what it can do, before any curses start-up (afterwards the replies would
// arrive as key presses). The probe opens /dev/tty, switches it to raw mode, sends its queries
// with DA1 last (every terminal answers DA1, so its reply marks the end), and reads until that
// reply or a deadline: a terminal that stays silent costs at most `deadline` (half a second).
// The terminal mode is restored on every path.
//
// Cell size comes from TIOCGWINSZ's pixel fields when the terminal fills them, else from the
// `CSI 16 t` reply; colours from COLORTERM, then terminfo, then the TERM name.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Detects a terminal's capabilities.
public enum TerminalProbe {
    /// Capabilities of the controlling terminal, asking it directly when stdin and stdout are
    /// terminals. Never waits longer than `deadline` seconds for answers.
    public static func detect(environment: [String: String], deadline: Double = 0.5) -> TerminalCapabilities {
        var caps = fromEnvironment(environment)
        caps.isTerminal = isatty(0) == 1 && isatty(1) == 1
        guard caps.isTerminal else { return caps }
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { caps.isTerminal = false; return caps }
        defer { close(fd) }

        var ws = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0 {
            if ws.ws_col > 0 { caps.columns = Int(ws.ws_col) }
            if ws.ws_row > 0 { caps.rows = Int(ws.ws_row) }
            if ws.ws_xpixel > 0 && ws.ws_ypixel > 0 && ws.ws_col > 0 && ws.ws_row > 0 {
                caps.cellSize = CellSize(width: Int(ws.ws_xpixel) / Int(ws.ws_col),
                                         height: Int(ws.ws_ypixel) / Int(ws.ws_row))
            }
        }
        var query = ""
        if caps.cellSize == nil { query += "\u{1B}[16t" }
        query += "\u{1B}[?1;1;0S"                         // XTSMGRAPHICS: sixel colour registers
        query += "\u{1B}[?2;1;0S"                         // XTSMGRAPHICS: largest sixel picture
        query += "\u{1B}[c"                               // DA1, last
        let replies = ask(fd: fd, query: Array(query.utf8), deadline: deadline)
        caps.sixel = replies.sixel
        caps.colorRegisters = replies.colorRegisters
        caps.sixelMaxSize = replies.sixelMaxSize
        if caps.cellSize == nil { caps.cellSize = replies.cellSize }
        return caps
    }

    /// What the environment alone says: colours, tmux, NO_COLOR. No terminal I/O.
    public static func fromEnvironment(_ env: [String: String]) -> TerminalCapabilities {
        var caps = TerminalCapabilities()
        caps.insideTmux = !(env["TMUX"] ?? "").isEmpty
        caps.noColor = !(env["NO_COLOR"] ?? "").isEmpty
        if let c = Int(env["COLUMNS"] ?? ""), c > 0 { caps.columns = c }
        if let r = Int(env["LINES"] ?? ""), r > 0 { caps.rows = r }
        let term = env["TERM"] ?? ""
        let colorterm = (env["COLORTERM"] ?? "").lowercased()
        if colorterm == "truecolor" || colorterm == "24bit" {
            caps.colors = 1 << 24
        } else if term.isEmpty || term == "dumb" {
            caps.colors = 2
        } else if let info = Terminfo.load(term: term, environment: env) {
            caps.colors = info.truecolor ? 1 << 24 : max(info.maxColors ?? 2, 2)
        } else if term.hasSuffix("-direct") {
            caps.colors = 1 << 24
        } else if term.contains("256color") {
            caps.colors = 256
        }
        return caps
    }

    /// Sends `query` and collects replies until DA1 arrives or `deadline` seconds pass.
    static func ask(fd: Int32, query: [UInt8], deadline: Double) -> TerminalReplies {
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return TerminalReplies() }
        var raw = saved
        cfmakeraw(&raw)
        raw.c_oflag = saved.c_oflag                       // keep output processing as it was
        guard tcsetattr(fd, TCSANOW, &raw) == 0 else { return TerminalReplies() }
        defer { _ = tcsetattr(fd, TCSANOW, &saved) }

        var written = 0
        while written < query.count {
            let n = query[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return TerminalReplies() }
            written += n
        }
        var received: [UInt8] = []
        let end = now() + deadline
        var buffer = [UInt8](repeating: 0, count: 256)
        while received.count < 4096 {
            let left = end - now()
            if left <= 0 { break }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(max(1, left * 1000)))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { break }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 256) }
            if n <= 0 { break }
            received += buffer[0..<n]
            if TerminalReplies.parse(received).complete { break }
        }
        return TerminalReplies.parse(received)
    }

    /// Monotonic seconds.
    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

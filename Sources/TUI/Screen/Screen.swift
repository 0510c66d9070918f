// The one type that talks to the terminal: it starts and ends ncurses, draws frames, writes
// picture bytes, and turns key presses, clicks and resizes into messages.
//
// Pictures and ncurses share the screen this way: text is refreshed first; each picture is
// then written in one go as ESC 7, a cursor move, the bytes, ESC 8; pictures that go away are
// cleared by having ncurses rewrite their rows; pictures never reach the last row (the frame
// presenter sees to that). ncurses is told not to use insert/delete line or character, which
// would shift picture pixels it does not know about.

import CNcursesw
import Foundation
import Render

/// Why the explorer could not take over the terminal.
public enum ScreenError: Error, CustomStringConvertible, Sendable {
    /// Standard input or output is not a terminal.
    case notATerminal
    /// ncurses could not start (unknown `TERM`, say).
    case cannotStart(term: String)

    /// One line with a hint.
    public var description: String {
        switch self {
        case .notATerminal:
            return "explore: standard input and output must be a terminal; run it in a terminal (not through a pipe)"
        case .cannotStart(let term):
            return "explore: ncurses cannot start on TERM=\(term.isEmpty ? "(unset)" : term); set TERM to your terminal's type (xterm-256color, tmux-256color)"
        }
    }
}

/// Options for the screen, from the command line.
public struct ScreenOptions: Sendable {
    /// Pictures: nil detects (sixel when the terminal says so, else half-blocks).
    public var pictures: PictureFormat?
    /// Caps the colour depth (nil: what the terminal supports).
    public var maxDepth: ColorSupport?
    /// Whether to enable the mouse.
    public var mouse: Bool

    /// Options from their parts.
    public init(pictures: PictureFormat? = nil, maxDepth: ColorSupport? = nil, mouse: Bool = true) {
        self.pictures = pictures; self.maxDepth = maxDepth; self.mouse = mouse
    }
}

/// The terminal, under ncurses. Use from one thread only.
public final class Screen {
    /// What the terminal is and can do now.
    public private(set) var info: TerminalInfo
    /// The colour depth in use.
    public let depth: ColorSupport
    private var colors: ColorMapper
    /// What the terminal said when asked (before ncurses started).
    public let capabilities: TerminalCapabilities
    private let forcedPictures: PictureFormat?
    private var shown: [PicturePlacement] = []
    private var cursorVisible = false
    private var open = true

    /// Takes over the terminal: probes it, then starts ncurses.
    public init(options: ScreenOptions, theme: Theme) throws(ScreenError) {
        guard isatty(0) == 1, isatty(1) == 1 else { throw .notATerminal }
        setlocale(LC_ALL, "")
        let unicode = nd_locale_is_utf8() != 0
        capabilities = TerminalProbe.detect(environment: ProcessInfo.processInfo.environment)
        forcedPictures = options.pictures
        guard initscr() != nil else { throw .cannotStart(term: ProcessInfo.processInfo.environment["TERM"] ?? "") }
        raw()
        noecho()
        nonl()
        keypad(nd_stdscr(), true)
        nodelay(nd_stdscr(), true)
        scrollok(nd_stdscr(), false)
        idlok(nd_stdscr(), false)
        idcok(nd_stdscr(), false)
        leaveok(nd_stdscr(), false)
        set_escdelay(25)
        curs_set(0)
        if options.mouse {
            mousemask(nd_button_events(), nil)
            mouseinterval(180)
        }
        var depth = ColorSupport.monochrome
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        if has_colors() && !noColor {
            start_color()
            use_default_colors()
            let n = Int(nd_colors())
            depth = n >= 0x1000000 ? .truecolor : n >= 256 ? .palette256 : n >= 8 ? .ansi8 : .monochrome
        }
        if let cap = options.maxDepth, cap < depth { depth = cap }
        self.depth = depth
        colors = ColorMapper(depth: depth, mainBackground: theme[.mainBG])
        info = TerminalInfo(size: TerminalSize(rows: 24, columns: 80), unicode: unicode)
        info = currentInfo()
    }

    deinit { close() }

    /// Gives the terminal back (idempotent).
    public func close() {
        guard open else { return }
        open = false
        curs_set(1)
        endwin()
    }

    /// The terminal as it is now (size and cell size re-read).
    private func currentInfo() -> TerminalInfo {
        let rows = Int(nd_lines()), columns = Int(nd_cols())
        var cellWidth = capabilities.cellSize?.width ?? 10, cellHeight = capabilities.cellSize?.height ?? 20
        var xpixel: Int32 = 0, ypixel: Int32 = 0, r: Int32 = 0, c: Int32 = 0
        if nd_winsize(1, &r, &c, &xpixel, &ypixel) == 0, xpixel > 0, ypixel > 0, columns > 0, rows > 0 {
            cellWidth = Int(xpixel) / columns
            cellHeight = Int(ypixel) / rows
        }
        let pictures: PictureFormat
        if let forced = forcedPictures {
            pictures = forced
        } else {
            switch GraphicsMode.choose(.auto, capabilities) {
            case .sixel: pictures = .sixel
            case .blocks: pictures = depth == .monochrome || !info.unicode ? .none : .halfBlock
            case .text: pictures = .none
            }
        }
        return TerminalInfo(size: TerminalSize(rows: rows, columns: columns), cellWidth: cellWidth,
                            cellHeight: cellHeight, pictures: pictures, unicode: info.unicode)
    }

    /// Forgets what is on the terminal: the next frame repaints everything and rewrites pictures.
    public func invalidate() {
        nd_clearok_all()
        shown = []
    }

    /// Draws `frame`: text through ncurses, then the pictures `store` has bytes for.
    public func draw(_ frame: Frame, store: PictureStore) {
        for (row, line) in frame.lines.enumerated() {
            var column = 0
            for span in line.spans {
                let (attributes, pair) = colors.resolve(span.style)
                nd_attr_set(attributes, pair)
                var wide = span.text.unicodeScalars.map { wchar_t(bitPattern: info.unicode || $0.isASCII ? $0.value : 0x3F) }
                nd_put(Int32(row), Int32(column), &wide, Int32(wide.count))
                column += span.width
            }
        }
        nd_attr_set(nd_a_normal(), 0)
        // Pictures: clear the rows of those that went away, write the new ones after refresh.
        let current = frame.pictures.filter { store.contains($0.key) }
        let removed = shown.filter { !current.contains($0) }
        var dirtyRows = Set<Int>()
        for p in removed {
            nd_redraw_rows(Int32(p.rect.row), Int32(p.rect.height))
            dirtyRows.formUnion(p.rect.row..<(p.rect.row + p.rect.height))
        }
        let toWrite = current.filter { p in
            !shown.contains(p) || !dirtyRows.isDisjoint(with: p.rect.row..<(p.rect.row + p.rect.height))
        }
        if let row = frame.cursorRow, let column = frame.cursorColumn {
            if !cursorVisible { curs_set(1); cursorVisible = true }
            nd_move(Int32(row), Int32(column))
        } else if cursorVisible {
            curs_set(0); cursorVisible = false
        }
        refresh()
        var out: [UInt8] = []
        for p in toWrite {
            guard let bytes = store.get(p.key) else { continue }
            out += Array("\u{1B}7\u{1B}[\(p.rect.row + 1);\(p.rect.column + 1)H".utf8)
            out += bytes
            out += Array("\u{1B}8".utf8)
        }
        if !out.isEmpty { writeAll(out) }
        shown = current
    }

    /// Waits until a key arrives on stdin, `wake` becomes readable, or `timeout` ms pass.
    public func wait(wake: Int32, timeout: Int32) {
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, 2, timeout)
    }

    /// Every key, click and resize waiting, as messages.
    public func readMessages() -> [Message] {
        var messages: [Message] = []
        var c: wint_t = 0
        while true {
            let r = nd_get_wch(&c)
            if r == ERR { break }
            if r == KEY_CODE_YES {
                let code = Int32(c)
                if code == KEY_RESIZE {
                    info = currentInfo()
                    messages.append(.resized(info))
                } else if code == KEY_MOUSE {
                    var event = MEVENT()
                    if getmouse(&event) == OK, let m = mouseEvent(event) { messages.append(.mouse(m)) }
                } else if let key = KeyDecoder.functionKey(code) {
                    messages.append(.key(key))
                }
            } else if let key = KeyDecoder.character(UInt32(c)) {
                messages.append(.key(key))
            }
        }
        return messages
    }

    private func mouseEvent(_ e: MEVENT) -> MouseEvent? {
        let s = e.bstate
        let row = Int(e.y), column = Int(e.x)
        if s & nd_button4_pressed() != 0 { return MouseEvent(.wheelUp, row: row, column: column) }
        if s & nd_button5_pressed() != 0 { return MouseEvent(.wheelDown, row: row, column: column) }
        if s & nd_button1_double_clicked() != 0 { return MouseEvent(.doubleClick, row: row, column: column) }
        if s & (nd_button1_clicked() | nd_button1_pressed()) != 0 { return MouseEvent(.click, row: row, column: column) }
        return nil
    }

    /// Writes all of `bytes` to stdout, retrying short writes.
    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR || errno == EAGAIN { continue }; return }
                offset += n
            }
        }
    }
}

// Progress of the probe commands (import, resize, subset) on stderr: a bar redrawn in place on a
// terminal, nothing while redirected (a log then holds the problems and the summary only). A
// problem line is printed above the bar, which is drawn again below it.
import Foundation
import Render

/// A `[#####     ] 120/400 images` bar on stderr, with problem lines above it.
final class ProbeProgressBar {
    private let isTerminal = isatty(2) == 1
    private var lastDraw = Date.distantPast
    private var shown: (done: Int, total: Int)?
    private let verb: String

    /// A bar counting images `verb` ("imported", "written").
    init(verb: String) { self.verb = verb }

    /// Redraws the bar (at most five times a second, and always at the end).
    func update(_ done: Int, _ total: Int) {
        shown = (done, total)
        guard isTerminal, Date().timeIntervalSince(lastDraw) > 0.2 || done == total else { return }
        lastDraw = Date()
        draw()
    }

    /// Prints `text` on a line of its own.
    func line(_ text: String) {
        var out = isTerminal && shown != nil ? "\r\u{1B}[K" : ""
        out += TerminalText.sanitize(text) + "\n"
        FileHandle.standardError.write(Data(out.utf8))
        if isTerminal && shown != nil { draw() }
    }

    /// Ends the bar's line.
    func finish() {
        if isTerminal && shown != nil { FileHandle.standardError.write(Data("\n".utf8)) }
        shown = nil
    }

    private func draw() {
        guard let (done, total) = shown, total > 0 else { return }
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        FileHandle.standardError.write(Data("\r\u{1B}[K[\(bar)] \(done)/\(total) images \(verb)".utf8))
    }
}

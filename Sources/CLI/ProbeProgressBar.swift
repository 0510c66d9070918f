// Progress of the probe commands (import, resize, subset) on stderr: a bar redrawn in place on a
// terminal, nothing while redirected (a log then holds the problems and the summary only). A
// problem line is printed above the bar, which is drawn again below it.
//
// The rate is that of this run: images done since the bar's first update (a resumed job starts
// with the images of the earlier run done) over the time since then; the time left is the
// images left at that rate, shown once the run has done some.
import Foundation
import Render

/// A `[#####     ] 120/400 images imported, 35 images/s, 0:08 left` bar on stderr, with problem lines above it.
final class ProbeProgressBar {
    private let isTerminal = isatty(2) == 1
    private var lastDraw = Date.distantPast
    private var shown: (done: Int, total: Int)?
    /// When the first update came, and how many images were done then.
    private var first: (time: Date, done: Int)?
    private let verb: String

    /// A bar counting images `verb` ("imported", "written").
    init(verb: String) { self.verb = verb }

    /// Redraws the bar (at most five times a second, and always at the end).
    func update(_ done: Int, _ total: Int) {
        shown = (done, total)
        if first == nil { first = (Date(), done) }
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
        let rate = first.map { Self.rate(done: done - $0.done, seconds: Date().timeIntervalSince($0.time)) } ?? nil
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + Self.text(done: done, total: total, verb: verb, rate: rate)).utf8))
    }

    /// Images a second, or nil before there is anything to tell (nothing done yet, or less than
    /// a tenth of a second gone).
    static func rate(done: Int, seconds: Double) -> Double? {
        guard done > 0, seconds >= 0.1 else { return nil }
        return Double(done) / seconds
    }

    /// The bar's text: `[#####     ] 120/400 images imported, 35 images/s, 0:08 left`.
    static func text(done: Int, total: Int, verb: String, rate: Double?) -> String {
        let width = 30
        let filled = total > 0 ? min(width, max(0, done) * width / total) : 0
        var text = "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            + "] \(done)/\(total) images \(verb)"
        if let rate, rate > 0 {
            text += (rate >= 10 ? ", \(Int(rate.rounded()))" : ", " + String(format: "%.1f", rate)) + " images/s"
            if done < total { text += ", " + duration(Double(total - done) / rate) + " left" }
        }
        return text
    }

    /// `0:08`, `12:30`, `3:05:00`: seconds as minutes and seconds, with hours when there are any.
    static func duration(_ seconds: Double) -> String {
        let total = Int(min(seconds, 360_000 - 1).rounded(.up))
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
    }
}

// Shows a download's steps on stderr: a redrawn bar on a terminal, a line every few seconds otherwise.
import Dissection
import Foundation

/// Formats `BrodenDownload.Step`s for a person watching stderr.
public final class DownloadReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let isTerminal: Bool
    private var lastDraw = Date.distantPast
    private var barShown = false
    private let interval: TimeInterval

    /// - Parameter isTerminal: redraw one line in place (true) or print a line per interval (false).
    public init(isTerminal: Bool = isatty(2) != 0) {
        self.isTerminal = isTerminal
        self.interval = isTerminal ? 0.2 : 5
    }

    /// Shows one step; throttled so a fast transfer does not flood the terminal.
    public func show(_ step: BrodenDownload.Step) {
        lock.lock(); defer { lock.unlock() }
        switch step {
        case .message(let text):
            endBar()
            write("netdissect: \(text)\n")
        case .downloading(let p):
            let rate = p.elapsed > 0 ? Double(p.receivedThisSession) / p.elapsed : 0
            var text = "download " + fraction(p.received, p.total)
            if rate > 0 {
                text += "  \(formatBytes(Int64(rate)))/s"
                if let total = p.total, total > p.received {
                    text += "  ETA " + formatDuration(Double(total - p.received) / rate)
                }
            }
            draw(text, done: p.total.map { p.received >= $0 } ?? false)
        case let .verifying(done, total):
            draw("verify   " + fraction(done, total), done: done >= total)
        case let .unpacking(done, total):
            draw("unpack   " + fraction(done, total), done: done >= total)
        case let .checking(done, total):
            draw("check    " + count(done, total), done: done >= total)
        }
    }

    /// Ends a bar that is still on screen (call before printing anything else).
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        endBar()
    }

    private func fraction(_ done: Int64, _ total: Int64?) -> String {
        guard let total, total > 0 else { return formatBytes(done) }
        return bar(done, total) + "  \(formatBytes(done)) of \(formatBytes(total))"
    }

    private func count(_ done: Int64, _ total: Int64) -> String {
        guard total > 0 else { return "\(done) images" }
        return bar(done, total) + "  \(done) of \(total) images"
    }

    /// `[#########---------------] 37%`
    private func bar(_ done: Int64, _ total: Int64) -> String {
        let share = min(1, Double(done) / Double(total))
        let width = 24
        let filled = Int(share * Double(width))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            + "] \(Int(share * 100))%"
    }

    private func draw(_ text: String, done: Bool) {
        let now = Date()
        guard done || now.timeIntervalSince(lastDraw) >= interval else { return }
        lastDraw = now
        if isTerminal {
            write("\r\u{1B}[K" + text)
            barShown = true
            if done { endBar() }
        } else {
            write(text + "\n")
        }
    }

    private func endBar() {
        if barShown { write("\n"); barShown = false }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// `1h02m`, `4m05s`, `12s`.
public func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    if s >= 3600 { return "\(s / 3600)h" + String(format: "%02dm", (s % 3600) / 60) }
    if s >= 60 { return "\(s / 60)m" + String(format: "%02ds", s % 60) }
    return "\(s)s"
}

// Progress on stderr: a bar redrawn in place on a terminal, one line per checkpoint otherwise
// (logs and CI output stay readable).
import Dissection
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Renders run events as progress text on stderr.
public final class ProgressPrinter: @unchecked Sendable {
    private let isTerminal: Bool
    private let write: (String) -> Void
    private var lastDraw = Date.distantPast
    private var barShown = false
    // `handle` runs on the dissector's thread and `note` on a signal handler's.
    private let lock = NSLock()

    /// A printer writing to stderr; `isTerminal` defaults to whether stderr is a terminal.
    public init(isTerminal: Bool? = nil, write: ((String) -> Void)? = nil) {
        self.isTerminal = isTerminal ?? (isatty(2) == 1)
        self.write = write ?? { text in FileHandle.standardError.write(Data(text.utf8)) }
    }

    public func handle(_ event: RunEvent) {
        lock.withLock { show(event) }
    }

    /// Prints `text` as a line of its own, below the bar if one is drawn.
    public func note(_ text: String) {
        lock.withLock { line(text) }
    }

    private func show(_ event: RunEvent) {
        switch event {
        case let .started(p):
            line("\(p.imagesDone > 0 || p.pass > 1 ? "resuming" : "starting") at pass \(p.pass)/\(p.passes) (\(p.passName)), image \(p.imagesDone) of \(p.imagesTotal)")
        case let .progress(p):
            guard isTerminal, Date().timeIntervalSince(lastDraw) > 0.2 || p.imagesDone == p.imagesTotal else { return }
            lastDraw = Date()
            bar(p)
        case let .checkpoint(p, _):
            if !isTerminal { line("checkpoint: " + Self.summary(p)) }
        case let .thresholdsReady(p):
            line("thresholds done; \(p.imagesSkipped) image(s) skipped")
        case let .layerFinished(layer, unique):
            line("\(layer): \(unique) unique detectors")
        case let .finished(p):
            line("finished: \(p.imagesTotal) images, \(p.imagesSkipped) skipped")
        case let .warning(text):
            line("warning: " + text)
        case let .failed(message):
            endBar()
            _ = message  // the command prints the error itself
        case .paused:
            line("paused")
        case .resumed:
            line("resumed")
        case let .cancelled(p):
            line("cancelled at " + Self.summary(p))
        }
    }

    /// `pass 1/2 thresholds: 512/63000 images (0.8%), 35.2 img/s, ETA 1h02m`.
    public static func summary(_ p: RunProgress) -> String {
        var s = "pass \(p.pass)/\(p.passes) \(p.passName): \(p.imagesDone)/\(p.imagesTotal) images"
        if let rate = p.rate { s += String(format: ", %.1f img/s", rate) }
        if let eta = p.etaSeconds { s += ", ETA " + duration(eta) }
        if p.imagesSkipped > 0 { s += ", \(p.imagesSkipped) skipped" }
        return s
    }

    /// `45s`, `12m05s`, `3h02m`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }

    private func bar(_ p: RunProgress) {
        let width = 30
        let fraction = p.imagesTotal > 0 ? Double(p.imagesDone) / Double(p.imagesTotal) : 0
        let filled = Int((fraction * Double(width)).rounded(.down))
        let text = "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + Self.summary(p) + "\u{1B}[K"
        write(text)
        barShown = true
    }

    private func endBar() {
        if barShown { write("\n"); barShown = false }
    }

    private func line(_ text: String) {
        endBar()
        write("netdissect: " + text + "\n")
    }
}

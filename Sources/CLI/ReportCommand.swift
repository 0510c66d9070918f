// `netdissect report`: argument parsing only; the pages are Workflows.RunReport.
import ArgumentParser
import Dissection
import Foundation
import Workflows

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a static HTML report: one page per layer with every unit's top images, and an index.")

    @Argument(help: ArgumentHelp("Run directory (written by netdissect dissect).", valueName: "run"))
    var runDirectory: String

    @Option(name: .long, help: "Directory to write the report into (created when missing).")
    var out: String

    @Option(name: .long, help: "Top images per unit in the report.")
    var top: Int = 5

    @Option(name: .long, help: "Size of each image in the strips, in pixels.")
    var cell: Int = 112

    @Option(name: .long, help: "Probe dataset directory, when it has moved since the run.")
    var dataset: String?

    func run() throws {
        let reported = ReportedProblems()
        do {
            // Units drawn so far, redrawn in place on a terminal only (redirected, `\r` lines would
            // pile up in the log); a line per layer either way.
            let counting = isatty(2) == 1
            let index = try RunReport.write(
                ReportRequest(run: runDirectory, out: out, top: top, cell: cell, dataset: dataset),
                progress: { FileHandle.standardError.write(Data(((counting ? "\r\u{1B}[K" : "") + $0 + "\n").utf8)) },
                units: counting ? { layer, done, total in
                    FileHandle.standardError.write(Data("\r\u{1B}[Kreport: \(layer): \(done)/\(total) units".utf8))
                } : nil,
                problems: { if reported.first($0) { warn($0) } })
            FileHandle.standardOutput.write(Data((index + "\n").utf8))
        } catch {
            fail(error.message)
        }
    }
}

/// Problems already printed, so each is printed once (shared across report workers).
final class ReportedProblems: @unchecked Sendable {
    private let lock = NSLock()
    private var seen = Set<String>()
    /// True the first time `message` is seen.
    func first(_ message: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return seen.insert(message).inserted
    }
}

// `netdissect summary`: argument parsing only; the numbers are Workflows.RunSummary.
import ArgumentParser
import Dissection
import Foundation
import Render
import Workflows

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Per layer: units, detectors, unique detectors, and a bar per category.")

    @Argument(help: ArgumentHelp("Run directory (written by netdissect dissect).", valueName: "run"))
    var runDirectory: String

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        var caps = TerminalProbe.fromEnvironment(env)
        caps.isTerminal = isatty(1) == 1
        do {
            let view = try RunView.open(runDirectory)
            for notice in view.notices { warn(notice) }
            let summaries = try RunSummary.layers(of: view)
            let colored: ColorDepth? = caps.isTerminal && !caps.noColor && caps.colors >= 256 ? caps.blockDepth : nil
            let width = caps.isTerminal ? terminalColumns() ?? caps.columns : 100
            for line in RunSummary.lines(summaries, view: view, colored: colored, width: width) {
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
            // A rotation run (netdissect rotate) also gets its chart of unique detectors against α.
            for line in try ExperimentSummary.lines(view: view, colored: colored, width: width) {
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        } catch {
            fail(error.message)
        }
    }
}

/// The terminal's width from TIOCGWINSZ on stdout, or nil.
func terminalColumns() -> Int? {
    var ws = winsize()
    guard ioctl(1, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 else { return nil }
    return Int(ws.ws_col)
}

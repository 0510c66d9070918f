// `netdissect status`: argument parsing only; the report is Workflows.RunStatusReport.
import ArgumentParser
import Foundation
import Workflows

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Where a run stands: status, pass, images, rate, ETA, and one line per shard of a sharded run.")

    @Argument(help: ArgumentHelp("Run directory.", valueName: "run"))
    var runDirectory: String

    @Flag(name: .long, help: "Print JSON for scripts.")
    var json = false

    func run() throws {
        do {
            let report = try RunStatusReport.read(runDirectory)
            let text = json ? report.json + "\n" : report.lines.joined(separator: "\n") + "\n"
            FileHandle.standardOutput.write(Data(text.utf8))
        } catch {
            throw commandFailure(error.message)
        }
    }
}

// `netdissect unit`: argument parsing only; the view is Workflows.UnitView.
import ArgumentParser
import Dissection
import Foundation
import Render
import Workflows

struct UnitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unit",
        abstract: "Show one unit: its label, IoU per category, and its top images with the mask, inline.",
        discussion: """
            Pictures use sixel when the terminal answers that it can, Unicode half-blocks otherwise \
            (and inside tmux), plain text when colour is off (NO_COLOR) or output is not a terminal.
            """)

    @Argument(help: ArgumentHelp("Run directory (written by netdissect dissect).", valueName: "run"))
    var runDirectory: String

    @Argument(help: "Layer name, as given to dissect.")
    var layer: String

    @Argument(help: "Unit number, 1-based as in tally.csv.")
    var unit: Int

    @Option(name: .long, help: "Show at most K top images (default: all stored).")
    var top: Int?

    @Option(name: .long, help: "Pictures: auto, sixel, blocks or none.")
    var graphics: String = "auto"

    @Option(name: .long, help: "Probe dataset directory, when it has moved since the run.")
    var dataset: String?

    @Option(name: .long, help: "Also save the picture, as drawn, to this PNG file.")
    var savePicture: String?

    func run() throws {
        let override = try parseGraphics(graphics)
        let capabilities = TerminalProbe.detect(environment: ProcessInfo.processInfo.environment)
        let request = UnitRequest(run: runDirectory, layer: layer, unit: unit, top: top, graphics: override, dataset: dataset,
                                  savePicture: savePicture)
        var reported = Set<String>()
        do {
            try UnitView.run(request, capabilities: capabilities,
                             output: { FileHandle.standardOutput.write(Data($0.utf8)) },
                             bytes: { FileHandle.standardOutput.write(Data($0)) },
                             problems: { if reported.insert($0).inserted { warn($0) } })
        } catch {
            fail(error.message)
        }
    }
}

/// `--graphics` as an override, or a usage error.
func parseGraphics(_ text: String) throws -> GraphicsOverride {
    guard let value = GraphicsOverride(rawValue: text.lowercased()) else {
        throw ValidationError("--graphics must be auto, sixel, blocks or none (got '\(text)')")
    }
    return value
}

/// Prints `netdissect: <message>` to stderr.
func warn(_ message: String) {
    printDiagnostic(message)
}

/// Prints the one-line failure and exits with status 1.
func fail(_ message: String) -> Never {
    warn(message)
    Foundation.exit(1)
}

// `netdissect explore`: argument parsing only; the explorer is TUI.ExploreLauncher.
import ArgumentParser
import Foundation
import Dissection
import TUI
import Workflows

struct ExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Browse a dissection in the terminal: layers, units, concepts and top images, live while it runs.",
        discussion: """
            netdissect explore RUN shows a finished run, or one another process is writing. \
            netdissect explore --model M.onnx --dataset DIR --layer L --out RUN starts a \
            dissection in this process and shows it live (p pauses it). Press ? inside for the keys.
            """)

    @Argument(help: ArgumentHelp("Run directory to show (written by netdissect dissect or explore).", valueName: "run"))
    var runDirectory: String?

    @OptionGroup(title: "Starting a dissection (instead of RUN)")
    var dissection: DissectArguments

    @Option(name: .long, help: "Colour theme: default (used when none is given), dark, light, mono, a name in $XDG_CONFIG_HOME/netdissect/themes, or a .theme file.")
    var theme: String?

    @Option(name: .long, help: "Pictures: auto, sixel, blocks or none.")
    var graphics: String = "auto"

    @Option(name: .long, help: "Colours: auto, truecolor, 256, 8 or none.")
    var colors: String = "auto"

    @Flag(name: .long, help: "Do not capture the mouse.")
    var noMouse = false

    @Flag(name: .long, help: "Skip the first screen that explains the run.")
    var noAbout = false

    @Option(name: .long, help: "Seconds between reads of a run in progress.")
    var poll: Double = 0.5

    @Option(name: .long, help: "Another run to follow units through (repeatable; v shows the selected unit in each).")
    var compare: [String] = []

    func run() throws {
        do {
            var start: DissectRequest?
            if runDirectory == nil {
                guard let request = dissection.request() else {
                    throw ExploreFailure("explore: give a run directory, or --dataset, --model (or --activations), --layer and --out to start one")
                }
                start = request
            } else if dissection.startsARun {
                throw ExploreFailure("explore: a run directory and --model/--activations/--dataset/--out exclude each other; give one or the other")
            }
            var request = ExploreRequest(run: runDirectory, start: start)
            request.theme = theme ?? "default"
            switch graphics {
            case "auto": request.pictures = nil
            case "sixel": request.pictures = .sixel
            case "blocks", "halfblocks": request.pictures = .halfBlock
            case "none": request.pictures = PictureFormat.none
            default: throw ExploreFailure("explore: --graphics \(graphics): use auto, sixel, blocks or none")
            }
            switch colors {
            case "auto": request.colors = nil
            case "truecolor", "24bit": request.colors = .truecolor
            case "256": request.colors = .palette256
            case "8": request.colors = .ansi8
            case "none", "0": request.colors = .monochrome
            default: throw ExploreFailure("explore: --colors \(colors): use auto, truecolor, 256, 8 or none")
            }
            guard poll > 0, poll <= 3600 else { throw ExploreFailure("explore: --poll \(poll): use a number of seconds above 0") }
            request.mouse = !noMouse
            request.about = !noAbout
            request.poll = poll
            request.compare = compare
            try ExploreLauncher.run(request)
        } catch let failure as ExploreFailure {
            printDiagnostic(failure.message)
            throw ExitCode(1)
        }
    }
}

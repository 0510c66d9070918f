// `netdissect explore`: argument parsing only; the explorer is TUI.ExploreLauncher.
import ArgumentParser
import Foundation
import TUI

struct ExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Browse a dissection in the terminal: layers, units, concepts and top images, live while it runs.",
        discussion: """
            netdissect explore RUN shows a finished run, or one another process is writing. \
            netdissect explore --dataset DIR --activations A.npy --layer L --out RUN starts a \
            dissection in this process and shows it live (p pauses it). Press ? inside for the keys.
            """)

    @Argument(help: ArgumentHelp("Run directory to show (written by netdissect dissect or explore).", valueName: "run"))
    var runDirectory: String?

    @Option(name: .long, help: "ONNX model to dissect (starts a run; needs --dataset and --out).")
    var model: String?

    @Option(name: .long, help: "Precomputed float32 (N, C, H, W) activations to dissect instead of --model.")
    var activations: String?

    @Option(name: .long, help: "Probe dataset directory (Broden layout), to start a run.")
    var dataset: String?

    @Option(name: .long, help: "Layer to dissect (repeatable), to start a run.")
    var layer: [String] = []

    @Option(name: .long, help: "Run directory to write, to start a run.")
    var out: String?

    @Option(name: .long, help: "Top quantile q of a started run.")
    var quantile: Double = 0.005

    @Option(name: .long, help: "IoU at or above which a unit is a detector, for a started run.")
    var iouThreshold: Double = 0.04

    @Option(name: .long, help: "Top images kept per unit, for a started run.")
    var topK: Int = 10

    @Option(name: .long, help: "Dissect only the first N images.")
    var limit: Int?

    @Option(name: .long, help: "Images per batch, for a started run.")
    var batch: Int = 32

    @Option(name: .long, help: "Checkpoint every N images, for a started run.")
    var checkpointEvery: Int = 512

    @Option(name: .long, help: "Colour theme: a name (dark, light, mono, or one in $XDG_CONFIG_HOME/netdissect/themes) or a .theme file.")
    var theme: String = "default"

    @Option(name: .long, help: "Pictures: auto, sixel, blocks or none.")
    var pictures: String = "auto"

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
            var start: LiveDissectionRequest?
            if runDirectory == nil {
                guard let dataset, let out else {
                    throw ExploreFailure("explore: give a run directory, or --dataset, --activations (or --model), --layer and --out to start one")
                }
                var r = LiveDissectionRequest(model: model, activations: activations, dataset: dataset, layers: layer, out: out)
                r.quantile = quantile; r.iouThreshold = iouThreshold; r.topK = topK; r.limit = limit
                r.batch = batch; r.checkpointEvery = checkpointEvery
                start = r
            } else if model != nil || activations != nil || dataset != nil || out != nil {
                throw ExploreFailure("explore: a run directory and --model/--activations/--dataset/--out exclude each other; give one or the other")
            }
            var request = ExploreRequest(run: runDirectory, start: start)
            request.theme = theme
            switch pictures {
            case "auto": request.pictures = nil
            case "sixel": request.pictures = .sixel
            case "blocks", "halfblocks": request.pictures = .halfBlock
            case "none": request.pictures = PictureFormat.none
            default: throw ExploreFailure("explore: --pictures \(pictures): use auto, sixel, blocks or none")
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
            FileHandle.standardError.write(Data(("netdissect: " + failure.message + "\n").utf8))
            throw ExitCode(1)
        }
    }
}

// `netdissect ablate`: argument parsing only; the experiment is Workflows.AblationRunner.
import ArgumentParser
import Dissection
import Foundation
import Workflows

extension ClassifierPreprocessing: ExpressibleByArgument {}

struct AblateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ablate",
        abstract: "Zero units of a layer during the forward pass and measure each class's balanced accuracy (PNAS 2020).",
        discussion: """
            Choose the units with --units, with --top-units-for LABEL N --run RUN (the N best \
            detectors of a concept in a dissection of the same layer), or with --rank-for CLASS \
            --top N (the N units whose single removal hurts the class most; this runs the image set \
            once per unit). --keep removes every other unit instead. The labels file is a CSV of \
            `image,class` rows: image paths relative to --images, classes as output indices or names.
            """)

    @Option(name: .long, help: "The ONNX classifier.")
    var model: String

    @Option(name: .long, help: "The layer whose units are zeroed.")
    var layer: String

    @Option(name: .long, help: "Folder of the labelled images.")
    var images: String

    @Option(name: .long, help: "CSV of `image,class` rows (class: output index or name).")
    var labels: String

    @Option(name: .long, help: "Units to remove: 1-based numbers and ranges, e.g. 3,17,40-42.")
    var units: String?

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("The N units with the highest IoU for concept LABEL in --run.", valueName: "label> <n"))
    var topUnitsFor: [String] = []

    @Option(name: .customLong("run"), help: "Dissection run of the same model and layer (for --top-units-for).")
    var runDirectory: String?

    @Option(name: .long, help: "Rank units by their single-unit effect on this class (index or name).")
    var rankFor: String?

    @Option(name: .long, help: "With --rank-for: how many of the top-ranked units to remove (or keep).")
    var top: Int = 5

    @Flag(name: .long, help: "Keep only the chosen units and remove all the others.")
    var keep = false

    @Option(name: .long, help: "Class names, one per line in output order (default: ImageNet's for 1000 outputs).")
    var classNames: String?

    @Option(name: .long, help: "Input side (default: the model's, or 224).")
    var inputSize: Int?

    @Option(name: .long, help: "center-crop (resize to 8/7 of the input, centre crop) or exact (images already at the input size).")
    var preprocess: ClassifierPreprocessing = .centerCrop

    @OptionGroup var normalization: NormalizationOptions

    @OptionGroup var execution: ExecutionOptions<AblationBatch>

    @Option(name: .long, help: "Show only the N most affected classes.")
    var show: Int?

    func run() throws {
        let selections = [units != nil, !topUnitsFor.isEmpty, rankFor != nil].filter { $0 }.count
        guard selections == 1 else {
            throw commandFailure("ablate: choose the units with exactly one of --units, --top-units-for LABEL N --run RUN, or --rank-for CLASS")
        }
        let selection: AblateRequest.Selection
        if let units {
            selection = .units(units)
        } else if let rankFor {
            selection = .rank(className: rankFor, count: top)
        } else {
            guard topUnitsFor.count == 2, let n = Int(topUnitsFor[1]) else {
                throw commandFailure("ablate: --top-units-for takes a concept label and a count, e.g. --top-units-for dog 5")
            }
            guard let run = runDirectory else { throw commandFailure("ablate: --top-units-for needs --run, the dissection of \(layer) to take the detectors from") }
            selection = .bestDetectors(label: topUnitsFor[0], count: n, run: run)
        }
        if let show, show < 1 { throw commandFailure("ablate: --show must be at least 1") }
        do {
            let report = try AblationRunner.run(AblateRequest(
                model: model, layer: layer, images: images, labels: labels, classNames: classNames, selection: selection,
                keep: keep, inputSize: inputSize, mean: normalization.mean, std: normalization.std, bgr: normalization.bgr,
                preprocessing: preprocess, batch: execution.batch, threads: execution.threads)) { note in
                printDiagnostic(note)
            }
            print(AblationTable.lines(report, show: show).joined(separator: "\n"))
        } catch {
            throw commandFailure(error)
        }
    }
}

// `netdissect compare`: argument parsing only; the comparison is Workflows.RunComparison.
import ArgumentParser
import Dissection
import Foundation
import Workflows

extension UnitFilter: ExpressibleByArgument {}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare runs: unique detectors per category side by side, and units followed across runs.",
        discussion: """
            Runs of one architecture (checkpoints of a training, a model before and after \
            fine-tuning) also get each unit followed by index: its label and IoU in every run and \
            whether it kept its concept, was relabelled, emerged or vanished. Runs of different \
            models on the same probe compare by counts.
            """)

    @Argument(help: ArgumentHelp("Two or more run directories, in order (e.g. by checkpoint).", valueName: "run"))
    var runs: [String]

    @Option(name: .long, help: "Layer to compare: once (the same name in every run) or once per run. Default: every shared layer.")
    var layer: [String] = []

    @Option(name: .long, help: "Units to list: detectors (a detector in some run), changed, or all.")
    var units: UnitFilter = .detectors

    @Option(name: .long, help: "Show one unit (1-based, as in tally.csv) in detail across the runs.")
    var unit: Int?

    @Option(name: .long, help: "Also write the per-unit table as CSV to this file.")
    var csv: String?

    func run() throws {
        let comparison: RunComparison
        do { comparison = try RunComparison.load(runs, layers: layer) } catch {
            throw commandFailure(error)
        }
        for caveat in comparison.caveats { printDiagnostic("warning: " + caveat) }
        var lines: [String]
        if let unit {
            lines = []
            for layer in comparison.layers {
                guard layer.sameUnits, unit >= 1, unit <= layer.units.count else {
                    throw commandFailure("compare: --unit \(unit): the layer \(layer.layers[0]) has \(layer.counts.map { "\($0.units)" }.joined(separator: "/")) units in these runs; units are numbered from 1")
                }
                lines += ComparisonTable.unit(layer.units[unit - 1], layer: layer, runs: comparison.runs) + [""]
            }
        } else {
            lines = ComparisonTable.lines(comparison, units: units)
        }
        FileHandle.standardOutput.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        if let csv {
            do { try Data(ComparisonTable.csv(comparison).utf8).write(to: URL(fileURLWithPath: csv), options: .atomic) } catch {
                throw commandFailure("\(csv): cannot write the CSV; check that the directory exists and is writable")
            }
        }
    }
}

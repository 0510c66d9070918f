// `netdissect explain`: argument parsing only; the work is Workflows.ExplainRunner.
import ArgumentParser
import Dissection
import Foundation
import Workflows

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain units by logical formulas of concepts (compositional explanations).",
        discussion: """
            For each unit, the formula of at most --length labels joined left-deep by OR, AND and \
            AND NOT (as Mu and Andreas build them) whose mask has the highest IoU with the unit's \
            mask over the probe. --search optimal finds a formula of maximal IoU (best-first with an \
            admissible bound); --search beam is Mu and Andreas's beam search. Results go to the \
            run's explanations table; a stopped explain continues with the units left.
            """)

    @Argument(help: ArgumentHelp("Run directory (a finished netdissect dissect).", valueName: "run"))
    var runDirectory: String

    @Option(name: .long, help: "Layer to explain (repeatable; default: every layer of the run).")
    var layer: [String] = []

    @Option(name: .long, help: "Units, 1-based as in tally.csv, e.g. 1-10,12 (default: all).")
    var units: String?

    @Option(name: .long, help: "Longest formula, in labels.")
    var length: Int = 3

    @Option(name: .long, help: "optimal or beam.")
    var search: String = "optimal"

    @Option(name: .long, help: "Beam width (beam search).")
    var beam: Int = 10

    @Option(name: .long, help: "Only labels with at least N pixels over the probe are candidates (1: every label present).")
    var minPixels: Int = 1

    @Option(name: .long, help: "Images per batch while reading the probe.")
    var batch: Int = 16

    @Option(name: .long, help: "Worker threads (0: one per core).")
    var threads: Int = 0

    @Option(name: .long, help: "Probe dataset directory, when it has moved since the run.")
    var dataset: String?

    @Option(name: .long, help: "Megabytes explain holds: half for the units' masks of a pass (more units than fit are read in further passes over the probe), a quarter for shared probe sweeps, a quarter for the mapped label file's resident pages.")
    var memory: Int = 1024

    @Option(name: .long, help: ArgumentHelp("Write the label and unit masks dense to DIR for benchmarks/explain, and stop.",
                                            valueName: "dir", visibility: .hidden))
    var dump: String?

    func validate() throws {
        guard ExplainSearch(rawValue: search) != nil else {
            throw ValidationError("--search must be optimal or beam (got '\(search)')")
        }
        guard (1...(1 << 24)).contains(memory) else {
            throw ValidationError("--memory must lie in [1, \(1 << 24)] (megabytes; got \(memory))")
        }
    }

    func run() throws {
        let settings = ExplainSettings(maxLength: length, search: ExplainSearch(rawValue: search)!, beam: beam, minPixels: minPixels)
        let request = ExplainRequest(run: runDirectory, layers: layer, units: units, settings: settings,
                                     batch: batch, threads: threads, dataset: dataset, dump: dump, memoryBytes: memory << 20)
        do {
            try ExplainRunner.run(request, stopOnSignals: true,
                                  output: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) },
                                  note: { printDiagnostic($0) })
        } catch {
            let failure = error as? DissectFailure
            printDiagnostic(failure?.message ?? "\(error)")
            throw ExitCode(failure?.isCancel == true ? 130 : 1)
        }
    }
}

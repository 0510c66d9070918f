// `netdissect merge RUN`: ends the current pass of a run done as shards.
import ArgumentParser
import Dissection
import Workflows

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the shards of a sharded run's current pass into the run.",
        discussion: """
            Once every shard of the pass is done (netdissect dissect ... --shard K/N), merges their \
            states into RUN/run.sqlite exactly as one process would end the pass; the last merge \
            writes the final results and tally.csv. A missing, unfinished or foreign shard is named \
            and nothing is merged. Opens the run's model and dataset as stored in the run.
            """)

    @Argument(help: ArgumentHelp("The run directory.", valueName: "run"))
    var directory: String

    @Option(name: .long, help: ArgumentHelp("Merge only if the run is at pass P (exit 0 at once when it is past P).", valueName: "P"))
    var pass: Int?

    @Option(name: .customLong("threads"), help: "Worker threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let pass, !(1...3).contains(pass) { throw ValidationError("--pass must be 1, 2 or 3") }
    }

    func run() throws {
        do {
            let configuration = try RunReader.open(directory).configuration()
            var request = DissectRequest(configuration: configuration, out: directory, threads: threads ?? 0)
            request.work = .merge(pass: pass)
            try DissectRunner.run(request)
        } catch let error as RunError {
            printDiagnostic(error.description)
            throw ExitCode(1)
        } catch {
            let failure = error as? DissectFailure
            printDiagnostic(failure?.message ?? "\(error)")
            throw ExitCode(failure?.isCancel == true ? 130 : 1)
        }
    }
}

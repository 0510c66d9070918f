// `netdissect dissect`: argument parsing only; the run itself is Workflows.DissectRunner (Dissection.Dissector).
import ArgumentParser
import Dissection
import Foundation
import Workflows

struct DissectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dissect",
        abstract: "Dissect layers of a model (or precomputed activations) over a Broden-format probe dataset.",
        discussion: """
            Writes RUN/run.sqlite and RUN/<layer>/tally.csv. Interrupted runs continue when the same \
            command is run again; a finished run is kept unless --force is given. A run can be split \
            into shards done by separate processes or hosts: --prepare-shards N, then for each pass \
            every --shard K/N and `netdissect merge RUN` (netdissect slurm does all of it on Slurm).
            """)

    @OptionGroup var arguments: DissectArguments
    @OptionGroup(title: "Shards") var shards: ShardOptions

    func validate() throws {
        guard arguments.dataset != nil else { throw ValidationError("Missing expected argument '--dataset <dataset>'") }
        guard arguments.out != nil else { throw ValidationError("Missing expected argument '--out <out>'") }
        _ = try shards.work()
    }

    func run() throws {
        do {
            var request = arguments.request()!
            request.work = try shards.work()
            try DissectRunner.run(request)
        } catch {
            let failure = error as? DissectFailure
            printDiagnostic(failure?.message ?? "\(error)")
            throw ExitCode(failure?.isCancel == true ? 130 : 1)
        }
    }
}

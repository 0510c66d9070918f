// `netdissect slurm`: argument parsing only; the launcher is Workflows.SlurmLauncher (and
// SlurmResume for --resume). It takes every dissect option (DissectArguments) and Slurm's own.
import ArgumentParser
import Foundation
import Workflows

struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Run a dissection as Slurm job arrays over N shards (the same result as one process).",
        discussion: """
            Prepares the run in --out, writes one job script per stage into RUN/slurm/ (an array per \
            pass, a merge after each, each afterok on the one before) and submits them with sbatch. \
            Watch it with netdissect status RUN or netdissect explore RUN. A failed task cancels the \
            jobs after it; netdissect slurm --resume RUN submits only what is missing. \
            Example: netdissect slurm --model m.onnx --dataset broden --layer layer4 --out run \
            --shards 16 --time 2:00:00 --mem 8G --cpus-per-task 8
            """)

    @OptionGroup var arguments: DissectArguments

    @Option(name: .long, help: "Shards (array tasks per pass), 1 to 10000.")
    var shards: Int?

    @Option(name: .long, help: "Slurm partition for every job.")
    var partition: String?

    @Option(name: .long, help: "Time limit of each job (90, 1:30:00, 2-00:00:00).")
    var time: String?

    @Option(name: .customLong("mem"), help: "Memory per job (8G, 500M).")
    var memory: String?

    @Option(name: .long, help: "CPUs per task; also the worker threads unless --threads is given.")
    var cpusPerTask: Int?

    @Option(name: .customLong("sbatch-arg"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Another sbatch option for every job, one per --sbatch-arg (--sbatch-arg=--constraint=avx2).", valueName: "arg"))
    var sbatchArguments: [String] = []

    @Flag(name: .long, help: "Print the job scripts and sbatch commands; prepare and submit nothing.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("Submit only what is missing of the sharded run in this directory.", valueName: "run"))
    var resume: String?

    var resources: SlurmResources {
        SlurmResources(partition: partition, time: time, memory: memory, cpusPerTask: cpusPerTask, extraArguments: sbatchArguments)
    }

    func validate() throws {
        if resume != nil {
            guard !arguments.startsARun, shards == nil, !dryRun else {
                throw ValidationError("--resume takes only the run directory; the run's options and shards are in RUN/slurm/launch.json")
            }
            return
        }
        guard arguments.dataset != nil else { throw ValidationError("Missing expected argument '--dataset <dataset>'") }
        guard arguments.out != nil else { throw ValidationError("Missing expected argument '--out <out>'") }
        guard let shards else { throw ValidationError("Missing expected argument '--shards <shards>'") }
        guard (1...SlurmRequest.maxShards).contains(shards) else {
            throw ValidationError("--shards must lie in [1, \(SlurmRequest.maxShards)], not \(shards)")
        }
        do { try resources.validate() } catch { throw ValidationError(error.message) }
    }

    func run() throws {
        // A closed stdout (`| head`) must not stop the launcher half-way through a chain of
        // submissions: SIGPIPE is ignored and a failed write is dropped.
        signal(SIGPIPE, SIG_IGN)
        let say: (String) -> Void = { line in try? FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8)) }
        do {
            if let resume {
                try SlurmResume.resume(resume, say: say)
                return
            }
            guard let binary = SlurmLauncher.currentExecutable() else {
                throw SlurmFailure.file(path: CommandLine.arguments.first ?? "netdissect",
                                        reason: "cannot find this executable's absolute path for the job scripts; run it by its absolute path")
            }
            try SlurmLauncher.launch(SlurmRequest(dissect: arguments.request()!, shards: shards!, resources: resources,
                                                  dryRun: dryRun, binary: binary), say: say)
        } catch let failure as SlurmFailure {
            throw commandFailure(failure.message)
        }
    }
}

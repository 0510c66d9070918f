// `dissect`'s options for a run done as shards, one process per shard (`netdissect slurm` writes
// job scripts that use them; so can a Kubernetes Indexed Job, docs/kubernetes.md).
import ArgumentParser
import Dissection

struct ShardOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Create the run for N shards and stop (no image is done).", valueName: "N"))
    var prepareShards: Int?

    @Option(name: .long, help: ArgumentHelp("Do shard K (0-based) of N of the run's current pass, into RUN/shards/.", valueName: "K/N"))
    var shard: String?

    @Option(name: .long, help: ArgumentHelp("With --shard: only if the run is at pass P (exit 0 at once when it is past P).", valueName: "P"))
    var pass: Int?

    /// What the process does of the run.
    func work() throws -> RunWork {
        if let prepareShards {
            guard shard == nil, pass == nil else { throw ValidationError("--prepare-shards goes without --shard and --pass") }
            guard prepareShards >= 1, prepareShards <= ShardSpec.maxCount else {
                throw ValidationError("--prepare-shards must lie in [1, \(ShardSpec.maxCount)]")
            }
            return .prepareShards(prepareShards)
        }
        guard let shard else {
            if pass != nil { throw ValidationError("--pass goes with --shard (or with netdissect merge)") }
            return .whole
        }
        if let pass, !(1...3).contains(pass) { throw ValidationError("--pass must be 1, 2 or 3") }
        do {
            return .shard(try ShardSpec(parsing: shard), pass: pass)
        } catch let error as RunError {
            throw ValidationError(error.description)
        }
    }
}

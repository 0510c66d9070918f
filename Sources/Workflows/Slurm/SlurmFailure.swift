// The launcher's errors: rich cases inside, one line with a hint outside (`message`).

/// Why `netdissect slurm` or `netdissect status` could not do its job.
public enum SlurmFailure: Error, Equatable, Sendable {
    /// An option's value is wrong: the whole line, naming the option.
    case badOption(String)
    /// A Slurm client command (`sbatch`, `squeue`, ...) is not in PATH.
    case notInstalled(command: String)
    /// A command ran and failed: its name, exit status and the last line it wrote on stderr.
    case commandFailed(command: String, status: Int32, stderr: String)
    /// A command ran longer than it may and was killed.
    case timedOut(command: String, seconds: Double)
    /// A command printed something the launcher cannot read (sbatch without a job id).
    case unexpectedOutput(command: String, output: String)
    /// A file of the run could not be read or written.
    case file(path: String, reason: String)
    /// `--resume` on a directory that `netdissect slurm` never launched.
    case notLaunched(run: String)
    /// Preparing the run failed: the netdissect line that said why.
    case prepare(String)
    /// The run itself cannot be read: the store's own line (it names the file).
    case run(String)

    /// One line: what failed, where, and what to do.
    public var message: String {
        switch self {
        case .badOption(let line):
            return line
        case .notInstalled(let command):
            return "\(command): Slurm's client commands are not installed (not found in PATH); run this on the cluster's login node, or install slurm-client"
        case .commandFailed(let command, let status, let stderr):
            let said = stderr.isEmpty ? "" : ": \(stderr)"
            return "\(command) failed with exit status \(status)\(said)"
        case .timedOut(let command, let seconds):
            return "\(command) did not answer within \(Int(seconds)) s and was stopped; is the Slurm controller up (scontrol ping)?"
        case .unexpectedOutput(let command, let output):
            return "\(command) printed '\(output)' where a job id was expected; is sbatch Slurm's?"
        case .file(let path, let reason):
            return "\(path): \(reason)"
        case .notLaunched(let run):
            return "\(run): no sharded run here (slurm/launch.json is missing); start one with netdissect slurm ... --out \(run) --shards N"
        case .prepare(let line), .run(let line):
            return line
        }
    }
}

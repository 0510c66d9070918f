// Slurm's client commands, through CommandRunner: `sbatch --parsable` to submit, `squeue` for
// what is still queued or running, `scancel`. Never `sacct`: many clusters have no accounting.
// Every call has a deadline; a missing command is `SlurmFailure.notInstalled`.
import Foundation

/// A job (or one array task) that squeue still lists.
public struct QueuedJob: Sendable, Equatable {
    /// The array's id, or the job's own for a job that is not an array.
    public var id: String
    /// The array task index, nil for a job that is not an array.
    public var task: Int?
    /// Slurm's state: PENDING, RUNNING, COMPLETING, FAILED, ...
    public var state: String

    public init(id: String, task: Int?, state: String) { self.id = id; self.task = task; self.state = state }

    /// Whether the job will still run or is running (squeue also lists jobs that ended a few
    /// seconds ago, until MinJobAge passes).
    public var isLive: Bool { !Self.endedStates.contains(state) }

    static let endedStates: Set<String> = ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED",
                                           "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "SPECIAL_EXIT", "REVOKED"]

    /// `123_4` for an array task, `123` otherwise.
    public var fullID: String { task.map { "\(id)_\($0)" } ?? id }
}

/// Talks to Slurm.
public struct SlurmClient: Sendable {
    var runner: CommandRunner
    /// Seconds a client command may take.
    var timeout: Double = 60

    /// A client with `environment` added to what the commands inherit (tests give `SLURM_CONF`).
    public init(environment: [String: String] = [:]) { runner = CommandRunner(environment: environment) }

    /// Fails with `.notInstalled` unless sbatch, squeue and scancel are all in PATH.
    public func checkInstalled() throws(SlurmFailure) {
        for command in ["sbatch", "squeue", "scancel"] where runner.locate(command) == nil {
            throw .notInstalled(command: command)
        }
    }

    /// Submits `script` with `arguments` before it; the job id sbatch printed.
    func submit(script: String, arguments: [String]) throws(SlurmFailure) -> String {
        let out = try runner.run("sbatch", arguments + [script], timeout: timeout)
        guard out.status == 0 else {
            throw .commandFailed(command: "sbatch \((script as NSString).lastPathComponent)", status: out.status, stderr: out.lastErrorLine)
        }
        // --parsable prints `id` or `id;cluster`.
        let text = out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let id = String(text.split(separator: ";").first ?? "")
        guard SubmittedJob.isJobID(id), !id.contains("_") else {
            throw .unexpectedOutput(command: "sbatch", output: String(text.prefix(80)))
        }
        return id
    }

    /// What squeue lists of the jobs `ids` (arrays expanded to one entry per task).
    public func queued(_ ids: [String]) throws(SlurmFailure) -> [QueuedJob] {
        guard !ids.isEmpty else { return [] }
        let out = try runner.run("squeue", ["-h", "-r", "-j", ids.joined(separator: ","), "-o", "%F|%K|%T"], timeout: timeout)
        if out.status != 0 {
            // Every id has left Slurm's memory: nothing is queued.
            if out.stderr.contains("Invalid job id") { return [] }
            throw .commandFailed(command: "squeue", status: out.status, stderr: out.lastErrorLine)
        }
        return Self.parseQueue(out.stdout)
    }

    /// Parses `squeue -h -r -o '%F|%K|%T'` output; lines that do not fit are left out.
    static func parseQueue(_ text: String) -> [QueuedJob] {
        text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == 3, SubmittedJob.isJobID(f[0]), !f[0].contains("_"), !f[2].isEmpty else { return nil }
            return QueuedJob(id: f[0], task: Int(f[1]), state: f[2])
        }
    }

    /// Cancels `ids` (jobs or array tasks); ids that have already ended are no error.
    func cancel(_ ids: [String]) throws(SlurmFailure) {
        guard !ids.isEmpty else { return }
        let out = try runner.run("scancel", ids, timeout: timeout)
        if out.status != 0 && !out.stderr.contains("Invalid job id") && !out.stderr.contains("already completing or completed") {
            throw .commandFailed(command: "scancel", status: out.status, stderr: out.lastErrorLine)
        }
    }
}

// Where a sharded run keeps its Slurm files, all under RUN/slurm/:
//
//     launch.json            what `netdissect slurm` was asked (shards, passes, binary, options)
//     jobs                   the ledger: one line per submitted job, in order (stage, id, tasks, time)
//     pass1.sbatch ...       the job scripts (JobScript)
//     tasks/pass1-shard0     each task's record, written by the task (TaskRecord)
//     tasks/merge1
//     logs/pass1-<A>_<a>.log each task's output (sbatch's %A_%a), logs/merge1-<j>.log
import Foundation

/// The paths of a run's Slurm files.
public struct SlurmLayout: Sendable, Equatable {
    /// The run directory, absolute.
    public let run: String

    public init(run: String) { self.run = run }

    public var directory: String { run + "/slurm" }
    public var launchFile: String { directory + "/launch.json" }
    public var ledgerFile: String { directory + "/jobs" }
    public var tasksDirectory: String { directory + "/tasks" }
    public var logsDirectory: String { directory + "/logs" }

    public func script(_ stage: SlurmStage) -> String { directory + "/" + JobScript.fileName(stage) }

    /// sbatch's `--output` pattern for `stage`.
    public func logPattern(_ stage: SlurmStage) -> String {
        logsDirectory + "/" + stage.name + (stage.isArray ? "-%A_%a.log" : "-%j.log")
    }

    /// The record a task of `stage` writes (shard is ignored for a merge).
    public func taskRecord(_ stage: SlurmStage, shard: Int) -> String {
        tasksDirectory + "/" + stage.name + (stage.isArray ? "-shard\(shard)" : "")
    }

    /// Whether `run` can appear in `#SBATCH` lines and scripts as it is: sbatch splits its
    /// directives on white space and reads quotes itself.
    public static func isUsableRunPath(_ path: String) -> Bool {
        !path.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F || "\"'\\$`%".unicodeScalars.contains($0) }
    }
}

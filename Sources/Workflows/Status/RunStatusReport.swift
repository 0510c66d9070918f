// `netdissect status RUN`: where a run stands, for people and scripts, whether one process or
// Slurm array tasks do it. A plain run is its run.sqlite progress. A sharded run adds one entry
// per shard of the current pass, from what the tasks wrote (RUN/slurm/tasks/: state, node, job,
// log, exit code) and from squeue where Slurm's commands answer (pending, running, or gone
// without a word); a failed task says its node, its exit and the last netdissect line of its log.
import Dissection
import Foundation
import Render

/// A run's status, as `status` prints it (text or JSON).
public struct RunStatusReport: Codable, Sendable, Equatable {
    /// The run directory, absolute.
    public var run: String
    /// `running`, `paused`, `finished`, `failed`, `cancelled`, `stopped` (its writer is gone), or,
    /// for a sharded run, `waiting` (no task of the current pass queued or running).
    public var status: String
    public var pass: Int
    public var passes: Int
    public var passName: String
    /// Images done in the current pass (over all shards), of `imagesTotal`.
    public var imagesDone: Int
    public var imagesTotal: Int
    public var imagesSkipped: Int
    /// Images per second (all shards together), nil when unknown.
    public var rate: Double?
    /// Seconds until the run ends, nil when unknown.
    public var etaSeconds: Double?
    /// Last checkpoint of run.sqlite (ISO 8601).
    public var updatedAt: String
    /// Why the run failed, when it did.
    public var message: String?
    /// The sharded part, nil for a run of one process.
    public var sharded: ShardedStatus?
    /// What to do next, one line, when there is something to do.
    public var next: String?
}

/// The shards of a sharded run's current pass and its merge.
public struct ShardedStatus: Codable, Sendable, Equatable {
    public var shards: Int
    public var shardStates: [ShardStatus]
    /// The merge that ends the current pass.
    public var merge: ShardStatus
}

/// One shard task, or a merge job.
public struct ShardStatus: Codable, Sendable, Equatable {
    /// The shard index, nil for the merge.
    public var shard: Int?
    /// `done`, `running`, `pending`, `failed`, `lost` (its record says running but Slurm no longer
    /// has it), `waiting` (nothing queued for it), `cancelled`.
    public var state: String
    public var node: String?
    /// `123_4`.
    public var job: String?
    public var imagesDone: Int?
    public var imagesTotal: Int?
    /// When the shard last checkpointed (or its task last wrote its record).
    public var lastCheckpoint: String?
    public var exitCode: Int?
    /// Why it failed: the last netdissect line of its log, or its exit.
    public var reason: String?
    public var log: String?

    public init(shard: Int?, state: String) { self.shard = shard; self.state = state }
}

extension RunStatusReport {
    /// Reads the run in `path` (a run directory) and, when it was launched on Slurm, its shards.
    /// - Parameter client: asks squeue about the recorded jobs; nil, or Slurm's commands missing,
    ///   leaves states to the task records alone.
    /// - Throws: `SlurmFailure` with the one line to print.
    public static func read(_ path: String, client: SlurmClient? = SlurmClient()) throws(SlurmFailure) -> RunStatusReport {
        let run = DissectRunner.absolute(path)
        let reader: RunReader, progress: RunProgress
        do {
            reader = try RunReader.open(run)
            progress = try reader.progress()
        } catch let error as RunError {
            // A launch whose preparation has not run yet still has a status: nothing done.
            throw .file(path: run, reason: TerminalText.sanitize(error.description))
        } catch {
            throw .file(path: run, reason: TerminalText.sanitize("\(error)"))
        }
        var report = RunStatusReport(
            run: run, status: reader.writerIsGone(progress) ? "stopped" : progress.status.rawValue,
            pass: progress.pass, passes: progress.passes, passName: progress.passName,
            imagesDone: progress.imagesDone, imagesTotal: progress.imagesTotal, imagesSkipped: progress.imagesSkipped,
            rate: progress.rate, etaSeconds: progress.etaSeconds, updatedAt: progress.updatedAt,
            message: progress.message.map(TerminalText.sanitize))
        let layout = SlurmLayout(run: run)
        guard let launch = try SlurmLaunch.read(layout) else {
            if report.status == "stopped" {
                report.next = "its process is gone; the same netdissect dissect command continues it from its last checkpoint"
            }
            return report
        }
        let ledger = try SubmittedJob.ledger(layout)
        var queued: [QueuedJob]?
        if let client { queued = try? client.queued(Array(Set(ledger.map(\.id))).sorted()) }
        report.addShards(launch.settings, layout: layout, progress: progress, ledger: ledger, queued: queued)
        return report
    }

    /// Fills `sharded`, the overall status and `next` from the task records and squeue.
    mutating func addShards(_ settings: JobScriptSettings, layout: SlurmLayout, progress: RunProgress,
                            ledger: [SubmittedJob], queued: [QueuedJob]?) {
        let pass = progress.pass
        let stageOf = Dictionary(ledger.map { ($0.id, $0.stage) }, uniquingKeysWith: { a, _ in a })
        let live = (queued ?? []).filter { $0.isLive && stageOf[$0.id] != nil }
        func liveTask(_ stage: SlurmStage, _ shard: Int?) -> QueuedJob? {
            live.last { stageOf[$0.id] == stage && (shard == nil || $0.task == shard) }
        }
        func entry(_ stage: SlurmStage, shard: Int?) -> ShardStatus {
            var s = ShardStatus(shard: shard, state: "waiting")
            let record: TaskRecord?
            do { record = try TaskRecord.read(layout, stage, shard: shard ?? 0) } catch {
                s.state = "unknown"; s.reason = TerminalText.sanitize(error.message); return s
            }
            let inSlurm = liveTask(stage, shard)
            if let record {
                s.node = TerminalText.sanitize(record.node); s.job = record.job; s.log = TerminalText.sanitize(record.log)
                s.lastCheckpoint = record.time; s.exitCode = record.exitCode
                switch record.state {
                case .done: s.state = "done"
                case .failed:
                    s.state = "failed"
                    s.reason = Self.failureLine(log: record.log) ?? record.exitDescription
                case .running:
                    // A task killed with its node (or by SIGKILL to its script) never writes again.
                    s.state = queued == nil || inSlurm != nil ? "running" : "lost"
                    if s.state == "lost" { s.reason = "its record says running but Slurm no longer lists job \(record.job)" }
                }
                // A requeued or resubmitted task that has not started yet.
                if s.state != "running" && s.state != "done", let inSlurm, inSlurm.state == "PENDING" {
                    s.state = "pending"; s.job = inSlurm.fullID
                }
            } else if let inSlurm {
                s.state = inSlurm.state == "PENDING" ? "pending" : "running"
                s.job = inSlurm.fullID
            } else if queued != nil, ledger.contains(where: { $0.stage == stage && (shard == nil || $0.tasks.contains(shard!)) }) {
                s.state = "cancelled"
                s.reason = "submitted but never ran (a job it waited for failed)"
            }
            return s
        }
        var shards = (0..<settings.shards).map { entry(.shards(pass: pass), shard: $0) }
        let merge = progress.isFinished ? { var m = entry(.merge(pass: settings.passes), shard: nil); m.state = "done"; return m }()
                                        : entry(.merge(pass: pass), shard: nil)
        if progress.isFinished { for i in shards.indices { shards[i].state = "done" } }
        sharded = ShardedStatus(shards: settings.shards, shardStates: shards, merge: merge)

        guard !progress.isFinished else { status = "finished"; return }
        let failed = shards.filter { $0.state == "failed" || $0.state == "lost" }
        if !failed.isEmpty || merge.state == "failed" {
            status = "failed"
            let names = failed.compactMap(\.shard).map(String.init).joined(separator: ", ")
            next = "netdissect slurm --resume \(run) submits " + (failed.isEmpty ? "the merge" : "shard\(failed.count == 1 ? "" : "s") \(names)") + " and the jobs after it"
        } else if shards.contains(where: { $0.state == "running" || $0.state == "pending" }) || ["running", "pending"].contains(merge.state) {
            status = "running"
        } else if shards.allSatisfy({ $0.state == "done" }) && merge.state == "done" {
            status = "running"  // between the merge's end and the next pass's first task
        } else {
            status = "waiting"
            next = queued == nil ? "Slurm's commands do not answer here; on the login node, netdissect status \(run) says more"
                                 : "nothing of pass \(pass) is queued or running; netdissect slurm --resume \(run) submits what is missing"
        }
    }

    /// The last `netdissect: ...` line of a task's log: the one-line failure it printed.
    static func failureLine(log: String) -> String? {
        guard !log.isEmpty, let tail = SlurmFiles.tail(log, bytes: 16 << 10) else { return nil }
        return tail.split(whereSeparator: \.isNewline).last { $0.hasPrefix("netdissect: ") }
            .map { TerminalText.sanitize(String($0.dropFirst("netdissect: ".count))) }
    }
}

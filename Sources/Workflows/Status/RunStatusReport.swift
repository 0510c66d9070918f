// `netdissect status RUN`: where a run stands, for people and scripts, whether one process or
// many do it. A plain run is its run.sqlite progress. A sharded run (`--prepare-shards`) is the
// engine's ShardedProgress: the run's pass, and each shard's status file (state, host, images
// done, rate, last checkpoint), summed. A run launched by `netdissect slurm` adds, per shard,
// what its task wrote (RUN/slurm/tasks/: job, log, exit code) and what squeue says (pending,
// running, or gone without a word), and the merge job; a failed task says its node, its reason
// (its last netdissect line, or its exit) and its log.
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
    /// The shards, nil for a run of one process.
    public var sharded: ShardedStatus?
    /// What to do next, one line, when there is something to do.
    public var next: String?
}

/// The shards of a sharded run's current pass and its merge.
public struct ShardedStatus: Codable, Sendable, Equatable {
    public var shards: Int
    public var shardStates: [ShardEntry]
    /// The merge job that ends the current pass (a run launched by `netdissect slurm`).
    public var merge: ShardEntry?
}

/// One shard task, or a merge job.
public struct ShardEntry: Codable, Sendable, Equatable {
    /// The shard index, nil for the merge.
    public var shard: Int?
    /// `done`, `running`, `paused`, `pending`, `failed`, `lost` (its record says running but Slurm
    /// no longer has it), `waiting` (not started, nothing queued for it), `cancelled`.
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
    /// Reads the run in `path` (a run directory): its progress, its shards when it is sharded,
    /// and its Slurm jobs when `netdissect slurm` launched it.
    /// - Parameter client: asks squeue about the recorded jobs; nil, or Slurm's commands missing,
    ///   leaves states to the files alone.
    /// - Throws: `SlurmFailure` with the one line to print.
    public static func read(_ path: String, client: SlurmClient? = SlurmClient()) throws(SlurmFailure) -> RunStatusReport {
        let run = DissectRunner.absolute(path)
        let reader: RunReader, progress: RunProgress, sharded: ShardedProgress?
        do {
            reader = try RunReader.open(run)
            progress = try reader.progress()
            sharded = try ShardedProgress.read(reader)
        } catch let error as RunError {
            throw .run(TerminalText.sanitize(error.description))
        } catch {
            throw .file(path: run, reason: TerminalText.sanitize("\(error)"))
        }
        let shown = sharded?.combined ?? progress
        var report = RunStatusReport(
            run: run, status: sharded == nil && reader.writerIsGone(progress) ? "stopped" : shown.status.rawValue,
            pass: shown.pass, passes: shown.passes, passName: shown.passName,
            imagesDone: shown.imagesDone, imagesTotal: shown.imagesTotal, imagesSkipped: shown.imagesSkipped,
            rate: shown.rate, etaSeconds: shown.etaSeconds, updatedAt: shown.updatedAt,
            message: shown.message.map(TerminalText.sanitize))
        let layout = SlurmLayout(run: run)
        let launch = try SlurmLaunch.read(layout)
        var slurm: SlurmView?
        if launch != nil {
            let ledger = try SubmittedJob.ledger(layout)
            slurm = SlurmView(layout: layout, ledger: ledger,
                              queued: client.flatMap { try? $0.queued(Array(Set(ledger.map(\.id))).sorted()) })
        }
        guard let count = sharded?.shardCount ?? launch?.settings.shards else {
            if report.status == "stopped" {
                report.next = "its process is gone; the same netdissect dissect command continues it from its last checkpoint"
            }
            return report
        }
        report.addShards(count: count, files: sharded?.shards ?? [], slurm: slurm, progress: progress)
        return report
    }

    /// What `netdissect slurm` recorded of a run's jobs, and what squeue lists of them (nil when
    /// Slurm's commands do not answer here).
    struct SlurmView {
        var layout: SlurmLayout
        var ledger: [SubmittedJob]
        var queued: [QueuedJob]?
    }

    /// Fills `sharded`, the overall status and `next` from the shards' status files (`files`, by
    /// index, nil where a shard has not started) and, for a run on Slurm, the task records and squeue.
    mutating func addShards(count: Int, files: [Dissection.ShardStatus?], slurm: SlurmView?, progress: RunProgress) {
        let pass = progress.pass
        var shards = (0..<count).map { k -> ShardEntry in
            var e = ShardEntry(shard: k, state: "waiting")
            if k < files.count, let f = files[k] {
                e.state = f.state.rawValue
                e.node = TerminalText.sanitize(f.host)
                e.imagesDone = f.imagesDone; e.imagesTotal = f.images
                e.lastCheckpoint = f.updatedAt
                if f.state == .failed { e.reason = f.message.map(TerminalText.sanitize) }
            }
            if let slurm { e = Self.overlay(e, stage: .shards(pass: pass), shard: k, slurm) }
            return e
        }
        var merge: ShardEntry?
        if let slurm {
            merge = Self.overlay(ShardEntry(shard: nil, state: "waiting"),
                                 stage: .merge(pass: progress.isFinished ? progress.passes : pass), shard: nil, slurm)
        }
        if progress.isFinished {
            for i in shards.indices { shards[i].state = "done" }
            merge?.state = "done"
        }
        sharded = ShardedStatus(shards: count, shardStates: shards, merge: merge)
        guard !progress.isFinished else { status = "finished"; return }

        let failed = shards.filter { $0.state == "failed" || $0.state == "lost" }
        let resume = slurm == nil ? "run the failed shard's command again (it resumes from its last checkpoint)"
                                  : "netdissect slurm --resume \(run) submits"
        if !failed.isEmpty || merge?.state == "failed" || merge?.state == "lost" {
            status = "failed"
            let names = failed.compactMap(\.shard).map(String.init).joined(separator: ", ")
            next = slurm == nil ? resume
                : resume + " " + (failed.isEmpty ? "the merge" : "shard\(failed.count == 1 ? "" : "s") \(names)") + " and the jobs after it"
        } else if slurm == nil {
            return  // the engine's combined status stands
        } else if shards.contains(where: { ["running", "pending", "paused"].contains($0.state) })
                    || ["running", "pending"].contains(merge?.state ?? "") {
            status = "running"
        } else if shards.allSatisfy({ $0.state == "done" }) && merge?.state == "done" {
            status = "running"  // between the merge's end and the next pass's first task
        } else if shards.allSatisfy({ $0.state == "done" }) && merge?.state == "waiting" && slurm?.queued == nil {
            status = "running"
        } else {
            status = "waiting"
            next = slurm?.queued == nil ? "Slurm's commands do not answer here; on the login node, netdissect status \(run) says more"
                                        : "nothing of pass \(pass) is queued or running; \(resume) what is missing"
        }
    }

    /// `e` with what Slurm knows of `stage` (and `shard`): the task's record and squeue.
    static func overlay(_ entry: ShardEntry, stage: SlurmStage, shard: Int?, _ slurm: SlurmView) -> ShardEntry {
        var e = entry
        let stageOf = Dictionary(slurm.ledger.map { ($0.id, $0.stage) }, uniquingKeysWith: { a, _ in a })
        let inSlurm = (slurm.queued ?? []).last {
            $0.isLive && stageOf[$0.id] == stage && (shard == nil || $0.task == shard)
        }
        let record: TaskRecord?
        do { record = try TaskRecord.read(slurm.layout, stage, shard: shard ?? 0) } catch {
            e.state = "unknown"; e.reason = TerminalText.sanitize(error.message); return e
        }
        if let record {
            e.job = record.job
            e.log = TerminalText.sanitize(record.log)
            if e.node == nil { e.node = TerminalText.sanitize(record.node) }
            if e.lastCheckpoint == nil { e.lastCheckpoint = record.time }
            e.exitCode = record.exitCode
            switch record.state {
            case .done:
                e.state = "done"
            case .failed:
                e.state = "failed"
                // The engine's message, else the task's last netdissect line, else its exit (a
                // SIGKILL leaves no word).
                e.reason = e.reason ?? (record.exitCode.map { (1..<128).contains($0) } == true ? failureLine(log: record.log) : nil)
                    ?? record.exitDescription
            case .running:
                // A task killed with its node (or its script killed) never writes again.
                if slurm.queued != nil && inSlurm == nil && e.state != "done" {
                    e.state = "lost"
                    e.reason = "its record says running but Slurm no longer lists job \(record.job)"
                } else if e.state == "waiting" {
                    e.state = "running"
                }
            }
        } else if let inSlurm {
            e.state = inSlurm.state == "PENDING" ? "pending" : "running"
            e.job = inSlurm.fullID
        } else if slurm.queued != nil, e.state == "waiting",
                  slurm.ledger.contains(where: { $0.stage == stage && (shard == nil || $0.tasks.contains(shard!)) }) {
            e.state = "cancelled"
            e.reason = "submitted but never ran (a job it waited for failed)"
        }
        // Submitted again (--resume, or requeued) and waiting for its turn.
        if ["failed", "lost", "cancelled"].contains(e.state), let inSlurm, inSlurm.state == "PENDING" {
            e.state = "pending"; e.job = inSlurm.fullID; e.reason = nil
        }
        return e
    }

    /// The one-line failure a task that exited with an error printed: the last `netdissect: ...`
    /// line of its log, unless that is a progress line (a task killed by a signal says nothing,
    /// and its last line is its last checkpoint).
    static func failureLine(log: String) -> String? {
        guard !log.isEmpty, let tail = SlurmFiles.tail(log, bytes: 16 << 10),
              let last = tail.split(whereSeparator: \.isNewline).last(where: { $0.hasPrefix("netdissect: ") }) else { return nil }
        let text = String(last.dropFirst("netdissect: ".count))
        let progress = ["checkpoint: ", "starting at ", "resuming at ", "thresholds done", "finished: ", "paused", "resumed",
                        "cancelled at "]
        guard !progress.contains(where: { text.hasPrefix($0) }) else { return nil }
        return TerminalText.sanitize(text)
    }
}

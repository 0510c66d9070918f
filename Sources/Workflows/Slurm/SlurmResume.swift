// `netdissect slurm --resume RUN`: submits only what is missing. What is done comes from the
// run (its current pass) and the shards (done shards of that pass); what is still coming from
// squeue (tasks and jobs of the ledger still queued or running). A shard neither done nor in
// Slurm is missing; it is submitted again and resumes from its own last checkpoint.
//
// The jobs after the missing ones are submitted afresh; their earlier copies still pending are
// cancelled first (they wait for a dependency that failed, or would merge twice). A task still
// running or pending from an earlier submission is kept, and the new merge waits for it by its
// `arrayid_task` id.
import Dissection
import Foundation

/// What a resume does.
public enum ResumeDecision: Equatable, Sendable {
    /// The run is finished.
    case finished
    /// Everything still to do is queued or running: these ids.
    case nothingMissing(live: [String])
    /// Cancel `cancel` (earlier copies of jobs planned again), then submit `plan`.
    case submit(plan: SlurmPlan, cancel: [String])
}

/// Decides and carries out resumes.
public enum SlurmResume {
    /// What to do for a run at `pass` (nil when finished) of `passes`, with `done` shards of that
    /// pass complete, given the jobs submitted so far and what squeue lists of them.
    public static func decide(pass: Int?, passes: Int, shards: Int, done: Set<Int>, ledger: [SubmittedJob],
                              queued: [QueuedJob]) -> ResumeDecision {
        guard let pass else { return .finished }
        let stageOf = Dictionary(ledger.map { ($0.id, $0.stage) }, uniquingKeysWith: { a, _ in a })
        let live = queued.filter { $0.isLive && stageOf[$0.id] != nil }
        let current = SlurmStage.shards(pass: pass)
        let inFlight = live.filter { stageOf[$0.id] == current && $0.task.map { (0..<shards).contains($0) && !done.contains($0) } == true }
        let inFlightTasks = Set(inFlight.compactMap(\.task))
        let missing = (0..<shards).filter { !done.contains($0) && !inFlightTasks.contains($0) }
        let later = SlurmStage.all(passes: passes).filter { $0 > current }
        let liveLater = live.filter { stageOf[$0.id].map { $0 > current } == true }

        // Intact: no shard is missing and every later stage's newest job is still coming.
        let newest = Dictionary(ledger.map { ($0.stage, $0.id) }, uniquingKeysWith: { _, b in b })
        let intact = missing.isEmpty && later.allSatisfy { stage in
            newest[stage].map { id in liveLater.contains { $0.id == id } } == true
        }
        if intact { return .nothingMissing(live: (inFlight + liveLater).map(\.fullID)) }

        // A merge of this pass already running keeps going; the rest of the chain waits for it.
        let runningMerge = missing.isEmpty
            ? liveLater.first { stageOf[$0.id] == .merge(pass: pass) && $0.state != "PENDING" } : nil
        var jobs: [PlannedJob] = []
        var rest = later
        if let runningMerge {
            rest.removeFirst()
            if let next = rest.first { jobs.append(PlannedJob(stage: next, tasks: next.isArray ? Array(0..<shards) : [],
                                                              waitsFor: [runningMerge.id], afterPrevious: false))
                rest.removeFirst()
            }
        } else {
            if !missing.isEmpty { jobs.append(PlannedJob(stage: current, tasks: missing, afterPrevious: false)) }
            jobs.append(PlannedJob(stage: .merge(pass: pass), waitsFor: inFlight.map(\.fullID).sorted(),
                                   afterPrevious: !missing.isEmpty))
            rest.removeFirst()
        }
        for stage in rest {
            jobs.append(PlannedJob(stage: stage, tasks: stage.isArray ? Array(0..<shards) : [], afterPrevious: true))
        }
        let keep = Set(runningMerge.map { [$0.id] } ?? [])
        let cancel = Set(liveLater.map(\.id)).subtracting(keep).sorted()
        return .submit(plan: SlurmPlan(jobs: jobs), cancel: cancel)
    }

    /// Resumes the run in `path`; `say` gets each line for stdout.
    /// - Throws: `SlurmFailure` only.
    public static func resume(_ path: String, client: SlurmClient = SlurmClient(),
                              say: (String) -> Void) throws(SlurmFailure) {
        let run = DissectRunner.absolute(path)
        let layout = SlurmLayout(run: run)
        guard let launch = try SlurmLaunch.read(layout) else { throw .notLaunched(run: run) }
        try client.checkInstalled()
        let settings = launch.settings
        guard FileManager.default.isExecutableFile(atPath: settings.binary) else {
            throw .file(path: settings.binary, reason: "the netdissect binary the job scripts run is gone; build it there again, or start the run again with netdissect slurm ... --force")
        }
        let progress: RunProgress, reader: RunReader
        do {
            reader = try RunReader.open(run)
            progress = try reader.progress()
        } catch let error as RunError {
            throw .run(error.description)
        } catch {
            throw .file(path: run + "/" + RunReader.databaseName, reason: "\(error)")
        }
        let ledger = try SubmittedJob.ledger(layout)
        let queued = try client.queued(Array(Set(ledger.map(\.id))).sorted())
        let pass = progress.isFinished ? nil : progress.pass
        var done: Set<Int> = []
        if let pass { done = try ShardCompletion.done(layout: layout, reader: reader, pass: pass, shards: settings.shards) }
        switch decide(pass: pass, passes: settings.passes, shards: settings.shards, done: done, ledger: ledger, queued: queued) {
        case .finished:
            say("\(run) is finished; nothing to submit (netdissect summary \(run))")
        case .nothingMissing(let live):
            say("nothing is missing: \(live.count) job\(live.count == 1 ? " is" : "s are") queued or running (\(live.prefix(8).joined(separator: ", "))\(live.count > 8 ? ", ..." : ""))")
            say("watch it:  netdissect status \(run)")
        case .submit(let plan, let cancel):
            if !cancel.isEmpty {
                try client.cancel(cancel)
                say("cancelled the earlier \(cancel.joined(separator: ", ")) (planned again below)")
            }
            say("pass \(progress.pass) of \(settings.passes): \(done.count) of \(settings.shards) shards done")
            let submitted = try SlurmLauncher.submit(plan, settings: settings, layout: layout, client: client, say: say)
            say("")
            say(SlurmLauncher.watchHint(run: run, submitted: submitted))
        }
    }
}

// `netdissect slurm`: prepares a sharded run, writes its job scripts into RUN/slurm/ and submits
// them in order (SlurmPlan), or, with --dry-run, prints the scripts and the sbatch commands and
// submits nothing. The run is prepared by the netdissect binary itself
// (`dissect ... --prepare-shards N`), the same binary every job calls, so the login node checks
// the model, the probe and every option before a single job waits in a queue.
import Dissection
import Foundation

/// What `netdissect slurm` was asked.
public struct SlurmRequest: Sendable {
    public var dissect: DissectRequest
    public var shards: Int
    public var resources: SlurmResources
    public var dryRun: Bool
    /// The netdissect executable the jobs run, absolute.
    public var binary: String

    public init(dissect: DissectRequest, shards: Int, resources: SlurmResources, dryRun: Bool, binary: String) {
        self.dissect = dissect; self.shards = shards; self.resources = resources; self.dryRun = dryRun; self.binary = binary
    }

    /// Most shards a run may have (one array task each).
    public static let maxShards = 10_000

    /// Checks what can be checked without the file system.
    /// - Throws: `.badOption` naming the option.
    public func validate() throws(SlurmFailure) {
        guard (1...Self.maxShards).contains(shards) else {
            throw .badOption("--shards must lie in [1, \(Self.maxShards)], not \(shards) (one array task per shard)")
        }
        try resources.validate()
    }
}

/// Launches sharded runs.
public enum SlurmLauncher {
    /// Seconds preparing a run may take (it reads the probe's index and loads the model once).
    static let prepareTimeout: Double = 1800

    /// The running executable's absolute path (`/proc/self/exe`), or nil.
    public static func currentExecutable() -> String? {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), path.hasPrefix("/") {
            return path
        }
        let argument0 = CommandLine.arguments.first ?? ""
        return argument0.hasPrefix("/") ? argument0 : nil
    }

    /// Launches (or, with `dryRun`, shows) the run; `say` gets each line for stdout.
    /// - Throws: `SlurmFailure` only, with the jobs already submitted said before it.
    public static func launch(_ r: SlurmRequest, client: SlurmClient = SlurmClient(),
                              say: (String) -> Void) throws(SlurmFailure) {
        try r.validate()
        let run = DissectRunner.absolute(r.dissect.out)
        guard SlurmLayout.isUsableRunPath(run) else {
            throw .badOption("\(run): a run directory for Slurm may not hold spaces, quotes, '$', '%' or '\\' (sbatch reads #SBATCH lines itself); choose another --out")
        }
        let layout = SlurmLayout(run: run)
        let threads = r.dissect.threads > 0 ? r.dissect.threads : (r.resources.cpusPerTask ?? 0)
        let arguments = r.dissect.shardArguments(threads: threads)
        let prepare = [r.binary, "dissect"] + arguments + ["--out", run, "--prepare-shards", "\(r.shards)"]
            + (r.dissect.force ? ["--force"] : [])

        if r.dryRun {
            let passes = (try? RunReader.open(run).progress().passes) ?? nil
            let settings = JobScriptSettings(run: run, binary: r.binary, dissectArguments: arguments, shards: r.shards,
                                             passes: passes ?? 2, resources: r.resources)
            dryRun(settings, prepare: prepare, passesKnown: passes != nil, say: say)
            return
        }

        try client.checkInstalled()
        if let earlier = try SlurmLaunch.read(layout) {
            let live = try client.queued(try SubmittedJob.ledger(layout).map(\.id)).filter(\.isLive)
            if !live.isEmpty {
                throw .badOption("\(run): already launched on Slurm, and \(live.count) of its jobs are queued or running (\(live.prefix(4).map(\.fullID).joined(separator: ", "))); watch it with netdissect status \(run)")
            }
            guard r.dissect.force else {
                throw .badOption("\(run): already launched on Slurm on \(earlier.launchedAt); netdissect slurm --resume \(run) submits what is missing (--force starts it again from nothing)")
            }
            do { try FileManager.default.removeItem(atPath: layout.directory) } catch {
                throw .file(path: layout.directory, reason: "cannot remove the earlier launch's files (\(error.localizedDescription))")
            }
        }

        say("preparing \(run) for \(r.shards) shard\(r.shards == 1 ? "" : "s") ...")
        let prepared = try CommandRunner().run(r.binary, Array(prepare.dropFirst()), timeout: prepareTimeout)
        guard prepared.status == 0 else {
            throw .prepare("preparing \(run) failed: \(prepared.netdissectFailure)")
        }
        let passes: Int
        do { passes = try RunReader.open(run).progress().passes } catch {
            throw .file(path: run + "/" + RunReader.databaseName, reason: "the prepared run cannot be read (\(error)); run the same command again")
        }
        let settings = JobScriptSettings(run: run, binary: r.binary, dissectArguments: arguments, shards: r.shards,
                                         passes: passes, resources: r.resources)
        try writeFiles(settings, layout: layout)
        try SlurmLaunch(settings: settings, launchedAt: UTCTimestamp.now()).write(layout)
        let submitted: [SubmittedJob]
        do {
            submitted = try submit(SlurmPlan.full(passes: passes, shards: r.shards), settings: settings,
                                   layout: layout, client: client, say: say)
        } catch {
            // Nothing reached Slurm (a wrong partition, say): the same command, corrected, starts afresh.
            if (try? SubmittedJob.ledger(layout))?.isEmpty ?? true { try? FileManager.default.removeItem(atPath: layout.launchFile) }
            throw error
        }
        say("")
        say(watchHint(run: run, submitted: submitted))
    }

    /// Writes the job scripts and makes the logs and tasks folders.
    static func writeFiles(_ settings: JobScriptSettings, layout: SlurmLayout) throws(SlurmFailure) {
        try SlurmFiles.makeDirectory(layout.logsDirectory)
        try SlurmFiles.makeDirectory(layout.tasksDirectory)
        for stage in SlurmStage.all(passes: settings.passes) {
            try SlurmFiles.writeAtomically(Data(JobScript.text(stage, settings).utf8), to: layout.script(stage))
            chmod(layout.script(stage), 0o755)
        }
    }

    /// Submits `plan`'s jobs in order, each recorded in the ledger as soon as it is submitted.
    /// - Returns: the submitted jobs.
    static func submit(_ plan: SlurmPlan, settings: JobScriptSettings, layout: SlurmLayout, client: SlurmClient,
                       say: (String) -> Void) throws(SlurmFailure) -> [SubmittedJob] {
        var submitted: [SubmittedJob] = []
        for job in plan.jobs {
            let arguments = SlurmPlan.sbatchArguments(job, previousID: submitted.last?.id, shards: settings.shards)
            let id: String
            do { id = try client.submit(script: layout.script(job.stage), arguments: arguments) } catch {
                if !submitted.isEmpty {
                    say("submitted before the failure: " + submitted.map { "\($0.stage.name) \($0.id)" }.joined(separator: ", "))
                    say("after fixing the cause, netdissect slurm --resume \(settings.run) submits the rest")
                }
                throw error
            }
            let record = SubmittedJob(stage: job.stage, id: id, tasks: job.tasks, submittedAt: UTCTimestamp.now())
            try SubmittedJob.append(record, to: layout)
            submitted.append(record)
            say(describe(job, id: id, settings: settings))
        }
        return submitted
    }

    /// `pass1   job 123  array 0-2 (3 shards)` and the like.
    static func describe(_ job: PlannedJob, id: String, settings: JobScriptSettings) -> String {
        let name = job.stage.name.padding(toLength: 7, withPad: " ", startingAt: 0)
        let waits = (job.afterPrevious ? ["the job before"] : []) + job.waitsFor
        let after = waits.isEmpty ? "" : ", after \(waits.joined(separator: ", "))"
        switch job.stage {
        case .shards(let pass):
            return "\(name) job \(id)  array \(SlurmPlan.arraySpec(job.tasks)) (pass \(pass) of \(settings.passes), \(job.tasks.count) of \(settings.shards) shards\(after))"
        case .merge(let pass):
            return "\(name) job \(id)  merge of pass \(pass)\(pass == settings.passes ? ", finishes the run" : "")\(after)"
        }
    }

    static func watchHint(run: String, submitted: [SubmittedJob]) -> String {
        let logs = SlurmLayout(run: run).logsDirectory
        return """
            watch it:  netdissect status \(run)     (or netdissect explore \(run))
            queue:     squeue -j \(submitted.map(\.id).joined(separator: ","))
            logs:      \(logs)/
            if a task fails, the jobs after it are cancelled; netdissect slurm --resume \(run) submits what is missing
            """
    }

    /// Prints the scripts and the sbatch commands, in order.
    static func dryRun(_ settings: JobScriptSettings, prepare: [String], passesKnown: Bool, say: (String) -> Void) {
        let layout = SlurmLayout(run: settings.run)
        say("# netdissect slurm --dry-run: nothing is prepared, written or submitted.")
        say("# The run is prepared on this machine first:")
        say(ShellWord.join(prepare))
        if !passesKnown {
            say("# The run is not prepared yet, so this shows 2 passes; it has 3 (a pass3 array and merge3)")
            say("# when a layer's quantiles need the refine pass, which preparing decides.")
        }
        for stage in SlurmStage.all(passes: settings.passes) {
            say("")
            say("# ---- \(layout.script(stage)) ----")
            for line in JobScript.text(stage, settings).split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                say(String(line))
            }
        }
        say("")
        say("# Submitted in order, each after the one before:")
        var previous: String?
        for job in SlurmPlan.full(passes: settings.passes, shards: settings.shards).jobs {
            let arguments = SlurmPlan.sbatchArguments(job, previousID: previous.map { "$\($0)" }, shards: settings.shards)
            // The arguments are plain words; `$pass1` is meant to expand.
            say("\(job.stage.name)=$(sbatch \(arguments.joined(separator: " ")) \(ShellWord.quote(layout.script(job.stage))))")
            previous = job.stage.name
        }
    }
}

// The jobs of a sharded run, in submission order. A run of P passes over N shards is 2P jobs:
//
//     pass1 (array 0..N-1) -> merge1 -> pass2 (array) -> merge2 [-> pass3 (array) -> merge3]
//
// each `afterok` on the one before, so a failed task stops everything after it. Every array task
// runs `dissect ... --shard K/N` (the run's current pass, which the merge before it advanced);
// every merge runs `merge RUN --pass P`. `--resume` plans only what is missing (SlurmResume),
// which may make a job depend on tasks still in Slurm from an earlier submission.

/// One stage of a sharded run.
public enum SlurmStage: Hashable, Sendable, Comparable {
    /// Pass `pass`'s array: one task per shard.
    case shards(pass: Int)
    /// The merge that ends pass `pass`.
    case merge(pass: Int)

    /// `pass1`, `merge1`: the stage's name in file names, job names and the jobs ledger.
    public var name: String {
        switch self {
        case .shards(let pass): return "pass\(pass)"
        case .merge(let pass): return "merge\(pass)"
        }
    }

    /// Whether the stage is an array of shard tasks.
    public var isArray: Bool {
        if case .shards = self { return true }
        return false
    }

    /// The pass the stage belongs to.
    public var pass: Int {
        switch self { case .shards(let p), .merge(let p): return p }
    }

    /// Reads `pass3` or `merge1` back; nil for anything else.
    public init?(name: String) {
        func number(_ prefix: String) -> Int? {
            guard name.hasPrefix(prefix), let n = Int(name.dropFirst(prefix.count)), (1...3).contains(n) else { return nil }
            return n
        }
        if let p = number("pass") { self = .shards(pass: p) } else if let p = number("merge") { self = .merge(pass: p) } else { return nil }
    }

    /// Order of submission: pass1 < merge1 < pass2 < ...
    public static func < (a: SlurmStage, b: SlurmStage) -> Bool { a.order < b.order }
    private var order: Int {
        switch self { case .shards(let p): return 2 * p; case .merge(let p): return 2 * p + 1 }
    }

    /// Every stage of a run of `passes` passes, in order.
    public static func all(passes: Int) -> [SlurmStage] {
        (1...passes).flatMap { [SlurmStage.shards(pass: $0), .merge(pass: $0)] }
    }
}

/// A job to submit.
public struct PlannedJob: Equatable, Sendable {
    public var stage: SlurmStage
    /// The shard indices of an array job (sorted); empty for a merge.
    public var tasks: [Int]
    /// Job ids (`123`, or one array task `123_4`) from earlier submissions that this job waits for.
    public var waitsFor: [String]
    /// Whether it also waits for the job planned just before it.
    public var afterPrevious: Bool

    public init(stage: SlurmStage, tasks: [Int] = [], waitsFor: [String] = [], afterPrevious: Bool) {
        self.stage = stage; self.tasks = tasks; self.waitsFor = waitsFor; self.afterPrevious = afterPrevious
    }
}

/// The jobs to submit, in order.
public struct SlurmPlan: Equatable, Sendable {
    public var jobs: [PlannedJob]

    public init(jobs: [PlannedJob]) { self.jobs = jobs }

    /// A new run: every stage, each after the one before.
    public static func full(passes: Int, shards: Int) -> SlurmPlan {
        precondition((2...3).contains(passes) && shards >= 1)
        return SlurmPlan(jobs: SlurmStage.all(passes: passes).enumerated().map { i, stage in
            PlannedJob(stage: stage, tasks: stage.isArray ? Array(0..<shards) : [],
                       afterPrevious: i > 0)
        })
    }

    /// `0-2`, `1,3-5`: Slurm's `--array` list of sorted, distinct `indices`.
    public static func arraySpec(_ indices: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < indices.count {
            var j = i
            while j + 1 < indices.count && indices[j + 1] == indices[j] + 1 { j += 1 }
            parts.append(i == j ? "\(indices[i])" : "\(indices[i])-\(indices[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    /// The `sbatch` arguments for `job` (before the script's path), given the id of the job
    /// submitted before it (nil for the first, or in a dry run where it is shown as a name).
    public static func sbatchArguments(_ job: PlannedJob, previousID: String?, shards: Int) -> [String] {
        var arguments = ["--parsable"]
        if job.stage.isArray, job.tasks != Array(0..<shards) {
            arguments.append("--array=\(arraySpec(job.tasks))")
        }
        var waits = job.waitsFor
        if job.afterPrevious { waits.insert(previousID ?? "$previous", at: 0) }
        if !waits.isEmpty { arguments.append("--dependency=afterok:" + waits.joined(separator: ":")) }
        return arguments
    }
}

// What `--resume` submits, from the run's pass, the done shards, the ledger and squeue.
import Testing
@testable import Workflows

@Suite struct SlurmResumeTests {
    /// The ledger of a first launch of 2 passes: pass1 = 10, merge1 = 11, pass2 = 12, merge2 = 13.
    let ledger = [("pass1", "10"), ("merge1", "11"), ("pass2", "12"), ("merge2", "13")].map {
        SubmittedJob(stage: SlurmStage(name: $0.0)!, id: $0.1, tasks: $0.0.hasPrefix("pass") ? [0, 1, 2] : [], submittedAt: "t")
    }

    @Test func aFinishedRunSubmitsNothing() {
        #expect(SlurmResume.decide(pass: nil, passes: 2, shards: 3, done: [], ledger: ledger, queued: []) == .finished)
    }

    @Test func aHealthyRunSubmitsNothing() {
        let queued = [QueuedJob(id: "10", task: 0, state: "RUNNING"), QueuedJob(id: "10", task: 1, state: "PENDING"),
                      QueuedJob(id: "11", task: nil, state: "PENDING"), QueuedJob(id: "12", task: 0, state: "PENDING"),
                      QueuedJob(id: "13", task: nil, state: "PENDING")]
        #expect(SlurmResume.decide(pass: 1, passes: 2, shards: 3, done: [2], ledger: ledger, queued: queued)
                == .nothingMissing(live: ["10_0", "10_1", "11", "12_0", "13"]))
    }

    @Test func aFailedShardIsSubmittedAloneAndTheChainAfterIt() {
        // Shard 1 failed; 0 and 2 are done; Slurm cancelled the rest (they left the queue).
        let decision = SlurmResume.decide(pass: 1, passes: 2, shards: 3, done: [0, 2], ledger: ledger,
                                          queued: [QueuedJob(id: "11", task: nil, state: "CANCELLED")])
        #expect(decision == .submit(plan: SlurmPlan(jobs: [
            PlannedJob(stage: .shards(pass: 1), tasks: [1], afterPrevious: false),
            PlannedJob(stage: .merge(pass: 1), afterPrevious: true),
            PlannedJob(stage: .shards(pass: 2), tasks: [0, 1, 2], afterPrevious: true),
            PlannedJob(stage: .merge(pass: 2), afterPrevious: true),
        ]), cancel: []))
    }

    @Test func tasksStillRunningAreWaitedForAndPendingCopiesCancelled() {
        // Shard 0 failed, shard 2 still runs; the old merge and pass 2 still wait in the queue.
        let queued = [QueuedJob(id: "10", task: 2, state: "RUNNING"), QueuedJob(id: "11", task: nil, state: "PENDING"),
                      QueuedJob(id: "12", task: 0, state: "PENDING"), QueuedJob(id: "13", task: nil, state: "PENDING")]
        let decision = SlurmResume.decide(pass: 1, passes: 2, shards: 3, done: [1], ledger: ledger, queued: queued)
        #expect(decision == .submit(plan: SlurmPlan(jobs: [
            PlannedJob(stage: .shards(pass: 1), tasks: [0], afterPrevious: false),
            PlannedJob(stage: .merge(pass: 1), waitsFor: ["10_2"], afterPrevious: true),
            PlannedJob(stage: .shards(pass: 2), tasks: [0, 1, 2], afterPrevious: true),
            PlannedJob(stage: .merge(pass: 2), afterPrevious: true),
        ]), cancel: ["11", "12", "13"]))
    }

    @Test func aFailedMergeIsSubmittedWithoutShards() {
        let decision = SlurmResume.decide(pass: 2, passes: 2, shards: 3, done: [0, 1, 2], ledger: ledger, queued: [])
        #expect(decision == .submit(plan: SlurmPlan(jobs: [PlannedJob(stage: .merge(pass: 2), afterPrevious: false)]), cancel: []))
    }

    @Test func aRunningMergeIsKeptAndWhatFollowsWaitsForIt() {
        // Merge 1 runs; pass 2's array and merge 2 were cancelled by hand.
        let queued = [QueuedJob(id: "11", task: nil, state: "RUNNING")]
        let decision = SlurmResume.decide(pass: 1, passes: 2, shards: 3, done: [0, 1, 2], ledger: ledger, queued: queued)
        #expect(decision == .submit(plan: SlurmPlan(jobs: [
            PlannedJob(stage: .shards(pass: 2), tasks: [0, 1, 2], waitsFor: ["11"], afterPrevious: false),
            PlannedJob(stage: .merge(pass: 2), afterPrevious: true),
        ]), cancel: []))
    }

    @Test func jobsOfOtherRunsAndEndedJobsAreIgnored() {
        let queued = [QueuedJob(id: "99", task: 1, state: "RUNNING"), QueuedJob(id: "10", task: 1, state: "FAILED")]
        let decision = SlurmResume.decide(pass: 1, passes: 2, shards: 3, done: [0, 2], ledger: ledger, queued: queued)
        guard case .submit(let plan, let cancel) = decision else { Issue.record("\(decision)"); return }
        #expect(plan.jobs.first == PlannedJob(stage: .shards(pass: 1), tasks: [1], afterPrevious: false))
        #expect(cancel.isEmpty)
    }

    @Test func aResumedLedgerUsesItsNewestJobs() {
        // After one resume, pass1 (20, shard 1) and a new chain 21..23 are queued: intact.
        let resumed = ledger + [("pass1", "20"), ("merge1", "21"), ("pass2", "22"), ("merge2", "23")].map {
            SubmittedJob(stage: SlurmStage(name: $0.0)!, id: $0.1, tasks: $0.0 == "pass1" ? [1] : $0.0 == "pass2" ? [0, 1, 2] : [], submittedAt: "t")
        }
        let queued = [QueuedJob(id: "20", task: 1, state: "RUNNING"), QueuedJob(id: "21", task: nil, state: "PENDING"),
                      QueuedJob(id: "22", task: 0, state: "PENDING"), QueuedJob(id: "23", task: nil, state: "PENDING")]
        #expect(SlurmResume.decide(pass: 1, passes: 2, shards: 3, done: [0, 2], ledger: resumed, queued: queued)
                == .nothingMissing(live: ["20_1", "21", "22_0", "23"]))
    }
}

// The plan of jobs and the sbatch arguments each is submitted with.
import Testing
@testable import Workflows

@Suite struct SlurmPlanTests {
    @Test func aNewRunIsEveryStageEachAfterTheOneBefore() {
        let plan = SlurmPlan.full(passes: 2, shards: 3)
        #expect(plan.jobs.map(\.stage.name) == ["pass1", "merge1", "pass2", "merge2"])
        #expect(plan.jobs.map(\.afterPrevious) == [false, true, true, true])
        #expect(plan.jobs[0].tasks == [0, 1, 2] && plan.jobs[1].tasks.isEmpty)
        #expect(SlurmPlan.full(passes: 3, shards: 1).jobs.map(\.stage.name) == ["pass1", "merge1", "pass2", "merge2", "pass3", "merge3"])
    }

    @Test func sbatchArgumentsCarryDependenciesAndSubsets() {
        let plan = SlurmPlan.full(passes: 2, shards: 3)
        #expect(SlurmPlan.sbatchArguments(plan.jobs[0], previousID: nil, shards: 3) == ["--parsable"])
        #expect(SlurmPlan.sbatchArguments(plan.jobs[1], previousID: "17", shards: 3) == ["--parsable", "--dependency=afterok:17"])
        let subset = PlannedJob(stage: .shards(pass: 2), tasks: [1, 2, 5], afterPrevious: false)
        #expect(SlurmPlan.sbatchArguments(subset, previousID: "9", shards: 7) == ["--parsable", "--array=1-2,5"])
        let merge = PlannedJob(stage: .merge(pass: 2), waitsFor: ["30_0", "30_4"], afterPrevious: true)
        #expect(SlurmPlan.sbatchArguments(merge, previousID: "31", shards: 7) == ["--parsable", "--dependency=afterok:31:30_0:30_4"])
    }

    @Test func arraySpecsCompressRuns() {
        #expect(SlurmPlan.arraySpec([0]) == "0")
        #expect(SlurmPlan.arraySpec([0, 1]) == "0-1")
        #expect(SlurmPlan.arraySpec([0, 1, 2, 4, 6, 7]) == "0-2,4,6-7")
        for spec in ["0", "0-1", "0-2,4,6-7", "3,9"] {
            #expect(SlurmPlan.arraySpec(SubmittedJob.parseArraySpec(spec)!) == spec)
        }
        for bad in ["", "a", "2-1", "-1", "1,,2", "0-99999999"] { #expect(SubmittedJob.parseArraySpec(bad) == nil, "\(bad)") }
    }

    @Test func stagesHaveNamesAndAnOrder() {
        #expect(SlurmStage(name: "pass3") == .shards(pass: 3) && SlurmStage(name: "merge1") == .merge(pass: 1))
        for bad in ["pass0", "pass4", "merge", "tally1", "pass1x"] { #expect(SlurmStage(name: bad) == nil, "\(bad)") }
        #expect(SlurmStage.shards(pass: 1) < .merge(pass: 1) && SlurmStage.merge(pass: 1) < .shards(pass: 2))
    }
}

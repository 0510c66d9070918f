// Reading back what the launcher and the tasks wrote: the ledger, task records and launch.json,
// and refusing damaged ones with the file named.
import Foundation
import Testing
import TestSupport
@testable import Workflows

@Suite struct SlurmRecordsTests {
    @Test func taskRecordsParse() throws {
        let r = try TaskRecord.parse("stage=pass2\nshard=4\njob=31_4\nnode=n07\nlog=/r/slurm/logs/pass2-31_4.log\nstate=failed\nexit=137\ntime=2026-12-04T17:00:00Z\n", path: "x")
        #expect(r == TaskRecord(stage: .shards(pass: 2), shard: 4, job: "31_4", node: "n07", log: "/r/slurm/logs/pass2-31_4.log",
                                state: .failed, exitCode: 137, time: "2026-12-04T17:00:00Z"))
        #expect(r.exitDescription == "exit 137 (killed by signal 9)")
        let merge = try TaskRecord.parse("stage=merge1\nshard=\njob=33\nnode=n1\nlog=l\nstate=running\nexit=\ntime=t\n", path: "x")
        #expect(merge.shard == nil && merge.state == .running && merge.exitCode == nil)
    }

    @Test func damagedTaskRecordsNameTheFileAndKey() {
        let cases = [("stage=tally\nshard=0\njob=1_0\nstate=done\n", "'stage'"), ("stage=pass1\nshard=x\njob=1_0\nstate=done\n", "'shard'"),
                     ("stage=pass1\nshard=0\njob=1;rm\nstate=done\n", "'job'"), ("stage=pass1\nshard=0\njob=1_0\nstate=ok\n", "'state'"),
                     ("stage=pass1\nshard=0\njob=1_0\nstate=failed\n", "'exit'"), ("", "'stage'")]
        for (text, key) in cases {
            do { _ = try TaskRecord.parse(text, path: "/r/slurm/tasks/pass1-shard0"); Issue.record("accepted \(text)") } catch {
                #expect(error.message.hasPrefix("/r/slurm/tasks/pass1-shard0: ") && error.message.contains(key), "\(error.message)")
            }
        }
    }

    @Test func theLedgerRoundTripsAndRefusesDamage() throws {
        let dir = try makeTemporaryDirectory("nd-ledger")
        let layout = SlurmLayout(run: dir)
        try FileManager.default.createDirectory(atPath: layout.directory, withIntermediateDirectories: true)
        #expect(try SubmittedJob.ledger(layout).isEmpty)
        let jobs = [SubmittedJob(stage: .shards(pass: 1), id: "10", tasks: [0, 1, 2], submittedAt: "t1"),
                    SubmittedJob(stage: .merge(pass: 1), id: "11", tasks: [], submittedAt: "t2")]
        for job in jobs { try SubmittedJob.append(job, to: layout) }
        #expect(try SubmittedJob.ledger(layout) == jobs)
        try "pass1\t10\t0-2\tt\nmerge1\t11;x\t-\tt\n".write(toFile: layout.ledgerFile, atomically: true, encoding: .utf8)
        #expect(throws: SlurmFailure.file(path: layout.ledgerFile, reason: "line 2 is not 'stage<TAB>job id<TAB>tasks<TAB>time'; it was changed by hand or damaged")) {
            try SubmittedJob.ledger(layout)
        }
    }

    @Test func launchRecordsRoundTripAndRefuseDamage() throws {
        let dir = try makeTemporaryDirectory("nd-launch")
        let layout = SlurmLayout(run: dir)
        #expect(try SlurmLaunch.read(layout) == nil)
        try FileManager.default.createDirectory(atPath: layout.directory, withIntermediateDirectories: true)
        let launch = SlurmLaunch(settings: JobScriptTests.settings(run: dir), launchedAt: "t")
        try launch.write(layout)
        #expect(try SlurmLaunch.read(layout) == launch)
        try "{\"settings\": 3}".write(toFile: layout.launchFile, atomically: true, encoding: .utf8)
        #expect(throws: SlurmFailure.self) { try SlurmLaunch.read(layout) }
        var absurd = launch
        absurd.settings.shards = 0
        try absurd.write(layout)
        #expect(throws: SlurmFailure.self) { try SlurmLaunch.read(layout) }
    }

    @Test func squeueOutputParses() {
        let jobs = SlurmClient.parseQueue("10|0|RUNNING\n10|1|PENDING\n11|N/A|PENDING\ngarbage\n12|x|COMPLETED\n")
        #expect(jobs == [QueuedJob(id: "10", task: 0, state: "RUNNING"), QueuedJob(id: "10", task: 1, state: "PENDING"),
                         QueuedJob(id: "11", task: nil, state: "PENDING"), QueuedJob(id: "12", task: nil, state: "COMPLETED")])
        #expect(jobs.map(\.isLive) == [true, true, true, false])
        #expect(jobs.map(\.fullID) == ["10_0", "10_1", "11", "12"])
    }

    @Test func shellWordsSurviveBash() throws {
        let words = ["plain", "with space", "it's", "$HOME", "`date`", "a\"b", "", "--x=1", "tab\there", "ünï"]
        let result = try CommandRunner().run("/bin/bash", ["-c", "printf '%s\\n' " + ShellWord.join(words)], timeout: 30)
        #expect(result.stdout == words.map { $0 + "\n" }.joined())
    }
}

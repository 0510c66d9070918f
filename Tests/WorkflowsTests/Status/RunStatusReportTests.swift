// `netdissect status`: a plain run, and a sharded run's shards from task records and squeue.
import DissectionTestSupport
import Foundation
import Testing
import TestSupport
@testable import Dissection
@testable import Workflows

@Suite struct RunStatusReportTests {
    /// A finished run of 8 images in a fresh directory.
    func finishedRun() throws -> String {
        let dir = try makeTemporaryDirectory("nd-status")
        let probe = RandomProbe(seed: 5, N: 8, C: 3)
        let configuration = makeConfiguration(activations: try writeActivations(probe, in: dir))
        let producer = try NPYActivations(path: configuration.activations!, layerName: "acts", images: probe.N)
        try Dissector(configuration: configuration, directory: dir + "/run", source: MemorySource(probe: probe),
                      producer: producer, options: RunOptions(batchSize: 2, threads: 1, checkpointEvery: 4)).run()
        return dir + "/run"
    }

    @Test func aPlainRunSaysItsStatus() throws {
        let run = try finishedRun()
        let report = try RunStatusReport.read(run, client: nil)
        #expect(report.status == "finished" && report.sharded == nil && report.next == nil)
        #expect(report.lines[0] == "run      \(run)")
        #expect(report.lines[1] == "status   finished")
        let leftOut = RandomProbe(seed: 5, N: 8, C: 3).annotations.filter { $0 == nil }.count
        #expect(report.lines[2] == "images   8 per pass, \(leftOut) skipped")
        let json = try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any]
        #expect(json?["status"] as? String == "finished" && json?["imagesTotal"] as? Int == 8)
    }

    @Test func notARunIsOneLine() throws {
        let dir = try makeTemporaryDirectory("nd-status-none")
        do { _ = try RunStatusReport.read(dir, client: nil); Issue.record("accepted an empty directory") } catch {
            #expect(error.message.contains("run.sqlite") && !error.message.contains("\n"))
        }
    }

    /// A running pass 1 of 3 shards: shard 0 done, shard 1 failed (its log says why), shard 2
    /// running, as the tasks recorded them.
    func shardedReport(queued: [QueuedJob]?) throws -> RunStatusReport {
        let run = try finishedRun()
        let layout = SlurmLayout(run: run)
        try FileManager.default.createDirectory(atPath: layout.tasksDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: layout.logsDirectory, withIntermediateDirectories: true)
        for (shard, state, exit) in [(0, "done", "0"), (1, "failed", "1"), (2, "running", "")] {
            try "stage=pass1\nshard=\(shard)\njob=10_\(shard)\nnode=n0\(shard)\nlog=\(layout.logsDirectory)/pass1-10_\(shard).log\nstate=\(state)\nexit=\(exit)\ntime=T\(shard)\n"
                .write(toFile: layout.taskRecord(.shards(pass: 1), shard: shard), atomically: true, encoding: .utf8)
        }
        try "netdissect: checkpoint: pass 1/2 thresholds: 2/15 images\nnetdissect: /p/images/3.jpg: not a JPEG; run netdissect probe check /p\n"
            .write(toFile: layout.logsDirectory + "/pass1-10_1.log", atomically: true, encoding: .utf8)
        let ledger = [SubmittedJob(stage: .shards(pass: 1), id: "10", tasks: [0, 1, 2], submittedAt: "t"),
                      SubmittedJob(stage: .merge(pass: 1), id: "11", tasks: [], submittedAt: "t")]
        var report = try RunStatusReport.read(run, client: nil)
        var progress = try RunReader.open(run).progress()
        progress.status = .running; progress.pass = 1; progress.finishedAt = nil
        report.pass = 1
        report.addShards(count: 3, files: [], slurm: .init(layout: layout, ledger: ledger, queued: queued), progress: progress)
        return report
    }

    @Test func aFailedShardNamesItsNodeReasonAndLog() throws {
        let report = try shardedReport(queued: [QueuedJob(id: "10", task: 2, state: "RUNNING")])
        let shards = try #require(report.sharded).shardStates
        #expect(shards.map(\.state) == ["done", "failed", "running"])
        #expect(shards[1].node == "n01" && shards[1].reason == "/p/images/3.jpg: not a JPEG; run netdissect probe check /p")
        #expect(report.status == "failed")
        let text = report.lines
        #expect(text.contains { $0.hasPrefix("shard 1  failed") && $0.contains("node n01") && $0.contains("not a JPEG") && $0.hasSuffix("/slurm/logs/pass1-10_1.log") })
        #expect(text.contains { $0.hasPrefix("shard 2  running") && $0.contains("job 10_2") })
        #expect(text.contains { $0.hasPrefix("merge 1  cancelled") }, "\(text)")
        #expect(text.last == "next     netdissect slurm --resume \(report.run) submits shard 1 and the jobs after it")
    }

    @Test func aKilledTaskSaysItsSignalNotItsLastCheckpoint() throws {
        #expect(RunStatusReport.failureLine(log: "/nonexistent") == nil)
        let dir = try makeTemporaryDirectory("nd-status-log")
        try "netdissect: starting at pass 1/2\nnetdissect: checkpoint: pass 1/2 thresholds: 2/15 images\n"
            .write(toFile: dir + "/task.log", atomically: true, encoding: .utf8)
        #expect(RunStatusReport.failureLine(log: dir + "/task.log") == nil)
        var slurm = RunStatusReport.SlurmView(layout: SlurmLayout(run: dir), ledger: [], queued: [])
        try FileManager.default.createDirectory(atPath: dir + "/slurm/tasks", withIntermediateDirectories: true)
        try "stage=pass1\nshard=0\njob=5_0\nnode=n1\nlog=\(dir)/task.log\nstate=failed\nexit=137\ntime=T\n"
            .write(toFile: dir + "/slurm/tasks/pass1-shard0", atomically: true, encoding: .utf8)
        let e = RunStatusReport.overlay(ShardEntry(shard: 0, state: "running"), stage: .shards(pass: 1), shard: 0, slurm)
        #expect(e.state == "failed" && e.reason == "exit 137 (killed by signal 9)" && e.node == "n1")
        #expect(RunStatusReport.line(e, name: "shard 0", width: 7) == "shard 0  failed   node n1  exit 137 (killed by signal 9)  log \(dir)/task.log")
        slurm.queued = [QueuedJob(id: "6", task: 0, state: "PENDING")]
        slurm.ledger = [SubmittedJob(stage: .shards(pass: 1), id: "6", tasks: [0], submittedAt: "t")]
        #expect(RunStatusReport.overlay(e, stage: .shards(pass: 1), shard: 0, slurm).state == "pending")
    }

    @Test func aTaskGoneFromSlurmWithoutAWordIsLost() throws {
        let report = try shardedReport(queued: [])
        #expect(report.sharded?.shardStates[2].state == "lost")
        #expect(report.lines.contains { $0.hasPrefix("shard 2  lost") && $0.contains("no longer lists job 10_2") })
    }

    @Test func withoutSlurmTheRecordsAreTrusted() throws {
        let report = try shardedReport(queued: nil)
        #expect(report.sharded?.shardStates.map(\.state) == ["done", "failed", "running"])
        #expect(report.sharded?.merge?.state == "waiting")
    }
}

/// A sharded run's shards as the engine's status files say, without Slurm.
@Suite struct ShardedStatusTests {
    func status(_ shard: Int, _ state: String, done: Int, message: String? = nil) throws -> Dissection.ShardStatus {
        let json = """
            {"run":"r","pass":1,"passName":"thresholds","shard":\(shard),"shards":3,"firstImage":\(shard * 5),"images":5,
             "state":"\(state)","imagesDone":\(done),"imagesSkipped":0,"rate":2.5,"host":"node\(shard)","pid":\(100 + shard),
             "startedAt":"S","updatedAt":"U\(shard)"\(message.map { ",\"message\":\"\($0)\"" } ?? "")}
            """
        return try JSONDecoder().decode(Dissection.ShardStatus.self, from: Data(json.utf8))
    }

    func report(_ files: [Dissection.ShardStatus?], slurm: RunStatusReport.SlurmView? = nil) throws -> RunStatusReport {
        var progress = try RunReader.open(try RunStatusReportTests().finishedRun()).progress()
        progress.status = .running; progress.pass = 1; progress.finishedAt = nil
        var report = RunStatusReport(run: "/r", status: "running", pass: 1, passes: 2, passName: "thresholds", imagesDone: 7,
                                     imagesTotal: 15, imagesSkipped: 0, rate: 5, etaSeconds: 4.6, updatedAt: "U")
        report.addShards(count: 3, files: files, slurm: slurm, progress: progress)
        return report
    }

    @Test func eachShardSaysItsStateNodeImagesAndCheckpoint() throws {
        let r = try report([try status(0, "done", done: 5), try status(1, "running", done: 2), nil])
        #expect(r.status == "running" && r.next == nil)
        let lines = r.lines
        #expect(lines.contains("status   running: pass 1 of 2 (thresholds), 3 shards"))
        #expect(lines.contains("images   7 of 15 (46%) in this pass, over all shards, 5.0 img/s, ETA 5s"))
        #expect(lines.contains("shard 0  done     node node0  5/5 images  checkpoint U0"))
        #expect(lines.contains("shard 1  running  node node1  2/5 images  checkpoint U1"))
        #expect(lines.contains("shard 2  waiting"))
        #expect(!lines.contains { $0.hasPrefix("merge") })
    }

    @Test func aFailedShardSaysWhy() throws {
        let r = try report([try status(0, "done", done: 5), try status(1, "failed", done: 2, message: "/p/3.jpg: not a JPEG"), nil])
        #expect(r.status == "failed")
        #expect(r.lines.contains("shard 1  failed   node node1  2/5 images  /p/3.jpg: not a JPEG"))
        #expect(r.next?.contains("run the failed shard's command again") == true)
    }
}

// The job scripts: their text (directives, the command a task runs) and what they do when bash
// runs them with Slurm's environment, a stub netdissect and a stub scancel: the task record on
// success and failure, arguments that reach netdissect unchanged, and the jobs after a failed
// one cancelled.
import Foundation
import Testing
import TestSupport
@testable import Workflows

@Suite struct JobScriptTests {
    static func settings(run: String = "/data/runs/r1", binary: String = "/opt/nd/bin/netdissect",
                         shards: Int = 3, passes: Int = 2, resources: SlurmResources = SlurmResources()) -> JobScriptSettings {
        JobScriptSettings(run: run, binary: binary,
                          dissectArguments: ["--model", "/m/mobilenet v2.onnx", "--dataset", "/p", "--layer", "features.13",
                                             "--categories", "object,color", "--mean", "0.5", "0.4", "0.3"],
                          shards: shards, passes: passes, resources: resources)
    }

    @Test func arrayScriptHasTheDirectivesAndTheShardCommand() {
        let text = JobScript.text(.shards(pass: 1), Self.settings(resources: SlurmResources(
            partition: "cpu", time: "1:00:00", memory: "8G", cpusPerTask: 4, extraArguments: ["--constraint=avx2"])))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "#!/bin/bash")
        for directive in ["#SBATCH --job-name=nd-r1-pass1", "#SBATCH --array=0-2",
                          "#SBATCH --output=/data/runs/r1/slurm/logs/pass1-%A_%a.log", "#SBATCH --kill-on-invalid-dep=yes",
                          "#SBATCH --partition=cpu", "#SBATCH --time=1:00:00", "#SBATCH --mem=8G",
                          "#SBATCH --cpus-per-task=4", "#SBATCH --constraint=avx2"] {
            #expect(lines.contains(directive), "missing \(directive)")
        }
        // Every #SBATCH line comes before the first command, or sbatch ignores it.
        let lastDirective = lines.lastIndex { $0.hasPrefix("#SBATCH") }!
        let firstCommand = lines.firstIndex { !$0.hasPrefix("#") && !$0.isEmpty }!
        #expect(lastDirective < firstCommand)
        #expect(lines[firstCommand] == "set -euo pipefail")
        #expect(text.contains("/opt/nd/bin/netdissect dissect \\\n  --model '/m/mobilenet v2.onnx' \\\n  --dataset /p \\\n"))
        #expect(text.contains("  --mean 0.5 0.4 0.3 \\\n"))
        #expect(text.contains("--out \"$run\" --shard \"$shard/3\" --pass 1"))
        #expect(!text.contains("--force"))
    }

    @Test func mergeScriptMergesItsPass() {
        let text = JobScript.text(.merge(pass: 2), Self.settings())
        #expect(text.contains("#SBATCH --output=/data/runs/r1/slurm/logs/merge2-%j.log"))
        #expect(!text.contains("--array"))
        #expect(text.contains("/opt/nd/bin/netdissect merge \"$run\" --pass 2"))
        #expect(text.contains("finishes it"))
        #expect(JobScript.text(.merge(pass: 1), Self.settings()).contains("starts the next pass"))
    }

    @Test func oneShardIsAnArrayOfOne() {
        #expect(JobScript.text(.shards(pass: 1), Self.settings(shards: 1)).contains("#SBATCH --array=0-0"))
    }

    @Test func everyScriptIsValidBash() throws {
        let dir = try makeTemporaryDirectory("nd-jobscript")
        for passes in [2, 3] {
            for stage in SlurmStage.all(passes: passes) {
                let path = dir + "/\(stage.name).sbatch"
                try JobScript.text(stage, Self.settings(passes: passes)).write(toFile: path, atomically: true, encoding: .utf8)
                let result = try run("/bin/bash", ["-n", path])
                #expect(result.status == 0, "\(stage.name): \(result.stderr)")
            }
        }
    }

    /// Runs a pass-1 task (shard 1) under bash with Slurm's variables set, a stub netdissect that
    /// writes its arguments one per line and exits `exit`, and a stub scancel on PATH.
    func runTask(exit: Int, in dir: String) throws -> (status: Int32, arguments: [String], record: TaskRecord, cancelled: [String]) {
        let run = dir + "/run"
        try FileManager.default.createDirectory(atPath: run + "/slurm/logs", withIntermediateDirectories: true)
        let stub = dir + "/netdissect"
        try "#!/bin/bash\nprintf '%s\\n' \"$@\" > \(dir)/arguments\nexit \(exit)\n".write(toFile: stub, atomically: true, encoding: .utf8)
        let scancel = dir + "/bin/scancel"
        try FileManager.default.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
        try "#!/bin/bash\nprintf '%s\\n' \"$@\" > \(dir)/cancelled\n".write(toFile: scancel, atomically: true, encoding: .utf8)
        for path in [stub, scancel] { chmod(path, 0o755) }
        try "# header\npass1\t41\t0-2\tt\nmerge1\t42\t-\tt\npass2\t43\t0-2\tt\nmerge2\t44\t-\tt\n"
            .write(toFile: run + "/slurm/jobs", atomically: true, encoding: .utf8)
        let script = dir + "/pass1.sbatch"
        try JobScript.text(.shards(pass: 1), Self.settings(run: run, binary: stub)).write(toFile: script, atomically: true, encoding: .utf8)
        let result = try self.run("/bin/bash", [script], environment: [
            "SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_JOB_ID": "41", "SLURM_JOB_ID": "45",
            "PATH": dir + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
        ])
        let arguments = (try? String(contentsOfFile: dir + "/arguments", encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        let cancelled = (try? String(contentsOfFile: dir + "/cancelled", encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        let record = try #require(try TaskRecord.read(SlurmLayout(run: run), .shards(pass: 1), shard: 1))
        return (result.status, arguments, record, cancelled)
    }

    @Test func aTaskRunsItsShardAndRecordsDone() throws {
        let dir = try makeTemporaryDirectory("nd-jobscript-ok")
        let t = try runTask(exit: 0, in: dir)
        #expect(t.status == 0)
        #expect(t.arguments == ["dissect", "--model", "/m/mobilenet v2.onnx", "--dataset", "/p", "--layer", "features.13",
                                "--categories", "object,color", "--mean", "0.5", "0.4", "0.3",
                                "--out", dir + "/run", "--shard", "1/3", "--pass", "1"])
        #expect(t.record.state == .done && t.record.exitCode == 0 && t.record.shard == 1 && t.record.job == "41_1")
        #expect(t.record.log == dir + "/run/slurm/logs/pass1-41_1.log")
        #expect(!t.record.node.isEmpty)
        #expect(t.cancelled.isEmpty)
        // The record is renamed into place: no temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/run/slurm/tasks") == ["pass1-shard1"])
    }

    @Test func aFailedTaskRecordsItsExitAndCancelsTheJobsAfterIt() throws {
        let dir = try makeTemporaryDirectory("nd-jobscript-fail")
        let t = try runTask(exit: 3, in: dir)
        #expect(t.status == 3)
        #expect(t.record.state == .failed && t.record.exitCode == 3)
        #expect(t.cancelled == ["42", "43", "44"])
    }

    func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> CommandOutput {
        try CommandRunner(environment: environment).run(executable, arguments, timeout: 60)
    }
}

// `slurm` and `status`: the dissect options reach the launcher, Slurm's own options parse, and
// mistakes are refused with a message naming the option.
import Testing
@testable import CLI
@testable import Workflows

@Suite struct SlurmCommandTests {
    @Test func dissectOptionsAndSlurmOptionsParse() throws {
        let command = try #require(parsed([
            "slurm", "--model", "m.onnx", "--dataset", "probe", "--out", "run", "--layer", "features.13", "--top-k", "4",
            "--shards", "16", "--partition", "cpu", "--time", "2:00:00", "--mem", "8G", "--cpus-per-task", "8",
            "--sbatch-arg", "--constraint=avx2", "--sbatch-arg=--qos=long", "--dry-run",
        ], as: SlurmCommand.self))
        #expect(command.shards == 16 && command.dryRun && command.resume == nil)
        #expect(command.resources == SlurmResources(partition: "cpu", time: "2:00:00", memory: "8G", cpusPerTask: 8,
                                                    extraArguments: ["--constraint=avx2", "--qos=long"]))
        let r = try #require(command.arguments.request())
        #expect(r.model == "m.onnx" && r.layers == ["features.13"] && r.topK == 4 && r.out == "run")
    }

    @Test func resumeTakesOnlyTheRun() throws {
        let command = try #require(parsed(["slurm", "--resume", "run"], as: SlurmCommand.self))
        #expect(command.resume == "run")
        #expect(refusal(["slurm", "--resume", "run", "--shards", "3"])?.contains("--resume takes only the run directory") == true)
        #expect(refusal(["slurm", "--resume", "run", "--dataset", "p"])?.contains("--resume takes only") == true)
    }

    @Test func mistakesAreRefusedNamingTheOption() {
        let base = ["slurm", "--dataset", "p", "--out", "o"]
        #expect(refusal(base)?.contains("--shards") == true)
        #expect(refusal(["slurm", "--out", "o", "--shards", "2"])?.contains("--dataset") == true)
        #expect(refusal(base + ["--shards", "0"])?.contains("--shards must lie in [1, 10000], not 0") == true)
        #expect(refusal(base + ["--shards", "-2"])?.contains("--shards") == true)
        #expect(refusal(base + ["--shards", "3/2"])?.contains("--shards") == true)
        #expect(refusal(base + ["--shards", "2", "--time", "soon"])?.contains("--time 'soon'") == true)
        #expect(refusal(base + ["--shards", "2", "--mem", "lots"])?.contains("--mem 'lots'") == true)
        #expect(refusal(base + ["--shards", "2", "--cpus-per-task", "0"])?.contains("--cpus-per-task") == true)
        #expect(refusal(base + ["--shards", "2", "--sbatch-arg", "--array=0-9"])?.contains("sets --array itself") == true)
        #expect(refusal(base + ["--shards", "2", "--shard", "1/2"])?.contains("--shard") == true)
    }

    @Test func statusTakesARunAndJSON() throws {
        let command = try #require(parsed(["status", "run", "--json"], as: StatusCommand.self))
        #expect(command.runDirectory == "run" && command.json)
        #expect(refusal(["status"])?.contains("run") == true)
    }
}

// The Slurm options are checked before anything is written, each mistake named in one line.
import Testing
@testable import Workflows

@Suite struct SlurmResourcesTests {
    @Test func goodValuesPass() throws {
        for time in ["90", "1:30", "1:30:00", "2-00", "2-00:30", "2-00:30:00", "UNLIMITED"] {
            #expect(throws: Never.self) { try SlurmResources(time: time).validate() }
        }
        for memory in ["8G", "500M", "4000", "1T", "64k"] {
            #expect(throws: Never.self) { try SlurmResources(memory: memory).validate() }
        }
        try SlurmResources(partition: "cpu,gpu", cpusPerTask: 8, extraArguments: ["--constraint=avx2", "--qos=long"]).validate()
    }

    @Test func mistakesAreNamed() {
        func message(_ r: SlurmResources) -> String {
            do { try r.validate(); return "" } catch { return error.message }
        }
        #expect(message(SlurmResources(partition: "")).contains("--partition"))
        #expect(message(SlurmResources(partition: "a b")).contains("--partition"))
        for time in ["", "1h", "1:2:3:4", "-1", "1-2-3", "::"] { #expect(message(SlurmResources(time: time)).contains("--time"), "\(time)") }
        for memory in ["", "8GB", "G", "1.5G", "-1"] { #expect(message(SlurmResources(memory: memory)).contains("--mem"), "\(memory)") }
        #expect(message(SlurmResources(cpusPerTask: 0)).contains("--cpus-per-task"))
        #expect(message(SlurmResources(extraArguments: ["constraint=avx2"])).contains("not an sbatch option"))
        #expect(message(SlurmResources(extraArguments: ["--array=0-3"])).contains("sets --array itself"))
        #expect(message(SlurmResources(extraArguments: ["--dependency=afterok:1"])).contains("--dependency"))
        #expect(message(SlurmResources(extraArguments: ["-o", "x"])).contains("-o"))
        #expect(message(SlurmResources(extraArguments: ["--comment=a\nb"])).contains("line break"))
    }

    @Test func shardsOutOfRangeAreRefused() {
        let request = SlurmRequest(
            dissect: DissectRequest(model: nil, activations: "a.npy", dataset: "p", layers: [], out: "o", quantile: 0.005,
                                    iouThreshold: 0.04, categories: nil, union: "original", topK: 10, batch: 32, threads: 0,
                                    limit: nil, mean: [0.5], std: [0.5], bgr: false, checkpointEvery: 512, force: false),
            shards: 0, resources: SlurmResources(), dryRun: true, binary: "/bin/nd")
        #expect(throws: SlurmFailure.badOption("--shards must lie in [1, 10000], not 0 (one array task per shard)")) { try request.validate() }
    }
}

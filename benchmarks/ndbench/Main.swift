// ndbench: the Swift side of the benchmarks in benchmarks/. Each benchmark directory holds a `run`
// script that builds this tool in release mode, runs it and its named baseline in the same run,
// and prints the ratio. Timings live here, never in unit tests.
import ArgumentParser
import Runtime

@main
struct NDBench: ParsableCommand {
    /// The thread policy first (as `netdissect` applies it), then the command.
    static func main() {
        Parallelism.applyThreadPolicy()
        main(nil)
    }

    static let configuration = CommandConfiguration(
        commandName: "ndbench",
        abstract: "Swift side of netdissect's benchmarks (see benchmarks/*/run).",
        subcommands: [
            DecodeBenchmark.self, IndexBenchmark.self,
            TallyBenchmark.self,
            ForwardBenchmark.self,
            SixelBench.self,
            RuntimeBenchmark.self, ConvBenchmark.self, PoolBenchmark.self,
        ]
    )
}

// `netdissect version`: the version, and what the runtime runs on (the CPU, the kernel variant in
// use and the ones this CPU could run, OpenBLAS's kernel, the threads). `--version` prints the same.
import ArgumentParser
import Runtime

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version, the CPU and the kernel variant in use (NETDISSECT_ISA forces one).")

    @Option(help: "Worker threads to report (default: every core, or NETDISSECT_THREADS).")
    var threads: Int?

    func run() throws {
        print(Self.text(threads: threads))
    }

    static let number = "0.1.0"

    /// What `version` and `--version` print.
    static func text(threads: Int? = nil) -> String {
        (["netdissect \(number)"] + RuntimeInfo.lines(threads: threads ?? Parallelism.machine.threads)).joined(separator: "\n")
    }
}

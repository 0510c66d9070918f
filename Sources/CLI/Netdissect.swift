// The command line: argument parsing only. Every subcommand calls into the libraries. The
// `netdissect` executable's main.swift runs this; tests (Tests/CLITests) parse with it.
import ArgumentParser
import Foundation
import Runtime

/// `netdissect` and its subcommands.
public struct Netdissect: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "netdissect",
        abstract: "Network Dissection: what do the units of a CNN detect?",
        version: VersionCommand.text(),
        subcommands: [
            ExploreCommand.self, DissectCommand.self, MergeCommand.self, SlurmCommand.self, StatusCommand.self,
            UnitCommand.self, SummaryCommand.self, ExplainCommand.self,
            ReportCommand.self, ExportCommand.self,
            LayersCommand.self, InferCommand.self, ClassifyCommand.self,
            SynthCommand.self, ProbeCommand.self, BrodenCommand.self,
            RotateCommand.self, CompareCommand.self, AblateCommand.self, VersionCommand.self,
        ]
    )

    public init() {}

    /// Runs the command line; a `NETDISSECT_ISA` this CPU cannot honour stops it first, in one line.
    public static func start() async {
        if let problem = ISA.environmentProblem {
            printDiagnostic(problem)
            Foundation.exit(2)
        }
        Parallelism.applyThreadPolicy()
        await main()
    }
}

// The command line: argument parsing only. Every subcommand calls into the libraries.
import ArgumentParser

@main
struct Netdissect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netdissect",
        abstract: "Network Dissection: what do the units of a CNN detect?",
        version: "0.1.0",
        subcommands: [
            ExploreCommand.self, DissectCommand.self, UnitCommand.self, SummaryCommand.self,
            ReportCommand.self, ExportCommand.self,
            LayersCommand.self, InferCommand.self, ClassifyCommand.self,
            SynthCommand.self, ProbeCommand.self, BrodenCommand.self,
            RotateCommand.self, CompareCommand.self, AblateCommand.self,
        ]
    )
}

// The command line: argument parsing only. Every subcommand calls into the libraries.
import ArgumentParser

@main
struct Netdissect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netdissect",
        abstract: "Network Dissection: what do the units of a CNN detect?",
        version: "0.1.0",
        subcommands: [
            SynthCommand.self, ProbeCommand.self, LayersCommand.self, InferCommand.self, ClassifyCommand.self,
            DissectCommand.self,
            ExportCommand.self,
            UnitCommand.self,
            SummaryCommand.self,
            ReportCommand.self,
            ExploreCommand.self,
            RotateCommand.self,
            CompareCommand.self,
            AblateCommand.self,
        ]
    )
}

// `netdissect probe check`: what a probe dataset holds and what is wrong with it; `probe import`,
// `probe resize` and `probe subset` (ProbeCommand+Import.swift) make probes.
import ArgumentParser
import Dissection
import Foundation
import ProbeTools

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Inspect, import, resize and subset probe datasets (Broden layout).",
        subcommands: [Check.self, Import.self, Resize.self, Subset.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read every table, image and segmentation of a dataset and report every problem.")

        @Argument(help: "The dataset directory (the one holding index.csv).")
        var directory: String

        func run() throws {
            let report: ProbeCheckReport
            // A count redrawn in place on a terminal only: redirected, `\r` lines would pile up in the log.
            let counting = isatty(2) == 1
            do {
                report = try ProbeDataset.check(directory: directory) { done, total in
                    if counting && total >= 2000 { FileHandle.standardError.write(Data("\rchecked \(done)/\(total)".utf8)) }
                }
            } catch {
                printDiagnostic(error.message(directory: directory))
                throw ExitCode.failure
            }
            if counting && report.records >= 2000 { FileHandle.standardError.write(Data("\n".utf8)) }
            print(report.lines().joined(separator: "\n"))
            if !report.isUsable { throw ExitCode.failure }
        }
    }
}

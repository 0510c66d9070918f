// `netdissect export`: argument parsing only.
import ArgumentParser
import Dissection
import Foundation
import Workflows

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a run's IoU matrix (float64 .npy) or per-unit results (JSON).")

    @Argument(help: "Run directory.")
    var runDirectory: String

    @Option(name: .long, help: "Layer to export (optional when the run has one layer).")
    var layer: String?

    @Option(name: .long, help: "Write the units x labels IoU matrix here (float64 .npy, column = label id).")
    var iouMatrix: String?

    @Option(name: .long, help: "Write per-unit results as JSON here ('-' for stdout).")
    var json: String?

    func validate() throws {
        guard iouMatrix != nil || json != nil else {
            throw ValidationError("nothing to export: give --iou-matrix F.npy and/or --json F.json")
        }
    }

    func run() throws {
        do {
            let reader = try RunReader.open(runDirectory)
            let info = try RunExport.layer(reader, requested: layer)
            if let iouMatrix { try RunExport.writeIoUMatrix(reader, layer: info.name, to: iouMatrix) }
            if let json {
                let text = try RunExport.json(reader, layer: info)
                if json == "-" {
                    FileHandle.standardOutput.write(Data(text.utf8))
                } else {
                    do { try Data(text.utf8).write(to: URL(fileURLWithPath: json), options: .atomic) } catch {
                        throw RunError.store(path: json, reason: "cannot write")
                    }
                }
            }
        } catch let error as RunError {
            printDiagnostic(error.description)
            throw ExitCode(1)
        }
    }
}

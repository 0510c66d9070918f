// `netdissect broden download`: argument parsing only; the work is in ProbeTools/Download.
import ArgumentParser
import Dissection
import Foundation
import ProbeTools

struct BrodenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broden",
        abstract: "Get the real Broden probe dataset.",
        subcommands: [Download.self]
    )

    struct Download: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download, verify and unpack a Broden archive (resumable).",
            discussion: """
            Fetches broden1_<variant>.zip into OUT, resuming a partial transfer, checks every \
            entry's CRC-32 before unpacking, and unpacks it to OUT/broden1_<variant>. If you \
            already have the archive, put it in OUT under its published name and run the same \
            command: it verifies and unpacks it without downloading.
            """
        )

        @Option(help: "Image size of the archive: 224, 227 or 384.")
        var variant: Int = 224

        @Option(help: "Folder for the archive and the unpacked dataset.")
        var out: String

        @Option(help: "Download from this address (a mirror) instead of the official one.")
        var url: String?

        func run() throws {
            guard let variant = BrodenVariant(rawValue: variant) else {
                throw ValidationError("--variant must be 224, 227 or 384")
            }
            var mirror: URL? = nil
            if let url {
                guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
                      scheme == "http" || scheme == "https" else {
                    throw ValidationError("--url must be an http:// or https:// address")
                }
                mirror = parsed
            }
            let reporter = DownloadReporter()
            let job = BrodenDownload(variant: variant, outDirectory: out, url: mirror)
            let dataset: String
            do {
                dataset = try job.run { reporter.show($0) }
                reporter.finish()
            } catch {
                reporter.finish()
                printDiagnostic("\(error)")
                throw ExitCode.failure
            }
            // The dataset check, as `netdissect probe check` runs it.
            let report: ProbeCheckReport
            do {
                report = try ProbeDataset.check(directory: dataset) { done, total in
                    reporter.show(.checking(done: Int64(done), total: Int64(total)))
                }
                reporter.finish()
            } catch {
                reporter.finish()
                printDiagnostic(error.message(directory: dataset))
                throw ExitCode.failure
            }
            print(report.lines().joined(separator: "\n"))
            guard report.isUsable else { throw ExitCode.failure }
            print("Broden \(variant.rawValue) is ready at \(dataset)")
            print("The archive \(job.archivePath) can be deleted to save space.")
        }
    }
}

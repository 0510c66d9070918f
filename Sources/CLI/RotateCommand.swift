// `netdissect rotate`: argument parsing only; the experiment is Workflows.RotationRunner.
import ArgumentParser
import Dissection
import Foundation
import Workflows

struct RotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Dissect a layer under fractional powers R^α of a random rotation of its units (CVPR 2017).",
        discussion: """
            R is a random rotation of the layer's channel space (QR of a Gaussian matrix, det +1, \
            fixed by --seed); R^α turns the units' own basis (α = 0) gradually into a random one \
            (α = 1) without changing what the layer represents. Every α is dissected in one \
            resumable run: RUN/run.sqlite holds one layer per α (LAYER@alpha=0.4), RUN/rotation.json \
            the rotation. Prints unique detectors against α; `netdissect summary RUN` charts them.
            """)

    @Option(name: .long, help: "Comma-separated powers α in [0, 1].")
    var alphas: String = "0,0.2,0.4,0.6,0.8,1"

    @Option(name: .long, help: "Seed of the random rotation.")
    var seed: UInt64 = 0

    /// The same options as `dissect`; `--layer` (once) names the layer whose units are rotated.
    @OptionGroup var settings: DissectArguments

    func validate() throws {
        guard settings.layer.count == 1 else {
            throw ValidationError("give --layer once: the layer whose units are rotated")
        }
        guard settings.dataset != nil, settings.out != nil else {
            throw ValidationError("give --dataset (the probe) and --out (the run directory)")
        }
    }

    func run() throws {
        guard let request = settings.request() else { throw ExitCode(2) }
        do {
            try RotationRunner.run(RotateRequest(dissect: request, alphas: alphas, seed: seed)) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        } catch {
            let failure = error as? DissectFailure
            printDiagnostic(failure?.message ?? "\(error)")
            throw ExitCode(failure?.isCancel == true ? 130 : 1)
        }
    }
}

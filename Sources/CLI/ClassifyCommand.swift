// `netdissect classify MODEL.onnx IMAGE...`: argument parsing only; the pipeline is
// Workflows.ClassifyRunner.
import ArgumentParser
import Runtime
import Workflows

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify JPEG or PNG photos with an ImageNet classifier (resize 256, centre crop 224, ImageNet normalisation).")

    @Argument(help: "The ONNX model (1000 ImageNet classes are named).")
    var model: String

    @Argument(help: "JPEG or PNG images.")
    var images: [String]

    @Option(name: .long, help: "How many classes to show per image.")
    var top: Int = 5

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image") }
        guard (1...1000).contains(top) else { throw ValidationError("--top must be between 1 and 1000") }
    }

    func run() throws {
        let allRead: Bool
        do {
            allRead = try ClassifyRunner.run(ClassifyRequest(model: model, images: images, top: top),
                                             output: { print($0) }, problem: { printDiagnostic($0) })
        } catch let error as ModelError {
            throw commandFailure(error)
        }
        if !allRead { throw ExitCode.failure }
    }
}

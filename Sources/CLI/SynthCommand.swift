// `netdissect synth`: write a synthetic probe dataset in the Broden layout.
import ArgumentParser
import Dissection
import Foundation
import ProbeTools

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a synthetic probe dataset in the Broden layout, with exact ground truth.")

    @Option(name: .long, help: "Directory to write the dataset into.")
    var out: String

    @Option(name: .long, help: "Number of images.")
    var images: Int = 2000

    @Option(name: .long, help: "Image side in pixels (segmentations are half of it).")
    var size: Int = 224

    @Option(name: .long, help: "Random seed; the same seed writes the same dataset.")
    var seed: UInt64 = 1

    @Flag(name: .long, help: "Overwrite a dataset already in --out.")
    var force = false

    func validate() throws {
        guard images >= 1 else { throw ValidationError("--images must be at least 1") }
        guard (16...1024).contains(size) else { throw ValidationError("--size must be between 16 and 1024 (Broden uses 224, 227 or 384)") }
    }

    func run() throws {
        var options = SynthOptions()
        options.images = images
        options.size = size
        options.seed = seed
        let start = Date()
        do {
            _ = try SyntheticBroden.generate(to: out, options: options, overwrite: force)
        } catch {
            printDiagnostic("\(error)")
            throw ExitCode.failure
        }
        let seconds = Date().timeIntervalSince(start)
        print("wrote \(images) images of \(size)x\(size) to \(out) in \(String(format: "%.1f", seconds)) s")
    }
}

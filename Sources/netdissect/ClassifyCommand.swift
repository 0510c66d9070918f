// `netdissect classify MODEL.onnx IMAGE...`: top classes of photos, torchvision's preprocessing.
import ArgumentParser
import Foundation
import Render
import Runtime

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
        let onnx: ONNXModel
        let session: Session
        do {
            onnx = try ONNXModel.load(path: model)
            session = try onnx.session(inputSize: 224)
        } catch let error as ModelError {
            throw commandFailure(error)
        }
        var failed = false
        for path in images {
            do {
                let image = try ImageFile.decode(path)
                let crop = ImagePreprocessing.classifierInput((image.pixels, image.width, image.height))
                let x = Tensor(rgb8: crop.pixels, width: crop.width, height: crop.height, normalization: .imageNet)
                let logits = try session.run(x)[session.outputNames[0]]!
                let names = logits.count == 1000 ? ImageNet.classNames : nil
                print(TerminalText.sanitize(path) + ":")
                for ranked in Classification.top(top, logits: logits.data, names: names) {
                    let label = ranked.name.map { "\($0) (\(ranked.index))" } ?? "class \(ranked.index)"
                    print(String(format: "  %6.2f%%  ", ranked.probability * 100) + label)
                }
            } catch let error as ModelError {
                throw commandFailure(error)
            } catch {
                _ = commandFailure("\(path): \(error); give a readable JPEG or PNG image")
                failed = true
            }
        }
        if failed { throw ExitCode.failure }
    }
}

/// Reading an image file whatever its format.
enum ImageFile {
    struct Unreadable: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    /// Largest photo file read (a 24-megapixel JPEG is about 10 MB).
    static let maxBytes = 256 << 20

    /// Decodes a JPEG or PNG file, chosen by its signature; only a regular file is read (a FIFO
    /// or device is refused without blocking).
    static func decode(_ path: String) throws -> RGBImage {
        let bytes = try RegularFile.contents(of: path, maxBytes: maxBytes)
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return try PNG.decodeRGB(bytes) }
        if bytes.starts(with: [0xFF, 0xD8]) { return try JPEG.decode(bytes) }
        throw Unreadable(reason: bytes.isEmpty ? "the file is empty" : "not a JPEG or PNG image")
    }
}

// `netdissect infer MODEL.onnx --input X.npy --output Y.npy [--layer NAME]`.
import ArgumentParser
import Render
import Runtime

struct InferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Run a float32 (N, 3, H, W) .npy batch through an ONNX model and save the output as .npy.")

    @Argument(help: "The ONNX model.")
    var model: String

    @Option(name: .long, help: "Input batch: float32 .npy of shape (N, C, H, W), already normalised.")
    var input: String

    @Option(name: .long, help: "Where to write the result (float32 .npy).")
    var output: String

    @Option(name: .long, help: "A layer to read out instead of the model output (module path, value or node name).")
    var layer: String?

    func run() throws {
        do {
            let onnx = try ONNXModel.load(path: model)
            let header = try NPY.readHeader(input)
            let c = onnx.inputChannels
            guard header.shape.count == 4, header.shape[1] == c else {
                throw commandFailure("\(input): array of shape \(header.shape) is not a batch (N, \(c), H, W); save the images as float32 (N, \(c), H, W)")
            }
            guard header.count > 0 else {
                throw commandFailure("\(input): array of shape \(header.shape) holds no values; save at least one image of at least 1 x 1 pixels as float32 (N, \(c), H, W)")
            }
            let batch = try NPY.read(input)
            let session = try onnx.session(height: batch.shape[2], width: batch.shape[3], taps: layer.map { [$0] } ?? [])
            let name = session.outputNames[0]
            let result = try session.run(batch)[name]!
            try NPY.write(result, to: output)
            // The output's name comes from the model: filtered, and cut as `layers` cuts it.
            let shown = TerminalText.truncate(TerminalText.sanitize(name), toWidth: LayerTable.maxWidths[4])
            print(TerminalText.sanitize("wrote \(output): ") + shown + " \(result.shape)")
        } catch let error as ModelError {
            throw commandFailure(error)
        } catch let error as NPYError {
            throw commandFailure(error)
        }
    }
}

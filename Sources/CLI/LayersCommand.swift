// `netdissect layers MODEL.onnx`: every tappable layer with its shape and module-path alias.
import ArgumentParser
import Runtime

struct LayersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layers",
        abstract: "List the layers of an ONNX model that can be tapped, with their output shapes.",
        discussion: """
            A layer can be named by its PyTorch module path (first column), its ONNX value name \
            (last column) or its ONNX node name.
            """)

    @Argument(help: "The ONNX model.")
    var model: String

    @Option(name: .long, help: "Input height and width in pixels (default: the model's declared size, or 224).")
    var inputSize: Int?

    func validate() throws {
        if let inputSize, !(1...16384).contains(inputSize) { throw ValidationError("--input-size must be between 1 and 16384") }
    }

    func run() throws {
        do {
            let onnx = try ONNXModel.load(path: model)
            let size = inputSize.map { ($0, $0) } ?? onnx.defaultInputSize
            let layers = try onnx.layers(height: size.0, width: size.1)
            print(LayerTable.header(model: onnx, height: size.0, width: size.1, count: layers.count))
            print(LayerTable.lines(layers).joined(separator: "\n"))
        } catch let error as ModelError {
            throw commandFailure(error)
        }
    }
}

// The public face of a loaded model: load it, ask what its input is, list its layers for an
// input size, and make sessions that run it (ONNXModel+Session.swift).
import Foundation

/// A CNN loaded from an ONNX file, decoded and checked, ready to be planned for an input size.
///
///     let model = try ONNXModel.load(path: "models/mobilenet_v2.onnx")
///     for layer in try model.layers(inputSize: 224) { print(layer.modulePath ?? layer.name, layer.shape) }
public final class ONNXModel: Sendable {
    /// The file it was loaded from (used in every error message).
    public let path: String
    /// The version of the default ONNX operator set it imports (7...21).
    public let opset: Int
    /// The exporter that wrote it ("pytorch 2.13.0"), or "" when unrecorded.
    public let producer: String
    let graph: Graph
    let input: GraphInput

    init(path: String, opset: Int, producer: String, graph: Graph, input: GraphInput) {
        self.path = path
        self.opset = opset
        self.producer = producer
        self.graph = graph
        self.input = input
    }

    /// Loads and checks an ONNX model; external-data files are read from its directory.
    ///
    /// Only regular files are read (a FIFO or device is refused without blocking), and external
    /// data only from regular files whose real path lies inside the model's directory.
    ///
    /// - Throws: `ModelError` naming the file and the cause (unreadable, truncated or corrupt,
    ///   unsupported opset or operator, missing initializer, cycle, malformed tensor, external
    ///   data missing or outside the model's directory).
    public static func load(path: String) throws -> ONNXModel {
        let file: RegularFile
        do {
            file = try RegularFile(path: path)
        } catch {
            throw ModelError(file: path, .unreadable(reason: error.reason))
        }
        guard file.size <= maxFileBytes else {
            throw ModelError(file: path, .notONNX(reason: "it holds \(file.size) bytes; an ONNX file holds at most 2 GiB (larger weights go to external data files)"))
        }
        let data: Data
        do {
            data = try file.data(at: 0, count: file.size)
        } catch {
            throw ModelError(file: path, .unreadable(reason: error.reason))
        }
        return try decode(data, file: path, directory: (path as NSString).deletingLastPathComponent)
    }

    /// Largest model file we read: protobuf messages are limited to 2 GiB.
    static let maxFileBytes = Int(Int32.max)

    /// Parses a model from bytes (external data is refused); for tests and in-memory models.
    public static func load(bytes: [UInt8], name: String = "<memory>") throws -> ONNXModel {
        try decode(Data(bytes), file: name, directory: nil)
    }

    /// The name of the image input.
    public var inputName: String { input.name }

    /// The input's declared dimensions as written ("N", "3", "224", "224"), or nil when the file
    /// declares no shape.
    public var declaredInputShape: [String]? { input.dimensions?.map(\.description) }

    /// Channels the model expects (its declared C, or 3).
    public var inputChannels: Int { input.dimensions.flatMap { $0.count == 4 ? $0[1].fixedValue : nil } ?? 3 }

    /// The declared fixed (height, width), or nil when either is free.
    public var declaredInputSize: (height: Int, width: Int)? {
        guard let d = input.dimensions, d.count == 4, let h = d[2].fixedValue, let w = d[3].fixedValue else { return nil }
        return (h, w)
    }

    /// The declared fixed batch size, or nil when the batch dimension is free.
    public var declaredBatch: Int? {
        guard let d = input.dimensions, d.count == 4 else { return nil }
        return d[0].fixedValue
    }

    /// The input size to use when none is given: the declared one, or 224 x 224.
    public var defaultInputSize: (height: Int, width: Int) { declaredInputSize ?? (224, 224) }

    /// Checks an input shape `(N, C, H, W)` against the declared input and resolves the graph.
    func resolved(batch: Int, height: Int, width: Int) throws -> ResolvedGraph {
        if let d = input.dimensions, d.count != 4 {
            throw ModelError(file: path, .invalidGraph(
                reason: "input \(quoted(input.name)) has rank \(d.count); netdissect feeds (N, C, H, W) images"))
        }
        guard [batch, height, width].allSatisfy({ (1...ShapeMath.maxInputSide).contains($0) }) else {
            throw ModelError(file: path, .inputSizeOutOfRange(found: [batch, inputChannels, height, width]))
        }
        return try graph.resolved(inputShape: [batch, inputChannels, height, width], file: path, opset: opset)
    }

    /// "(N, 3, 224, 224)": what `run` accepts, for messages.
    var expectedInputDescription: String {
        "(" + (input.dimensions?.map(\.description) ?? ["N", "\(inputChannels)", "H", "W"]).joined(separator: ", ") + ")"
    }
}

/// One tappable layer: a value the per-image graph computes, with every name it answers to.
public struct LayerInfo: Sendable, Equatable, CustomStringConvertible {
    /// The ONNX value name (always accepted as a layer name).
    public var name: String
    /// The name of the node that computes it.
    public var node: String
    /// The node's ONNX operator type.
    public var op: String
    /// PyTorch module paths whose output this is, outermost first (`features.13`, then
    /// `features.13.conv` when the same node ends both).
    public var modulePaths: [String]
    /// Shape per image, without the batch dimension: (C, H, W) for a feature map.
    public var shape: [Int]
    /// Where its units are (channels on a grid, tokens, channels last), or nil when it is not a
    /// spatial map (a classifier's logits).
    public var layout: UnitLayout?

    /// The outermost module path, the name most people use.
    public var modulePath: String? { modulePaths.first }

    /// Number of units (channels): the channel axis of `layout`, else the first of `shape`.
    public var units: Int { layout?.units ?? shape.first ?? 1 }

    public var description: String {
        "\(modulePath ?? name) \(ShapeMath.describe(shape))"
    }
}

extension ONNXModel {
    /// Every tappable layer for a square input of `inputSize` pixels (default: the declared size
    /// or 224), in execution order.
    public func layers(inputSize: Int? = nil) throws -> [LayerInfo] {
        let size = inputSize.map { ($0, $0) } ?? defaultInputSize
        return try layers(height: size.0, width: size.1)
    }

    /// Every tappable layer for an input of `height` x `width` pixels, in execution order.
    public func layers(height: Int, width: Int) throws -> [LayerInfo] {
        let graph = try resolved(batch: declaredBatch ?? 1, height: height, width: width)
        let names = LayerNames(graph)
        return graph.nodes.map { node in
            let shape = Array(node.outputShape.dropFirst())
            return LayerInfo(name: node.output, node: node.name, op: node.opType, modulePaths: names.modules(of: node.output),
                             shape: shape, layout: UnitLayout.infer(shape: shape, inputHeight: height, inputWidth: width))
        }
    }

    /// The ONNX value name a layer name (value, node or module path) refers to.
    public func resolveLayer(_ name: String, inputSize: Int? = nil) throws -> String {
        let size = inputSize.map { ($0, $0) } ?? defaultInputSize
        let graph = try resolved(batch: declaredBatch ?? 1, height: size.0, width: size.1)
        return try LayerNames(graph).resolve(name, file: path)
    }
}

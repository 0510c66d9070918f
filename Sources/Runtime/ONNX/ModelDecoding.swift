// ModelProto -> Graph: opset checks, initializers, declared inputs, nodes with their operators
// parsed and their module paths read. Nothing here depends on the input size.
import Foundation
import SwiftProtobuf

/// Decodes the graphs of one model file.
struct GraphDecoder {
    let file: String
    let opset: Int
    let tensors: TensorDecoder
    /// Deepest nesting of If branches we follow.
    static let maxDepth = 16

    /// The opset of the default domain, checked against what we implement, and the domains
    /// the model may use.
    static func opset(of model: Onnx_ModelProto, file: String) throws -> Int {
        var version: Int? = nil
        for entry in model.opsetImport where entry.domain.isEmpty || entry.domain == "ai.onnx" {
            version = Int(entry.version)
        }
        guard let version else {
            throw ModelError(file: file, .unsupportedOpset(domain: "", version: model.irVersion < 3 ? 1 : 0))
        }
        guard (7...21).contains(version) else { throw ModelError(file: file, .unsupportedOpset(domain: "", version: version)) }
        return version
    }

    func decode(_ proto: Onnx_GraphProto, depth: Int = 0) throws -> Graph {
        guard depth <= Self.maxDepth else {
            throw ModelError(file: file, .invalidGraph(reason: "If branches are nested more than \(Self.maxDepth) deep"))
        }
        var initializers: [String: TypedTensor] = [:]
        for t in proto.initializer {
            guard !t.name.isEmpty else { throw ModelError(file: file, .invalidTensor(name: "", reason: "an initializer has no name")) }
            guard initializers[t.name] == nil else {
                throw ModelError(file: file, .invalidGraph(reason: "initializer \(quoted(t.name)) is defined twice"))
            }
            initializers[t.name] = try tensors.decode(t)
        }
        guard proto.sparseInitializer.isEmpty else {
            throw ModelError(file: file, .invalidGraph(reason: "sparse initializers are not supported"))
        }
        var inputs: [GraphInput] = []
        for value in proto.input where initializers[value.name] == nil {
            inputs.append(GraphInput(name: value.name, dimensions: try dimensions(of: value)))
        }
        var nodes: [Node] = []
        for (index, node) in proto.node.enumerated() {
            let name = node.name.isEmpty ? "\(node.opType)_\(index)" : node.name
            guard node.domain.isEmpty || node.domain == "ai.onnx" else {
                throw ModelError(file: file, .unsupportedOperator(op: "\(node.domain).\(node.opType)", node: name, opset: opset))
            }
            let attributes = NodeAttributes(node, name: name, opset: opset, decoder: tensors)
            let op = try Op.parse(node, attributes: attributes) { branch, _ in try decode(branch, depth: depth + 1) }
            nodes.append(Node(name: name, opType: node.opType, op: op, inputs: node.input, outputs: node.output,
                              scopes: ModuleScopes.scopes(nodeName: node.name, metadata: node.metadataProps)))
        }
        return Graph(nodes: nodes, inputs: inputs, outputs: proto.output.map(\.name), initializers: initializers)
    }

    /// Declared dimensions of a graph input, or nil when the file gives no shape.
    private func dimensions(of value: Onnx_ValueInfoProto) throws -> [Dimension]? {
        guard case .tensorType? = value.type.value else { return nil }
        let tensor = value.type.tensorType
        if tensor.elemType != 0, tensor.elemType != Int32(Onnx_TensorProto.DataType.float.rawValue) {
            throw ModelError(file: file, .invalidGraph(
                reason: "input \(quoted(value.name)) has element type \(tensor.elemType); netdissect feeds float32 images"))
        }
        guard tensor.hasShape else { return nil }
        let dims = tensor.shape.dim
        guard dims.count <= TensorDecoder.maxRank else {
            throw ModelError(file: file, .invalidGraph(reason: "input \(quoted(value.name)) declares \(dims.count) dimensions"))
        }
        let written = "(" + dims.map { d -> String in
            if case .dimValue? = d.value { return "\(d.dimValue)" }
            return d.dimParam.isEmpty ? "?" : quoted(d.dimParam, bare: true)
        }.joined(separator: ", ") + ")"
        return try dims.map { d in
            if case .dimValue? = d.value {
                // A size of 0 takes no image at all (and nothing can be planned for it).
                guard d.dimValue >= 1, d.dimValue <= Int64(ShapeMath.maxElements) else {
                    throw ModelError(file: file, .invalidGraph(
                        reason: "input \(quoted(value.name)) is declared as \(written); a dimension of \(d.dimValue) takes no image (sizes start at 1, or are named when free)"))
                }
                return .fixed(Int(d.dimValue))
            }
            return .symbolic(quoted(d.dimParam, bare: true))
        }
    }
}

extension ONNXModel {
    /// Parses model bytes; `directory` is where external data files are looked up.
    static func decode(_ data: Data, file: String, directory: String?) throws -> ONNXModel {
        guard !data.isEmpty else { throw ModelError(file: file, .notONNX(reason: "the file is empty")) }
        let proto: Onnx_ModelProto
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 64
            options.discardUnknownFields = true
            proto = try Onnx_ModelProto(serializedBytes: data, options: options)
        } catch {
            throw ModelError(file: file, .notONNX(reason: Self.describe(error)))
        }
        guard proto.hasGraph, proto.irVersion > 0 else {
            throw ModelError(file: file, .notONNX(reason: "no graph or IR version (is it an ONNX model?)"))
        }
        let opset = try GraphDecoder.opset(of: proto, file: file)
        let decoder = GraphDecoder(file: file, opset: opset, tensors: TensorDecoder(file: file, directory: directory))
        let graph = try decoder.decode(proto.graph).topologicallySorted(file: file)
        guard !graph.nodes.isEmpty else { throw ModelError(file: file, .invalidGraph(reason: "the graph has no nodes")) }
        guard graph.inputs.count == 1, let input = graph.inputs.first else {
            throw ModelError(file: file, .invalidGraph(
                reason: "the graph has \(graph.inputs.count) inputs (\(graph.inputs.prefix(5).map { quoted($0.name) }.joined(separator: ", "))\(graph.inputs.count > 5 ? ", ..." : "")); netdissect runs models with one image input"))
        }
        guard !graph.outputs.isEmpty else { throw ModelError(file: file, .invalidGraph(reason: "the graph has no outputs")) }
        let producer = [proto.producerName, proto.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        return ONNXModel(path: file, opset: opset, producer: producer, graph: graph, input: input)
    }

    private static func describe(_ error: Error) -> String {
        switch error as? BinaryDecodingError {
        case .truncated?: return "the protobuf data is truncated"
        case .malformedProtobuf?: return "the protobuf data is malformed"
        case .invalidUTF8?: return "a string field is not valid UTF-8"
        case .messageDepthLimit?: return "messages are nested too deeply"
        default: return "\(error)"
        }
    }
}

// Everything that can go wrong between an .onnx file and a run, as one error type with a rich
// `Kind` (for tests and callers that react) and a one-line description naming the file, the
// cause and what to do (for people).

/// Why a model could not be loaded, planned or run.
public struct ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The model file (or the file the problem is in, such as an external-data file).
    public var file: String
    /// What went wrong.
    public var kind: Kind

    /// What went wrong, with the context that names it.
    public enum Kind: Equatable, Sendable {
        /// The file could not be read at all.
        case unreadable(reason: String)
        /// The bytes are not a well-formed ONNX protobuf (truncated, corrupt, another format).
        case notONNX(reason: String)
        /// The model imports an operator set we do not implement.
        case unsupportedOpset(domain: String, version: Int)
        /// A node uses an operator we do not implement.
        case unsupportedOperator(op: String, node: String, opset: Int)
        /// A node uses an attribute value we do not implement.
        case unsupportedAttribute(op: String, node: String, opset: Int, attribute: String, value: String)
        /// A node's attribute is missing, of the wrong type or out of range.
        case invalidAttribute(op: String, node: String, attribute: String, reason: String)
        /// A node reads a value that no input, initializer or node defines.
        case missingValue(node: String, value: String)
        /// The graph has a cycle through these nodes.
        case cycle(nodes: [String])
        /// An initializer or constant is malformed (bad dims, size mismatch, bad external data).
        case invalidTensor(name: String, reason: String)
        /// The graph as a whole is malformed (no input, duplicate names, ...).
        case invalidGraph(reason: String)
        /// A node cannot run on the shapes it receives for this input size.
        case shape(node: String, op: String, reason: String)
        /// A node would compute something we only support at load time (per-image integers).
        case dynamic(node: String, op: String, reason: String)
        /// No layer has this name.
        case unknownLayer(name: String, suggestions: [String])
        /// An edit does not fit its layer.
        case invalidEdit(layer: String, reason: String)
        /// The batch given to `run` does not have the shape the session was made for.
        case inputShape(expected: String, found: [Int])
        /// The plan would need more memory than we agree to allocate.
        case tooLarge(reason: String)
    }

    public init(file: String, _ kind: Kind) {
        self.file = file
        self.kind = kind
    }

    /// The cause, without the file name.
    public var cause: String {
        switch kind {
        case let .unreadable(reason): "cannot read: \(reason)"
        case let .notONNX(reason): "not a readable ONNX model: \(reason)"
        case let .unsupportedOpset(domain, version):
            "operator set \(domain.isEmpty ? "ai.onnx" : domain) version \(version) is not supported"
        case let .unsupportedOperator(op, node, opset):
            "operator \(op) (node '\(node)', opset \(opset)) is not supported"
        case let .unsupportedAttribute(op, node, opset, attribute, value):
            "\(op) node '\(node)' (opset \(opset)): \(attribute) = \(value) is not supported"
        case let .invalidAttribute(op, node, attribute, reason):
            "\(op) node '\(node)': attribute \(attribute) \(reason)"
        case let .missingValue(node, value):
            "node '\(node)' reads '\(value)', which no input, initializer or node defines"
        case let .cycle(nodes):
            "the graph has a cycle through nodes " + nodes.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
                + (nodes.count > 5 ? " and \(nodes.count - 5) more" : "")
        case let .invalidTensor(name, reason): "tensor '\(name)': \(reason)"
        case let .invalidGraph(reason): reason
        case let .shape(node, op, reason): "\(op) node '\(node)': \(reason)"
        case let .dynamic(node, op, reason): "\(op) node '\(node)': \(reason)"
        case let .unknownLayer(name, suggestions):
            "no layer named '\(name)'"
                + (suggestions.isEmpty ? "" : " (did you mean " + suggestions.map { "'\($0)'" }.joined(separator: ", ") + "?)")
        case let .invalidEdit(layer, reason): "edit of layer '\(layer)': \(reason)"
        case let .inputShape(expected, found):
            "input of shape \(ShapeMath.describe(found)) does not fit the model, which takes \(expected)"
        case let .tooLarge(reason): reason
        }
    }

    /// What the user can do about it.
    public var hint: String {
        switch kind {
        case .unreadable: "check the path and its permissions"
        case .notONNX: "the file is truncated, corrupt or not ONNX; export it again with torch.onnx.export"
        case .unsupportedOpset: "export the model again with an opset from 7 to 21 (torch.onnx.export(..., opset_version=18))"
        case .unsupportedOperator, .unsupportedAttribute:
            "netdissect runs the operators of classic vision CNNs (README: Supported operators)"
        case .invalidAttribute, .cycle, .invalidGraph: "the model is malformed; export it again"
        case .missingValue: "the model is incomplete; export it again, keeping any external weight files beside it"
        case .invalidTensor: "the model or its weight files are corrupt or truncated; export or fetch them again"
        case .shape: "check the input size (netdissect layers MODEL --input-size N) against what the model was exported for"
        case .dynamic: "export the model for a fixed input size so this arithmetic folds away at load"
        case .unknownLayer: "run 'netdissect layers MODEL' to list the layer names"
        case .invalidEdit: "check the unit indices and the matrix size against 'netdissect layers MODEL'"
        case .inputShape: "give a float32 batch of shape (N, C, H, W) matching the model's input"
        case .tooLarge: "use a smaller batch or input size"
        }
    }

    /// `<file>: <cause>; <hint>`: the one line a command prints.
    public var description: String { "\(file): \(cause); \(hint)" }
}

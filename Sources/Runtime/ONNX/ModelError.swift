// Everything that can go wrong between an .onnx file and a run, as one error type with a rich
// `Kind` (for tests and callers that react) and a one-line description naming the file, the
// cause and what to do (for people).
//
// Names in the description come from the file: every one goes through `quoted`, which cuts a
// long name (a node named with 5,000 scope parts) to a readable length. Control characters are
// left to whoever prints the line (the command line filters every error line it writes).

/// Why a model could not be loaded, planned or run.
public struct ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The model file.
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
        /// An initializer or constant is malformed (bad dims, size mismatch).
        case invalidTensor(name: String, reason: String)
        /// An initializer's external data (`location` relative to the model's directory) cannot
        /// be used.
        case externalData(tensor: String, location: String, problem: ExternalDataProblem)
        /// The graph as a whole is malformed (no input, duplicate names, ...).
        case invalidGraph(reason: String)
        /// A node cannot run on the shapes it receives for this input size.
        case shape(node: String, op: String, reason: String)
        /// A node is malformed whatever the input size (weights of the wrong rank, a missing input,
        /// an axis out of range).
        case invalidNode(node: String, op: String, reason: String)
        /// A node would compute something we only support at load time (per-image integers).
        case dynamic(node: String, op: String, reason: String)
        /// No layer has this name.
        case unknownLayer(name: String, suggestions: [String])
        /// An edit does not fit its layer.
        case invalidEdit(layer: String, reason: String)
        /// The batch given to `run` does not have the shape the session was made for.
        case inputShape(expected: String, found: [Int])
        /// The batch size, height or width asked for is outside 1...`maxInputSide`.
        case inputSizeOutOfRange(found: [Int])
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
            "operator \(quoted(op, bare: true)) (node \(quoted(node)), opset \(opset)) is not supported"
        case let .unsupportedAttribute(op, node, opset, attribute, value):
            "\(quoted(op, bare: true)) node \(quoted(node)) (opset \(opset)): \(attribute) = \(value) is not supported"
        case let .invalidAttribute(op, node, attribute, reason):
            "\(quoted(op, bare: true)) node \(quoted(node)): attribute \(attribute) \(reason)"
        case let .missingValue(node, value):
            "node \(quoted(node)) reads \(quoted(value)), which no input, initializer or node defines"
        case let .cycle(nodes):
            "the graph has a cycle through nodes " + nodes.prefix(5).map { quoted($0) }.joined(separator: ", ")
                + (nodes.count > 5 ? " and \(nodes.count - 5) more" : "")
        case let .invalidTensor(name, reason): "tensor \(quoted(name)): \(reason)"
        case let .externalData(tensor, location, problem):
            "tensor \(quoted(tensor)): external data \(quoted(location)) \(problem.description)"
        case let .invalidGraph(reason): reason
        case let .shape(node, op, reason): "\(quoted(op, bare: true)) node \(quoted(node)): \(reason)"
        case let .invalidNode(node, op, reason): "\(quoted(op, bare: true)) node \(quoted(node)): \(reason)"
        case let .dynamic(node, op, reason): "\(quoted(op, bare: true)) node \(quoted(node)): \(reason)"
        case let .unknownLayer(name, suggestions):
            "no layer named \(quoted(name))"
                + (suggestions.isEmpty ? "" : " (did you mean " + suggestions.map { quoted($0) }.joined(separator: ", ") + "?)")
        case let .invalidEdit(layer, reason): "edit of layer \(quoted(layer)): \(reason)"
        case let .inputShape(expected, found):
            "input of shape \(ShapeMath.describe(found)) does not fit the model, which takes \(expected)"
        case let .inputSizeOutOfRange(found):
            "input of shape \(ShapeMath.describe(found)) has a batch, height or width outside 1 to \(ShapeMath.maxInputSide)"
        case let .tooLarge(reason): reason
        }
    }

    /// What the user can do about it.
    public var hint: String {
        switch kind {
        case .unreadable: "give the path of a readable .onnx file"
        case .notONNX: "the file is truncated, corrupt or not ONNX; export it again with torch.onnx.export"
        case .unsupportedOpset: "export the model again with an opset from 7 to 21 (torch.onnx.export(..., opset_version=18))"
        case .unsupportedOperator, .unsupportedAttribute:
            "netdissect runs the operators of classic vision CNNs (README: Supported operators)"
        case .invalidAttribute, .cycle, .invalidGraph: "the model is malformed; export it again"
        case .missingValue: "the model is incomplete; export it again, keeping any external weight files beside it"
        case .invalidTensor: "the model or its weight files are corrupt or truncated; export or fetch them again"
        case let .externalData(_, _, problem): problem.hint
        case .shape: "check the input size (netdissect layers MODEL --input-size N) against what the model was exported for"
        case .invalidNode: "the model is malformed whatever the input size; export it again"
        case .dynamic: "export the model for a fixed input size so this arithmetic folds away at load"
        case .unknownLayer: "run 'netdissect layers MODEL' to list the layer names"
        case .invalidEdit: "check the unit indices and the matrix size against 'netdissect layers MODEL'"
        case .inputShape: "give a float32 batch of shape (N, C, H, W) matching the model's input"
        case .inputSizeOutOfRange:
            "give a batch of 1 to \(ShapeMath.maxInputSide) images of 1 to \(ShapeMath.maxInputSide) pixels a side (netdissect layers MODEL --input-size N)"
        case .tooLarge: "use a smaller batch or input size"
        }
    }

    /// `<file>: <cause>; <hint>`: the one line a command prints. Shapes and lists from a
    /// hostile file can make a cause long; past `maxCauseScalars` it is cut, the hint kept.
    public var description: String { "\(file): \(quoted(cause, bare: true, limit: Self.maxCauseScalars)); \(hint)" }

    /// Longest cause a description shows whole.
    static let maxCauseScalars = 1000
}

/// What is wrong with an initializer's external data.
public enum ExternalDataProblem: Equatable, Sendable, CustomStringConvertible {
    /// The model was given as bytes, with no directory to read external data from.
    case notAllowed
    /// The tensor is marked external but names no location.
    case noLocation
    /// The location is absolute or climbs out with `..`.
    case leavesDirectory
    /// A symbolic link along the location leads out of the model's directory (to `realPath`).
    case linksOutside(realPath: String)
    /// It is not a regular file (`what`: "a directory", "a FIFO (named pipe)", ...).
    case notRegularFile(what: String)
    /// Nothing exists there.
    case missing
    /// It exists but cannot be read (`reason` from the file system).
    case unreadable(reason: String)
    /// An `offset` or `length` entry is not a non-negative integer.
    case invalidEntry(key: String, value: String)
    /// The `length` entry disagrees with the tensor's dims.
    case lengthMismatch(length: Int, needed: Int)
    /// The bytes asked for lie beyond the end of the file.
    case beyondEnd(offset: Int, length: Int, size: Int)

    public var description: String {
        switch self {
        case .notAllowed: "is not allowed for a model given as bytes"
        case .noLocation: "has no location"
        case .leavesDirectory: "leaves the model's directory (an absolute path or a '..' component)"
        case let .linksOutside(realPath):
            "leads through a symbolic link out of the model's directory, to \(quoted(realPath, bare: true))"
        case let .notRegularFile(what): "is \(what), not a regular file"
        case .missing: "does not exist beside the model"
        case let .unreadable(reason): "cannot be read: \(reason)"
        case let .invalidEntry(key, value): "has \(key) \(quoted(value)), not a byte count"
        case let .lengthMismatch(length, needed): "has length \(length), its dims need \(needed) bytes"
        case let .beyondEnd(offset, length, size): "asks for \(length) bytes at offset \(offset) of a file of \(size) bytes"
        }
    }

    /// What the user can do about it.
    var hint: String {
        switch self {
        case .notAllowed: "load the model from its file so its weight files can be found"
        case .leavesDirectory, .linksOutside:
            "external weight files must be regular files inside the model's directory; copy them there (a link is not followed out of it)"
        case .notRegularFile:
            "external weight files must be regular files inside the model's directory; put the file the exporter wrote at that location"
        case .missing, .unreadable:
            "keep the external weight files the exporter wrote beside the model, readable"
        case .noLocation, .invalidEntry, .lengthMismatch, .beyondEnd:
            "the model or its weight files are corrupt, truncated or mismatched; export or fetch them again"
        }
    }
}

/// `name` in single quotes for a message, cut to its first `limit` Unicode scalars and an
/// ellipsis when longer; `bare` leaves out the quotes (operator types, attribute values).
///
/// Names come from the file and may be any length; a message stays one readable line. Control
/// characters are not removed here: the command line filters every line it prints.
func quoted(_ name: String, bare: Bool = false, limit: Int = maxQuotedScalars) -> String {
    var shown = name
    if name.unicodeScalars.count > limit {
        var cut = String.UnicodeScalarView()
        cut.append(contentsOf: name.unicodeScalars.prefix(limit))
        shown = String(cut) + "…"
    }
    return bare ? shown : "'" + shown + "'"
}

/// Longest name a message shows whole.
let maxQuotedScalars = 120

// The model as the runtime sees it after decoding: nodes with parsed operators, initializers as
// typed tensors, the runtime inputs with their declared dimensions, and the module paths each
// node belongs to. Shape-independent; `Graph+Folding` resolves it for one input shape.

/// A declared dimension of a graph input.
enum Dimension: Sendable, Equatable, CustomStringConvertible {
    /// A fixed size.
    case fixed(Int)
    /// A named free size, such as a batch dimension `N`.
    case symbolic(String)

    var fixedValue: Int? {
        if case let .fixed(v) = self { return v }
        return nil
    }

    var description: String {
        switch self {
        case let .fixed(v): "\(v)"
        case let .symbolic(name): name.isEmpty ? "?" : name
        }
    }
}

/// A runtime input of the graph (not backed by an initializer).
struct GraphInput: Sendable, Equatable {
    var name: String
    /// Declared dimensions, or nil when the file gives no shape.
    var dimensions: [Dimension]?
}

/// One node: its operator, the values it reads and writes, and where it sits in the PyTorch
/// module tree.
struct Node: Sendable {
    /// The node's name; a generated `<OpType>_<index>` when the file leaves it empty.
    var name: String
    /// The ONNX operator type as written (`Conv`, `Dropout`).
    var opType: String
    var op: Op
    /// Value names read; "" marks an absent optional input.
    var inputs: [String]
    /// Value names written.
    var outputs: [String]
    /// Module paths that contain this node, outermost first (`features`, `features.13`,
    /// `features.13.conv`, ...); empty when the exporter recorded none.
    var scopes: [String]
}

/// A decoded ONNX graph (the main graph or an If branch).
struct Graph: Sendable {
    /// Nodes in the file's order (the main graph is re-sorted topologically by the loader).
    var nodes: [Node]
    /// Runtime inputs, in order.
    var inputs: [GraphInput]
    /// Output value names, in order.
    var outputs: [String]
    /// Initializers by name.
    var initializers: [String: TypedTensor]
}

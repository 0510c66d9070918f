// The folding pass: the graph resolved for one input shape.
//
// Walking the sorted nodes with the input shape fixed, every node is resolved (its shapes and
// parameters settled). A node whose inputs are all known at load is evaluated on the spot and
// becomes a constant: the Shape/Gather/Concat/Reshape chains exporters write around flatten,
// padding and LRN vanish this way. An If whose condition folds is replaced by its branch. What
// remains is the per-image graph: compute nodes on float tensors, each with its output shape.

/// One node of the per-image graph.
struct ComputeNode: Sendable {
    /// The ONNX node's name (for If branches, the branch node's).
    var name: String
    /// The ONNX operator type, for listings.
    var opType: String
    var op: ResolvedOp
    /// Per input: a per-image value, a constant, or nil when absent.
    var inputs: [Operand?]
    /// The single value computed (extra outputs such as MaxPool's indices are not computed).
    var output: String
    /// Module paths containing the node, outermost first.
    var scopes: [String]

    var outputShape: [Int] { op.outputShapes[0] }

    /// Names of the per-image values read.
    var runtimeInputs: [String] {
        inputs.compactMap { if case let .runtime(name, _)? = $0 { return name } else { return nil } }
    }
}

/// The per-image graph for one input shape.
struct ResolvedGraph: Sendable {
    var inputName: String
    var inputShape: [Int]
    /// Compute nodes in execution order.
    var nodes: [ComputeNode]
    /// Shapes of every per-image value, the input included.
    var shapes: [String: [Int]]
    /// The graph outputs (per-image values).
    var outputs: [String]
    /// Names of values that folded to constants, for messages.
    var constants: Set<String>
}

extension Graph {
    /// Resolves the graph for `inputShape` (the batch dimension included).
    func resolved(inputShape: [Int], file: String, opset: Int) throws -> ResolvedGraph {
        guard let input = inputs.first else { throw ModelError(file: file, .invalidGraph(reason: "no input")) }
        var folder = Folder(file: file, opset: opset)
        folder.env[input.name] = .runtime(name: input.name, shape: inputShape)
        folder.shapes[input.name] = inputShape
        try folder.fold(self)
        var outputs: [String] = []
        for name in self.outputs {
            guard case let .runtime(value, _)? = folder.env[name] else {
                throw ModelError(file: file, .invalidGraph(reason: "output \(quoted(name)) does not depend on the input"))
            }
            outputs.append(value)
        }
        return ResolvedGraph(inputName: input.name, inputShape: inputShape, nodes: folder.nodes, shapes: folder.shapes,
                             outputs: outputs, constants: folder.constants)
    }
}

/// The state of one folding walk.
private struct Folder {
    let file: String
    let opset: Int
    var env: [String: Operand] = [:]
    var shapes: [String: [Int]] = [:]
    var nodes: [ComputeNode] = []
    var constants: Set<String> = []
    /// Outputs we do not compute (MaxPool indices, Dropout masks), by the node that declares them.
    var uncomputed: [String: Node] = [:]

    init(file: String, opset: Int) {
        self.file = file
        self.opset = opset
    }

    mutating func fold(_ graph: Graph) throws {
        for (name, value) in graph.initializers {
            env[name] = .constant(value)
            constants.insert(name)
        }
        for node in graph.nodes { try fold(node) }
    }

    private mutating func fold(_ node: Node) throws {
        let operands = try node.inputs.map { name -> Operand? in
            if name.isEmpty { return nil }
            if let operand = env[name] { return operand }
            if let owner = uncomputed[name] {
                throw ModelError(file: file, .unsupportedAttribute(
                    op: owner.opType, node: owner.name, opset: opset, attribute: "output \(quoted(name))",
                    value: "read by node \(quoted(node.name)) (only the first output is computed)"))
            }
            throw ModelError(file: file, .missingValue(node: node.name, value: name))
        }
        switch node.op {
        case let .if(thenBranch, elseBranch):
            try foldIf(node, condition: operands.first ?? nil, thenBranch, elseBranch)
            return
        case let .split(axis, sizes):
            try foldSplit(node, operands, axis: axis, sizes: sizes)
            return
        case let .variadic(mean):
            try foldVariadic(node, mean: mean)
            return
        default:
            break
        }
        let resolved: ResolvedOp
        do {
            resolved = try node.op.resolve(operands)
        } catch let failure as OpFailure {
            throw failure.modelError(file: file, node: node)
        }
        for extra in node.outputs.dropFirst() where !extra.isEmpty { uncomputed[extra] = node }
        guard let output = node.outputs.first, !output.isEmpty else { return }
        if case let .constant(value) = resolved {
            bindConstant(output, value)
        } else if operands.allSatisfy({ $0 == nil || $0?.constant != nil }) {
            guard let count = ShapeMath.count(resolved.outputShapes[0]), count <= ShapeMath.maxFoldedElements else {
                throw ModelError(file: file, .tooLarge(
                    reason: "node \(quoted(node.name)) would build a constant of shape \(ShapeMath.describe(resolved.outputShapes[0])) at load"))
            }
            do {
                bindConstant(output, try resolved.evaluate(operands.map { $0?.constant })[0])
            } catch let failure as OpFailure {
                throw failure.modelError(file: file, node: node)
            }
        } else {
            try checkRuntime(resolved, node)
            let shape = resolved.outputShapes[0]
            guard ShapeMath.count(shape) != nil else {
                throw ModelError(file: file, .tooLarge(reason: "node \(quoted(node.name)) would produce \(ShapeMath.describe(shape))"))
            }
            env[output] = .runtime(name: output, shape: shape)
            shapes[output] = shape
            nodes.append(ComputeNode(name: node.name, opType: node.opType, op: resolved, inputs: operands,
                                     output: output, scopes: node.scopes))
        }
    }

    private mutating func bindConstant(_ name: String, _ value: TypedTensor) {
        env[name] = .constant(value)
        constants.insert(name)
    }

    /// Inlines the branch the (load-time) condition selects; a per-image branch result becomes a
    /// view named after the If's output.
    private mutating func foldIf(_ node: Node, condition: Operand?, _ thenBranch: Graph, _ elseBranch: Graph) throws {
        guard let condition else { throw ModelError(file: file, .missingValue(node: node.name, value: "cond")) }
        guard let flag = condition.constant, flag.count == 1 else {
            throw ModelError(file: file, .dynamic(node: node.name, op: "If",
                reason: "the condition changes per image; only conditions known at load are supported"))
        }
        let branch = flag.bools[0] ? thenBranch : elseBranch
        guard branch.outputs.count >= node.outputs.filter({ !$0.isEmpty }).count else {
            throw ModelError(file: file, .invalidGraph(reason: "If node \(quoted(node.name)): the branch has \(branch.outputs.count) outputs for \(node.outputs.count)"))
        }
        try fold(branch)
        for (output, result) in zip(node.outputs, branch.outputs) where !output.isEmpty {
            switch env[result] {
            case let .constant(value)?:
                bindConstant(output, value)
            case let .runtime(name, shape)?:
                env[output] = .runtime(name: output, shape: shape)
                shapes[output] = shape
                nodes.append(ComputeNode(name: node.name, opType: "If", op: .view(shape: shape),
                                         inputs: [.runtime(name: name, shape: shape)], output: output, scopes: node.scopes))
            case nil:
                throw ModelError(file: file, .missingValue(node: node.name, value: result))
            }
        }
    }

    /// Split as one Slice per output (each output is then a value like any other: folded when
    /// constant, tappable, planned on its own).
    private mutating func foldSplit(_ node: Node, _ operands: [Operand?], axis: Int, sizes: [Int]?) throws {
        func failure(_ f: OpFailure) -> ModelError { f.modelError(file: file, node: node) }
        guard let x = operands.first ?? nil else { throw failure(.malformed("input 0 (input) is missing")) }
        guard let a = ShapeMath.normalize(axis: axis, rank: x.shape.count) else {
            throw failure(.malformed("axis \(axis) is out of range for rank \(x.shape.count)"))
        }
        let length = x.shape[a], count = node.outputs.count
        var parts = sizes
        if parts == nil {
            do { parts = try operands.constantInts(1, "split") } catch let f as OpFailure { throw failure(f) }
        }
        // No sizes: equal parts, the last one smaller when the axis does not divide (opset 18).
        let chunk = (length + count - 1) / max(1, count)
        let sizes = parts ?? (0..<count).map { min(chunk, max(0, length - $0 * chunk)) }
        // Each size is bounded before they are added, so a hostile one cannot overflow the sum.
        guard sizes.count == count, sizes.allSatisfy({ $0 >= 0 && $0 <= length }), sizes.reduce(0, +) == length else {
            throw failure(.shape("sizes \(sizes) do not split axis \(a) of \(ShapeMath.describe(x.shape)) into \(count) outputs"))
        }
        var start = 0
        for (output, size) in zip(node.outputs, sizes) {
            defer { start += size }
            guard !output.isEmpty else { continue }
            try fold(Node(name: node.name, opType: node.opType,
                          op: .slice(SliceAttributes(starts: [start], ends: [start + size], axes: [a])),
                          inputs: [node.inputs[0]], outputs: [output], scopes: node.scopes))
        }
    }

    /// Sum and Mean of n inputs as n - 1 broadcasting Adds (and a division by n for Mean), on
    /// values named after the output (`y#sum1`, ...).
    private mutating func foldVariadic(_ node: Node, mean: Bool) throws {
        guard let output = node.outputs.first, !output.isEmpty else { return }
        let names = node.inputs
        func step(_ op: Op, _ inputs: [String], _ out: String) throws {
            try fold(Node(name: node.name, opType: node.opType, op: op, inputs: inputs, outputs: [out], scopes: node.scopes))
        }
        if names.count == 1 && !mean { return try step(.identity, names, output) }
        var sum = names[0]
        for (k, name) in names.dropFirst().enumerated() {
            let next = k == names.count - 2 && !mean ? output : "\(output)#sum\(k + 1)"
            try step(.binary(.add), [sum, name], next)
            sum = next
        }
        if mean {
            let divisor = "\(output)#count"
            bindConstant(divisor, TypedTensor(shape: [], floats: [Float(names.count)]))
            try step(.binary(.div), [sum, divisor], output)
        }
    }

    /// Refuses per-image computations the float executor does not do.
    private func checkRuntime(_ op: ResolvedOp, _ node: Node) throws {
        let problem: String? = switch op {
        case let .cast(to, _) where to != .float: "casting per-image values to \(to)"
        case let .binary(b, _) where b.isComparison: "comparing per-image values"
        case .unary(.not, _): "logic on per-image values"
        default: nil
        }
        if let problem {
            throw ModelError(file: file, .dynamic(node: node.name, op: node.opType, reason: "\(problem) is not supported"))
        }
    }
}

extension OpFailure {
    func modelError(file: String, node: Node) -> ModelError {
        switch kind {
        case .shape: ModelError(file: file, .shape(node: node.name, op: node.opType, reason: reason))
        case .malformed: ModelError(file: file, .invalidNode(node: node.name, op: node.opType, reason: reason))
        case .dynamic: ModelError(file: file, .dynamic(node: node.name, op: node.opType, reason: reason))
        }
    }
}

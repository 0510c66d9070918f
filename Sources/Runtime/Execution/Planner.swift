// Planning: per-image graph -> ExecutionPlan, in three passes.
//   1. Steps: one per node, with conv -> [Add] -> [activation], linear -> [Add bias] -> [activation]
//      and affine -> [activation] chains fused when the intermediate values are read by nothing else; reshapes become views
//      (no step, shared storage); an edit becomes a step right after its layer. Then inverted
//      residual blocks a provider takes become one step each (Planner+Blocks.swift), and
//      Concats whose inputs can be written straight into their output do no work
//      (Planner+Concat.swift).
//   2. Memory: each value's lifetime (first write to last read; requested values live to the
//      end) and a greedy offset assignment, largest first, reusing space whose lifetimes do not
//      overlap. Constant operands get their own region, copied in once.
//   3. Binding: every step becomes a closure over arena pointers (Planner+Steps.swift).

/// What one step does, before memory is assigned.
enum StepKind {
    /// A node run by the reference operators (or a provider, for pooling).
    case node(ComputeNode)
    /// A convolution with its fused residual add and activation.
    case conv(ComputeNode, residual: String?, activation: Activation)
    /// A Gemm/MatMul with constant weights as a fully connected layer, with its activation.
    case linear(ComputeNode, LinearRequest)
    /// The same storage under a new shape: no work.
    case view(source: String)
    /// A copy (a view whose result is edited, so the edit does not leak into its source).
    case copy(source: String)
    /// An in-place edit of a layer's output.
    case edit(LayerEdit)
    /// Convolutions run as one block by a provider's kernel (Planner+Blocks.swift): reads x
    /// (and the residual).
    case block(PreparedKernel, residual: String?)
    /// A Concat whose inputs were written into their places in its output (Planner+Concat.swift):
    /// no work. Each part starts `offset` floats into the output.
    case assembled(parts: [(value: String, offset: Int)])
}

/// One step before memory is assigned.
struct StepSpec {
    var name: String
    var kind: StepKind
    /// Per-image values read.
    var reads: [String]
    /// The value written.
    var output: String
}

/// Compiles a resolved graph for one batch size.
struct Planner {
    let file: String
    let graph: ResolvedGraph
    /// Values copied out after each run.
    let requested: [String]
    /// Edits by value name.
    let edits: [String: LayerEdit]
    let providers: [any KernelProvider]
    /// Largest arena we agree to allocate, in floats (16 GiB).
    static let maxArenaFloats = 1 << 32

    func plan() throws -> ExecutionPlan {
        let specs = try makeSteps()
        let memory = try MemoryPlan(graph: graph, specs: specs, requested: requested, file: file)
        let prepared = try specs.enumerated().map { try prepare($0.element, index: $0.offset) }
        let scratch = prepared.map(\.scratch).max() ?? 0
        let (total, overflow) = memory.total.addingReportingOverflow(scratch)
        guard !overflow, total <= Self.maxArenaFloats else {
            throw ModelError(file: file, .tooLarge(reason: "running this batch needs \(total / (1 << 18)) MiB of buffers"))
        }
        let arena = Arena(count: total)
        memory.copyConstants(into: arena)
        let context = BindingContext(memory: memory, base: arena.base, scratch: arena.base + memory.total)
        let steps = prepared.map { Step(name: $0.name, label: $0.label, run: $0.bind(context)) }
        return ExecutionPlan(batch: graph.inputShape[0], arena: arena,
                             inputOffset: memory.offset(of: graph.inputName), inputCount: graph.inputShape.reduce(1, *),
                             outputs: requested.map { ($0, memory.offset(of: $0), graph.shapes[$0]!) }, steps: steps)
    }

    // MARK: Pass 1: steps and fusion

    func makeSteps() throws -> [StepSpec] {
        let nodes = graph.nodes
        let producers = graph.producers
        let protected = Set(requested).union(edits.keys)
        let readers = graph.soleReaders(protected: protected)
        /// The node reading `value`, when it is the only reader and the value is not protected.
        func soleConsumer(_ value: String) -> Int? { readers[value] }
        var fused = Set<Int>()
        /// Extends a chain ending in `value` by an activation node reading it alone.
        func fuseActivation(_ value: inout String, _ names: inout [String]) -> Activation {
            guard let k = soleConsumer(value), !fused.contains(k), let a = nodes[k].op.fusibleActivation else { return .none }
            fused.insert(k)
            value = nodes[k].output
            names.append(nodes[k].name)
            return a
        }
        var specs: [StepSpec] = []
        for (i, node) in nodes.enumerated() where !fused.contains(i) {
            var output = node.output
            var names = [node.name]
            switch node.op {
            case let .conv(_, shape):
                guard node.inputs[1]?.constant != nil, node.inputs.count < 3 || node.inputs[2] == nil || node.inputs[2]?.constant != nil else {
                    throw ModelError(file: file, .dynamic(node: node.name, op: node.opType, reason: "weights that change per image are not supported"))
                }
                guard case let .runtime(x, _)? = node.inputs[0] else { preconditionFailure("conv without a per-image input") }
                var residual: String? = nil
                if let j = soleConsumer(output), !fused.contains(j), case let .binary(.add, b) = nodes[j].op,
                   b.outputShape == shape,
                   let other = nodes[j].runtimeInputs.first(where: { $0 != output }),
                   graph.shapes[other] == shape, nodes[j].runtimeInputs.count == 2,
                   (producers[other] ?? -1) < i {
                    fused.insert(j)
                    residual = other
                    output = nodes[j].output
                    names.append(nodes[j].name)
                }
                let activation = fuseActivation(&output, &names)
                specs.append(StepSpec(name: names.joined(separator: " + "), kind: .conv(node, residual: residual, activation: activation),
                                      reads: [x] + (residual.map { [$0] } ?? []), output: output))
            case .gemm, .matMul:
                if var request = node.linearRequest, case let .runtime(x, _)? = node.inputs[0] {
                    // MatMul then Add of a constant row (how exporters write nn.Linear on tokens):
                    // the row is the linear layer's bias.
                    if request.bias == nil, let j = soleConsumer(output), !fused.contains(j),
                       let bias = nodes[j].addedRow(to: output, columns: request.outFeatures, shape: graph.shapes[output]!) {
                        fused.insert(j)
                        request.bias = bias
                        output = nodes[j].output
                        names.append(nodes[j].name)
                    }
                    request.activation = fuseActivation(&output, &names)
                    specs.append(StepSpec(name: names.joined(separator: " + "), kind: .linear(node, request), reads: [x], output: output))
                } else {
                    specs.append(StepSpec(name: node.name, kind: .node(node), reads: node.runtimeInputs, output: output))
                }
            case var .affine(s) where s.activation == .none:
                // A per-channel affine map (a standalone BatchNormalization, a bias after a moved
                // pool) with the activation after it, one pass.
                s.activation = fuseActivation(&output, &names)
                var fusedNode = node
                fusedNode.op = .affine(s)
                fusedNode.output = output  // the step writes the activation's value
                fusedNode.name = names.joined(separator: " + ")
                specs.append(StepSpec(name: names.joined(separator: " + "), kind: .node(fusedNode),
                                      reads: node.runtimeInputs, output: output))
            case .view, .cast(.float, _):
                guard case let .runtime(source, _)? = node.inputs[0] else { preconditionFailure("view without a per-image input") }
                let kind: StepKind = edits[output] == nil ? .view(source: source) : .copy(source: source)
                specs.append(StepSpec(name: node.name, kind: kind, reads: [source], output: output))
            default:
                specs.append(StepSpec(name: node.name, kind: .node(node), reads: node.runtimeInputs, output: output))
            }
            if let edit = edits[output] {
                specs.append(StepSpec(name: "edit \(output)", kind: .edit(edit), reads: [output], output: output))
            }
        }
        return assembleConcats(fuseBlocks(specs, readers: readers))
    }
}

extension ResolvedOp {
    /// The activation this node applies, when it can be fused into a kernel's epilogue.
    var fusibleActivation: Activation? {
        if case let .activation(f, _) = self { return f }
        return nil
    }

    /// Indices of the inputs read as data (the rest are parameters folded into the operator).
    var dataInputs: [Int] {
        switch self {
        case .binary, .matMul: [0, 1]
        case .gemm, .layerNorm: [0, 1, 2]
        case .select: [1, 2]
        case .scatterND: [0, 2]
        case let .concat(s): Array(s.inner.indices)
        case .constant: []
        default: [0]
        }
    }
}

extension ComputeNode {
    /// When this node is `value + row` (either order) with `row` a constant of `columns` values
    /// broadcast along the last axis, and the sum keeps `value`'s shape: the row.
    func addedRow(to value: String, columns: Int, shape: [Int]) -> [Float]? {
        guard case let .binary(.add, b) = op, b.outputShape == shape, inputs.count == 2 else { return nil }
        let row: TypedTensor
        switch (inputs[0], inputs[1]) {
        case let (.runtime(name, _)?, .constant(t)?) where name == value: row = t
        case let (.constant(t)?, .runtime(name, _)?) where name == value: row = t
        default: return nil
        }
        guard row.count == columns, row.shape.last == columns, row.shape.dropLast().allSatisfy({ $0 == 1 }),
              row.shape.count <= shape.count else { return nil }
        return row.floats
    }

    /// This Gemm or MatMul as a fully connected layer, when its weights are constants:
    /// Gemm with A not transposed and C absent or one value per column; MatMul by a constant matrix.
    var linearRequest: LinearRequest? {
        switch op {
        case let .gemm(g):
            guard !g.transA, let b = inputs[1]?.constant, inputs[0]?.constant == nil else { return nil }
            let bv = b.floats
            var w = [Float](repeating: 0, count: g.n * g.k)
            for j in 0..<g.n {
                for p in 0..<g.k { w[j * g.k + p] = g.alpha * (g.transB ? bv[j * g.k + p] : bv[p * g.n + j]) }
            }
            var bias: [Float]? = nil
            if inputs.count > 2, let c = inputs[2] {
                guard let cv = c.constant?.floats else { return nil }
                switch g.addend {
                case .none: break
                case .scalar: bias = [Float](repeating: g.beta * cv[0], count: g.n)
                case .row: bias = cv.map { g.beta * $0 }
                case .column, .full: return nil
                }
            }
            return LinearRequest(rows: g.m, inFeatures: g.k, outFeatures: g.n, weights: w, bias: bias, activation: .none)
        case let .matMul(s):
            guard let b = inputs[1]?.constant, b.rank == 2, let a = inputs[0], a.constant == nil, a.shape.count >= 2 else { return nil }
            let bv = b.floats
            var w = [Float](repeating: 0, count: s.n * s.k)
            for j in 0..<s.n { for p in 0..<s.k { w[j * s.k + p] = bv[p * s.n + j] } }
            return LinearRequest(rows: a.shape.dropLast().reduce(1, *), inFeatures: s.k, outFeatures: s.n,
                                 weights: w, bias: nil, activation: .none)
        default:
            return nil
        }
    }
}

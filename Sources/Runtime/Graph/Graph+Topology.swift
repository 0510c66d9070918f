// Ordering and well-formedness: every value read is defined exactly once, the graph has no
// cycle, and nodes run in an order where each value exists before it is read. ONNX requires
// files to be sorted already; we sort anyway (a depth-first order that keeps the file's order
// when it is valid) and name the nodes of a cycle when there is one.

extension Graph {
    /// Values read inside this graph's nodes (and nested branches) that it does not define
    /// itself: what an If branch takes from the enclosing graph.
    var outerReads: [String] {
        var defined = Set(inputs.map(\.name)).union(initializers.keys)
        for node in nodes { defined.formUnion(node.outputs) }
        var reads: [String] = []
        var seen = Set<String>()
        func note(_ name: String) {
            if !name.isEmpty && !defined.contains(name) && seen.insert(name).inserted { reads.append(name) }
        }
        for node in nodes {
            node.inputs.forEach(note)
            node.branchReads.forEach(note)
        }
        outputs.forEach(note)
        return reads
    }

    /// The same graph with nodes in dependency order, branches sorted too.
    ///
    /// - Parameter outer: values the enclosing graph defines (empty for the main graph).
    func topologicallySorted(file: String, outer: Set<String> = []) throws -> Graph {
        var producer: [String: Int] = [:]
        var defined = outer
        for name in inputs.map(\.name) + initializers.keys {
            defined.insert(name)
        }
        for (index, node) in nodes.enumerated() {
            for output in node.outputs where !output.isEmpty {
                guard producer[output] == nil, !initializers.keys.contains(output), !inputs.contains(where: { $0.name == output }) else {
                    throw ModelError(file: file, .invalidGraph(reason: "value \(quoted(output)) is defined more than once"))
                }
                producer[output] = index
            }
        }
        defined.formUnion(producer.keys)
        // Dependencies, checking every read is defined somewhere.
        var dependencies: [[Int]] = []
        for node in nodes {
            var deps: [Int] = []
            for name in node.inputs + node.branchReads where !name.isEmpty {
                guard defined.contains(name) else { throw ModelError(file: file, .missingValue(node: node.name, value: name)) }
                if let p = producer[name] { deps.append(p) }
            }
            dependencies.append(deps)
        }
        for output in outputs where !defined.contains(output) {
            throw ModelError(file: file, .missingValue(node: "graph output", value: output))
        }
        // Iterative depth-first search; state 1 = on the stack, 2 = done.
        var state = [UInt8](repeating: 0, count: nodes.count)
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        for root in nodes.indices where state[root] == 0 {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            while let top = stack.last {
                let deps = dependencies[top.node]
                if top.next < deps.count {
                    stack[stack.count - 1].next += 1
                    let d = deps[top.next]
                    if state[d] == 1 {
                        let start = stack.firstIndex { $0.node == d } ?? 0
                        throw ModelError(file: file, .cycle(nodes: stack[start...].map { nodes[$0.node].name }))
                    }
                    if state[d] == 0 {
                        state[d] = 1
                        stack.append((d, 0))
                    }
                } else {
                    state[top.node] = 2
                    order.append(top.node)
                    stack.removeLast()
                }
            }
        }
        var sorted = self
        sorted.nodes = try order.map { index in
            var node = nodes[index]
            if case let .if(thenBranch, elseBranch) = node.op {
                node.op = .if(then: try thenBranch.topologicallySorted(file: file, outer: defined),
                              else: try elseBranch.topologicallySorted(file: file, outer: defined))
            }
            return node
        }
        return sorted
    }
}

extension Node {
    /// Values the node's If branches read from the enclosing graph (empty for other operators).
    var branchReads: [String] {
        guard case let .if(thenBranch, elseBranch) = op else { return [] }
        return thenBranch.outerReads + elseBranch.outerReads
    }
}

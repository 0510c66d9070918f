// The names a layer answers to, resolved to the per-image value they denote.
//
// A name is tried as an ONNX value name, then as a node name (its output), then as a PyTorch
// module path: the output of the last node, in execution order, inside that module's scope
// (`features.13` is the residual Add that ends the block; `layer4` the last ReLU of ResNet).

/// Layer naming over one resolved graph.
struct LayerNames {
    private var values: Set<String> = []
    private var nodeOutputs: [String: String] = [:]
    private var moduleOutputs: [String: String] = [:]
    private var modulesByValue: [String: [String]] = [:]
    private var constants: Set<String>
    private var order: [String] = []

    init(_ graph: ResolvedGraph) {
        constants = graph.constants
        for node in graph.nodes {
            values.insert(node.output)
            order.append(node.output)
            nodeOutputs[node.name] = node.output
            for path in node.scopes {
                moduleOutputs[path] = node.output
                // The legacy exporter names the second call of a module `relu_1`: the module's own
                // path then denotes its last call, as a PyTorch forward hook sees it.
                if let base = Self.repeatedCallBase(path), moduleOutputs[base] != nil { moduleOutputs[base] = node.output }
            }
        }
        // Outermost first: paths are nested, so the one with fewer parts is the outer. The part
        // counts are taken once per path, not once per comparison.
        var byValue: [String: [(parts: Int, path: String)]] = [:]
        for (path, value) in moduleOutputs {
            byValue[value, default: []].append((path.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: ".") ? 1 : 0) }, path))
        }
        for (value, paths) in byValue {
            modulesByValue[value] = paths.sorted { ($0.parts, $0.path) < ($1.parts, $1.path) }.map(\.path)
        }
    }

    /// `a.b.relu` for `a.b.relu_2`: the path a repeated call's scope stands for.
    static func repeatedCallBase(_ path: String) -> String? {
        guard let underscore = path.lastIndex(of: "_"), !path[path.index(after: underscore)...].isEmpty,
              path[path.index(after: underscore)...].allSatisfy(\.isNumber),
              !path[path.index(after: underscore)...].contains(".") else { return nil }
        let base = String(path[..<underscore])
        return base.isEmpty || base.hasSuffix(".") ? nil : base
    }

    /// Module paths whose output `value` is, outermost first.
    func modules(of value: String) -> [String] { modulesByValue[value] ?? [] }

    /// The value a layer name refers to.
    func resolve(_ name: String, file: String) throws -> String {
        if values.contains(name) { return name }
        if let value = nodeOutputs[name] { return value }
        if let value = moduleOutputs[name] { return value }
        if constants.contains(name) {
            throw ModelError(file: file, .unknownLayer(name: name, suggestions: []))
        }
        throw ModelError(file: file, .unknownLayer(name: name, suggestions: suggestions(for: name)))
    }

    /// Up to three known names close to `name`.
    func suggestions(for name: String) -> [String] {
        let candidates = Array(moduleOutputs.keys) + Array(nodeOutputs.keys) + order
        let query = name.lowercased()
        var scored: [(Int, String)] = []
        var seen = Set<String>()
        for candidate in candidates where seen.insert(candidate).inserted {
            let c = candidate.lowercased()
            let distance = Self.editDistance(query, c, limit: 3)
            if distance <= min(3, max(1, query.count / 3)) {
                scored.append((distance, candidate))
            } else if query.count >= 3 && c.contains(query) {
                scored.append((4 + c.count - query.count, candidate))
            }
        }
        return scored.sorted { $0 < $1 }.prefix(3).map(\.1)
    }

    /// Levenshtein distance, giving up (returning `limit + 1`) once it exceeds `limit`.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if abs(a.count - b.count) > limit { return limit + 1 }
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            var best = current[0]
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                best = min(best, current[j])
            }
            if best > limit { return limit + 1 }
            previous = current
        }
        return previous[b.count]
    }
}

// Pass 1, last: concatenations written in place.
//
// A Concat whose inputs lie one after another in its output (every dimension before the axis
// is 1: channels at batch 1, the plans the image lanes run) costs a copy of everything it
// joins, and its inputs and output are alive together. When each input is a value of its own
// (written by a step of this plan, not the image input, not a view, not requested, not edited,
// joined by no other Concat) and starts at a 64-byte boundary of the output, the steps writing
// the inputs write straight into their places in the output instead (`MemoryPlan` gives each
// input its slice of the output's storage), and the Concat becomes a step with no work. Not
// when the output is edited: the edit would change the parts under the steps still reading them.
// Inception-v3's eleven Concats took 0.24 ms per image on two threads (benchmarks/README.md,
// "Concat in place"); a Concat inside a Concat (Mixed_7b's) nests its slices.

extension Planner {
    /// `specs` with every Concat that can be written in place marked `.assembled`.
    func assembleConcats(_ specs: [StepSpec]) -> [StepSpec] {
        let protected = Set(requested).union(edits.keys)
        // Values with a storage of their own: written by a step that is not a view.
        var owned = Set<String>()
        for spec in specs {
            if case .view = spec.kind { continue }
            if case .edit = spec.kind { continue }
            owned.insert(spec.output)
        }
        // How many times each value is joined, over all Concats.
        var joined: [String: Int] = [:]
        for spec in specs {
            guard case let .node(node) = spec.kind, case .concat = node.op else { continue }
            for case let .runtime(name, _)? in node.inputs { joined[name, default: 0] += 1 }
        }
        return specs.map { spec in
            // An edited output would change its parts in place for the steps still reading them.
            guard case let .node(node) = spec.kind, case let .concat(s) = node.op, s.outer == 1,
                  edits[spec.output] == nil else { return spec }
            var parts: [(value: String, offset: Int)] = [], offset = 0
            for (input, count) in zip(node.inputs, s.inner) {
                guard case let .runtime(name, _)? = input, owned.contains(name), !protected.contains(name),
                      name != graph.inputName, joined[name] == 1, offset % MemoryPlan.alignment == 0 else { return spec }
                parts.append((name, offset))
                offset += count
            }
            var assembled = spec
            assembled.kind = .assembled(parts: parts)
            return assembled
        }
    }
}

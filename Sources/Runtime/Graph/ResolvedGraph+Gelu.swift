// Exact Gelu written out as Erf: torch's exporter (before opset 20, where Gelu became an ONNX
// operator) writes `nn.GELU()` as five element-wise nodes,
//
//     d = x / 1.41421...    e = Erf(d)    s = e + 1    m = x * s    y = m * 0.5
//
// (each Add and Mul in either operand order; the division may be a multiplication by
// 0.70710...). Recognised when planning a session, the five become one Gelu activation node,
// which the planner then fuses into the linear layer before it (ViT's and ConvNeXt's MLPs): one
// pass over the values instead of five, and no intermediate values in memory.

extension ResolvedGraph {
    /// Rewrites every Erf-form Gelu into one `.activation(.gelu)` node computing `y` from `x`,
    /// when `d`, `e`, `s` and `m` are read by the next node of the pattern alone and none of them
    /// is in `protected` (tapped, edited or an output); `x` and `y` keep their names.
    func fusingGelu(protected: Set<String>) -> ResolvedGraph {
        let readers = soleReaders(protected: protected)
        /// The node reading `value`, when it is the only reader and the value may disappear.
        func soleReader(_ value: String) -> Int? { readers[value] }
        var result = self
        var removed = Set<Int>()
        for (i, node) in nodes.enumerated() {
            guard case let .unary(.erf, shape) = node.op, case let .runtime(d, _)? = node.inputs.first,
                  let divide = producerIndex(of: d, before: i), !removed.contains(divide),
                  let x = nodes[divide].scaledInput(by: 0.707_106_78), readers[d] == i,
                  let plus = soleReader(node.output), nodes[plus].isBinary(.add, of: node.output, constant: 1, shape: shape),
                  let times = soleReader(nodes[plus].output), nodes[times].isBinary(.mul, of: nodes[plus].output, runtime: x, shape: shape),
                  let half = soleReader(nodes[times].output), nodes[half].isBinary(.mul, of: nodes[times].output, constant: 0.5, shape: shape)
            else { continue }
            var gelu = nodes[half]
            gelu.op = .activation(.gelu, shape: shape)
            gelu.opType = "Gelu"
            gelu.inputs = [.runtime(name: x, shape: shape)]
            result.nodes[half] = gelu
            removed.formUnion([divide, i, plus, times])
        }
        guard !removed.isEmpty else { return self }
        result.nodes = result.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        return result
    }

    /// The node before `index` computing `value`.
    private func producerIndex(of value: String, before index: Int) -> Int? {
        nodes[..<index].lastIndex { $0.output == value }
    }
}

private extension ComputeNode {
    /// When this node is `x / c` or `x * (1 / c)` (either order) with c the constant whose
    /// reciprocal is `factor`, x a per-image value of the node's shape: x.
    func scaledInput(by factor: Float) -> String? {
        guard case let .binary(kind, b) = self.op, kind == .div || kind == .mul, inputs.count == 2 else { return nil }
        let operands = kind == .div ? [(inputs[0], inputs[1])] : [(inputs[0], inputs[1]), (inputs[1], inputs[0])]
        for (value, scale) in operands {
            guard case let .runtime(x, shape)? = value, shape == b.outputShape, let c = scale?.constant?.scalar else { continue }
            let effective = kind == .div ? 1 / c : c
            if abs(effective - factor) <= 1e-6 * factor { return x }
        }
        return nil
    }

    /// Whether this node is `value op constant` (either order), the constant one value equal to
    /// `constant`, keeping `shape`.
    func isBinary(_ kind: BinaryOp, of value: String, constant: Float, shape: [Int]) -> Bool {
        guard case let .binary(found, b) = self.op, found == kind, b.outputShape == shape, inputs.count == 2 else { return false }
        switch (inputs[0], inputs[1]) {
        case let (.runtime(name, _)?, .constant(t)?), let (.constant(t)?, .runtime(name, _)?):
            return name == value && t.scalar == constant
        default:
            return false
        }
    }

    /// Whether this node is `value op other` (either order) with both per-image values of `shape`.
    func isBinary(_ kind: BinaryOp, of value: String, runtime other: String, shape: [Int]) -> Bool {
        guard case let .binary(found, b) = self.op, found == kind, b.outputShape == shape, inputs.count == 2,
              case let .runtime(first, firstShape)? = inputs[0], case let .runtime(second, secondShape)? = inputs[1],
              firstShape == shape, secondShape == shape else { return false }
        return (first == value && second == other) || (first == other && second == value)
    }
}

private extension TypedTensor {
    /// The single float value of a one-element tensor, or nil.
    var scalar: Float? {
        guard count == 1, elementType == .float else { return nil }
        return floats[0]
    }
}

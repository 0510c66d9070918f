// Compositional explanations' formulas: labels joined left-deep by OR, AND and AND NOT.
//
// Mu and Andreas ("Compositional Explanations of Neurons", NeurIPS 2020) grow a formula one label
// at a time, always on the right: `((a OR b) AND NOT c)`. A formula of length n is therefore a
// first label and n - 1 steps (operator, label), which is how it is held here. NOT never stands
// alone: it only appears as AND NOT, so every formula's mask lies inside the union of its labels.
//
// Text: `(water OR river) AND NOT blue-c` (the outermost parentheses dropped). Tree: JSON with
// label ids, `{"op":"and not","left":{"op":"or","left":{"label":3},"right":{"label":7}},"right":{"label":12}}`,
// what run.sqlite stores and `Formula(tree:)` reads back (checked: depth, operators, label ids).
import Foundation

/// An operator joining a formula and a label.
public enum FormulaOp: Int, Sendable, CaseIterable, Comparable {
    case or = 0, and = 1, andNot = 2

    /// As written in a formula's text and tree: `OR`, `AND`, `AND NOT` (tree: lower case).
    public var text: String {
        switch self {
        case .or: return "OR"
        case .and: return "AND"
        case .andNot: return "AND NOT"
        }
    }

    public static func < (a: FormulaOp, b: FormulaOp) -> Bool { a.rawValue < b.rawValue }
}

/// A left-deep formula: `first`, then each step applies `op` with `label` on the right.
public struct Formula: Sendable, Hashable {
    /// One step: the operator and the label on its right.
    public struct Step: Sendable, Hashable {
        public var op: FormulaOp
        public var label: Int32
        public init(_ op: FormulaOp, _ label: Int32) {
            self.op = op
            self.label = label
        }
    }

    /// The leftmost label.
    public var first: Int32
    /// The steps, innermost first.
    public var steps: [Step]

    /// The single label `first`.
    public init(_ first: Int32, steps: [Step] = []) {
        self.first = first
        self.steps = steps
    }

    /// Number of labels.
    public var length: Int { 1 + steps.count }

    /// Label ids in reading order.
    public var labels: [Int32] { [first] + steps.map(\.label) }

    /// This formula with one more step.
    public func appending(_ op: FormulaOp, _ label: Int32) -> Formula {
        Formula(first, steps: steps + [Step(op, label)])
    }

    /// The formula's text with each label named by `name`: `(a OR b) AND NOT c`.
    public func text(_ name: (Int32) -> String) -> String {
        var s = name(first)
        for (k, step) in steps.enumerated() {
            if k > 0 { s = "(\(s))" }
            s += " \(step.op.text) \(name(step.label))"
        }
        return s
    }

    /// The tree as JSON (label ids), nested left-deep.
    public var tree: String {
        var s = "{\"label\":\(first)}"
        for step in steps {
            s = "{\"op\":\"\(step.op.text.lowercased())\",\"left\":\(s),\"right\":{\"label\":\(step.label)}}"
        }
        return s
    }

    /// The deterministic order among formulas of equal IoU: shorter first, then by the sequence
    /// (first label, then each step's label and operator).
    public static func precedes(_ a: Formula, _ b: Formula) -> Bool {
        if a.length != b.length { return a.length < b.length }
        if a.first != b.first { return a.first < b.first }
        for (x, y) in zip(a.steps, b.steps) {
            if x.label != y.label { return x.label < y.label }
            if x.op != y.op { return x.op < y.op }
        }
        return false
    }
}

extension Formula {
    /// Reads a tree `tree` wrote; nil when it is not one (bad JSON, not left-deep, an unknown
    /// operator, a label outside `1...maxLabel`, or more than `maxLength` labels).
    public init?(tree: String, maxLabel: Int, maxLength: Int) {
        // The size bounds the nesting the decoder sees.
        guard maxLength >= 1, tree.utf8.count <= 80 * maxLength,
              let root = try? JSONDecoder().decode(TreeNode.self, from: Data(tree.utf8)) else { return nil }
        var steps: [Step] = []
        var node = root
        while true {
            if let label = node.label {
                guard node.op == nil, node.left == nil, node.right == nil, (1...Int32(clamping: maxLabel)).contains(label),
                      steps.count < maxLength else { return nil }
                self.init(label, steps: steps.reversed())
                return
            }
            guard let opText = node.op, let op = FormulaOp.allCases.first(where: { $0.text.lowercased() == opText }),
                  let right = node.right?.node, right.op == nil, right.left == nil, right.right == nil,
                  let label = right.label, (1...Int32(clamping: maxLabel)).contains(label),
                  let left = node.left?.node, steps.count + 1 < maxLength else { return nil }
            steps.append(Step(op, label))
            node = left
        }
    }
}

/// One node of a stored tree.
private struct TreeNode: Decodable {
    var label: Int32?
    var op: String?
    var left: TreeBox?
    var right: TreeBox?
}

/// Indirection for the recursive node.
private final class TreeBox: Decodable {
    let node: TreeNode
    init(from decoder: Decoder) throws { node = try TreeNode(from: decoder) }
}

// Typed access to one node's attributes, with errors that name the node, the operator and the
// attribute. Attribute values are checked against the range an operator accepts here, at load,
// so that nothing later does arithmetic on an absurd size.

/// The attributes of one node, read by `Op.parse`.
struct NodeAttributes {
    let file: String
    let node: String
    let op: String
    let opset: Int
    let decoder: TensorDecoder
    private let byName: [String: Onnx_AttributeProto]

    init(_ proto: Onnx_NodeProto, name: String, opset: Int, decoder: TensorDecoder) {
        file = decoder.file
        node = name
        op = proto.opType
        self.opset = opset
        self.decoder = decoder
        var map: [String: Onnx_AttributeProto] = [:]
        for a in proto.attribute { map[a.name] = a }
        byName = map
    }

    /// Whether the attribute is present.
    func has(_ name: String) -> Bool { byName[name] != nil }

    /// The names of all attributes present.
    var names: [String] { Array(byName.keys) }

    /// An attribute's value is missing, of the wrong type or out of range.
    func invalid(_ attribute: String, _ reason: String) -> ModelError {
        ModelError(file: file, .invalidAttribute(op: op, node: node, attribute: quoted(attribute, bare: true), reason: reason))
    }

    /// An attribute's value (from the file, cut to a readable length) is not implemented.
    func unsupported(_ attribute: String, _ value: String) -> ModelError {
        ModelError(file: file, .unsupportedAttribute(op: op, node: node, opset: opset, attribute: quoted(attribute, bare: true),
                                                     value: quoted(value, bare: true)))
    }

    private func attribute(_ name: String, _ type: Onnx_AttributeProto.AttributeType) throws -> Onnx_AttributeProto? {
        guard let a = byName[name] else { return nil }
        // Old files leave `type` unset; then trust the field that is filled in.
        guard a.type == type || a.type == .undefined else {
            throw invalid(name, "has type \(a.type), expected \(type)")
        }
        return a
    }

    /// An integer attribute within `range`.
    func int(_ name: String, default value: Int, in range: ClosedRange<Int> = -(1 << 40)...(1 << 40)) throws -> Int {
        guard let a = try attribute(name, .int) else { return value }
        let v = Int(a.i)
        guard range.contains(v) else { throw invalid(name, "= \(v) is outside \(range.lowerBound)...\(range.upperBound)") }
        return v
    }

    /// An integer list attribute whose elements lie within `range`, or nil when absent.
    func ints(_ name: String, in range: ClosedRange<Int> = -(1 << 40)...(1 << 40)) throws -> [Int]? {
        guard let a = try attribute(name, .ints) else { return nil }
        let values = a.ints.map { Int($0) }
        if let bad = values.first(where: { !range.contains($0) }) {
            throw invalid(name, "contains \(bad), outside \(range.lowerBound)...\(range.upperBound)")
        }
        return values
    }

    /// An integer list attribute clamped to `range` (Slice's "to the end" is INT64_MAX).
    func clampedInts(_ name: String, to range: ClosedRange<Int>) throws -> [Int]? {
        guard let a = try attribute(name, .ints) else { return nil }
        return a.ints.map { Swift.min(Swift.max(Int($0), range.lowerBound), range.upperBound) }
    }

    /// A float attribute.
    func float(_ name: String, default value: Float) throws -> Float {
        guard let a = try attribute(name, .float) else { return value }
        guard a.f.isFinite else { throw invalid(name, "= \(a.f) is not finite") }
        return a.f
    }

    /// A float list attribute, or nil when absent.
    func floats(_ name: String) throws -> [Float]? {
        try attribute(name, .floats)?.floats
    }

    /// A string attribute.
    func string(_ name: String, default value: String) throws -> String {
        guard let a = try attribute(name, .string) else { return value }
        guard let s = String(data: a.s, encoding: .utf8) else { throw invalid(name, "is not UTF-8 text") }
        return s
    }

    /// A tensor attribute, decoded.
    func tensor(_ name: String) throws -> TypedTensor? {
        guard let a = try attribute(name, .tensor) else { return nil }
        return try decoder.decode(a.t, name: "\(node).\(name)")
    }

    /// A graph attribute (If branches), undecoded.
    func graph(_ name: String) throws -> Onnx_GraphProto? {
        try attribute(name, .graph)?.g
    }
}

import Foundation

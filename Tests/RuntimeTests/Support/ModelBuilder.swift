// Small ONNX models built in Swift with the generated protobuf types, for tests that need a
// particular (often broken) graph: a missing initializer, a cycle, a negative dimension.
import Foundation
import TestSupport
@testable import Runtime

/// Builds an ONNX model one node at a time.
struct ModelBuilder {
    var opset: Int64 = 13
    var inputName = "x"
    /// Declared input dims: an Int for a fixed size, a String for a symbolic one.
    var inputDims: [Any] = ["N", 3, 4, 4]
    var nodes: [Onnx_NodeProto] = []
    var initializers: [Onnx_TensorProto] = []
    var outputs: [String] = []

    init(opset: Int64 = 13, inputDims: [Any] = ["N", 3, 4, 4]) {
        self.opset = opset
        self.inputDims = inputDims
    }

    /// Adds a node; attributes are Int, Float, String, [Int], [Float] or Onnx_TensorProto values.
    mutating func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String? = nil,
                       _ attributes: [String: Any] = [:]) {
        var n = Onnx_NodeProto()
        n.opType = op
        n.input = inputs
        n.output = outputs
        n.name = name ?? "\(op)_\(nodes.count)"
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
            var a = Onnx_AttributeProto()
            a.name = key
            switch value {
            case let v as Int: a.type = .int; a.i = Int64(v)
            case let v as Float: a.type = .float; a.f = v
            case let v as String: a.type = .string; a.s = Data(v.utf8)
            case let v as [Int]: a.type = .ints; a.ints = v.map(Int64.init)
            case let v as [Float]: a.type = .floats; a.floats = v
            case let v as Onnx_TensorProto: a.type = .tensor; a.t = v
            default: preconditionFailure("ModelBuilder: attribute \(key) of unsupported type")
            }
            n.attribute.append(a)
        }
        nodes.append(n)
    }

    /// Adds a float initializer.
    mutating func initializer(_ name: String, _ shape: [Int], _ values: [Float]) {
        initializers.append(Self.tensor(name, shape, values))
    }

    /// Adds an int64 initializer.
    mutating func initializer(_ name: String, _ shape: [Int], ints: [Int64]) {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = shape.map(Int64.init)
        t.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        t.int64Data = ints
        initializers.append(t)
    }

    /// A float tensor stored as raw little-endian bytes.
    static func tensor(_ name: String, _ shape: [Int], _ values: [Float]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = shape.map(Int64.init)
        t.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        var raw = Data()
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
        t.rawData = raw
        return t
    }

    var proto: Onnx_ModelProto {
        var graph = Onnx_GraphProto()
        graph.name = "test"
        graph.node = nodes
        graph.initializer = initializers
        var input = Onnx_ValueInfoProto()
        input.name = inputName
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = 1
        var shape = Onnx_TensorShapeProto()
        shape.dim = inputDims.map { d in
            var dim = Onnx_TensorShapeProto.Dimension()
            if let v = d as? Int { dim.dimValue = Int64(v) } else { dim.dimParam = "\(d)" }
            return dim
        }
        tensorType.shape = shape
        input.type.tensorType = tensorType
        graph.input = [input]
        graph.output = outputs.map { name in
            var v = Onnx_ValueInfoProto()
            v.name = name
            return v
        }
        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.producerName = "ModelBuilder"
        var opsetID = Onnx_OperatorSetIdProto()
        opsetID.domain = ""
        opsetID.version = opset
        model.opsetImport = [opsetID]
        model.graph = graph
        return model
    }

    var bytes: [UInt8] { [UInt8](try! proto.serializedBytes() as Data) }

    /// Loads the built model from memory.
    func load(name: String = "test.onnx") throws -> ONNXModel { try ONNXModel.load(bytes: bytes, name: name) }

    /// Writes the model to `path`.
    func write(to path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
}

/// Deterministic test inputs.
extension Tensor {
    /// A tensor of `shape` with values drawn uniformly from -1...1 by a seeded generator.
    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: shape, data: rng.floats(shape.reduce(1, *)))
    }
}

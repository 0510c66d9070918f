// A tiny classifier whose units are planted, built in Swift with the runtime's ONNX protobuf
// types, and a labelled image set for it.
//
//     image (N, 3, 16, 16) -> Conv 1x1 "features" (3 units) -> Relu -> GlobalAveragePool
//                          -> Flatten -> Gemm "logits" (N, 4)
//
// On inputs in [0, 1] (mean 0, std 1): unit 0 = relu(r - g - b) fires on red, unit 1 on green,
// unit 2 on blue. Class k (red, green, blue) scores 10 x unit k; class 3 (background) has a
// constant 0.05. Zeroing unit 0 turns every red image into background and touches no other
// class: the set holds no background image, so no class with images gains false positives.
import Foundation
import Render
import TestSupport
@testable import Runtime

enum PlantedClassifier {
    static let classNames = ["red", "green", "blue", "background"]
    static let colors: [(UInt8, UInt8, UInt8)] = [(220, 30, 30), (30, 200, 40), (25, 35, 210)]

    /// The model's bytes.
    static func bytes() throws -> [UInt8] {
        func tensor(_ name: String, _ shape: [Int], _ values: [Float]) -> Onnx_TensorProto {
            var t = Onnx_TensorProto()
            t.name = name
            t.dims = shape.map(Int64.init)
            t.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            t.floatData = values
            return t
        }
        func node(_ op: String, _ inputs: [String], _ outputs: [String], _ ints: [String: [Int]] = [:], _ int: [String: Int] = [:]) -> Onnx_NodeProto {
            var n = Onnx_NodeProto()
            n.opType = op
            n.input = inputs
            n.output = outputs
            n.name = "/\(outputs[0])/\(op)"
            for (key, values) in ints.sorted(by: { $0.key < $1.key }) {
                var a = Onnx_AttributeProto()
                a.name = key
                a.type = .ints
                a.ints = values.map(Int64.init)
                n.attribute.append(a)
            }
            for (key, value) in int.sorted(by: { $0.key < $1.key }) {
                var a = Onnx_AttributeProto()
                a.name = key
                a.type = .int
                a.i = Int64(value)
                n.attribute.append(a)
            }
            return n
        }
        // Conv weights (3 units, 3 channels, 1, 1): unit k = 2 x_k - sum x.
        let w: [Float] = [1, -1, -1, -1, 1, -1, -1, -1, 1]
        // Gemm weights (4 classes, 3 units), transB = 1.
        let fc: [Float] = [10, 0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0]
        var graph = Onnx_GraphProto()
        graph.name = "planted-classifier"
        graph.node = [
            node("Conv", ["image", "w", "b"], ["conv"], ["kernel_shape": [1, 1]]),
            node("Relu", ["conv"], ["features"]),
            node("GlobalAveragePool", ["features"], ["pooled"]),
            node("Flatten", ["pooled"], ["flat"], [:], ["axis": 1]),
            node("Gemm", ["flat", "fc", "fcb"], ["logits"], [:], ["transB": 1]),
        ]
        graph.initializer = [tensor("w", [3, 3, 1, 1], w), tensor("b", [3], [0, 0, 0]),
                             tensor("fc", [4, 3], fc), tensor("fcb", [4], [0, 0, 0, 0.05])]
        var input = Onnx_ValueInfoProto()
        input.name = "image"
        var type = Onnx_TypeProto.Tensor()
        type.elemType = 1
        var shape = Onnx_TensorShapeProto()
        shape.dim = [Onnx_TensorShapeProto.Dimension(), Onnx_TensorShapeProto.Dimension(),
                     Onnx_TensorShapeProto.Dimension(), Onnx_TensorShapeProto.Dimension()]
        shape.dim[0].dimParam = "N"
        shape.dim[1].dimValue = 3
        shape.dim[2].dimValue = 16
        shape.dim[3].dimValue = 16
        type.shape = shape
        input.type.tensorType = type
        graph.input = [input]
        var output = Onnx_ValueInfoProto()
        output.name = "logits"
        graph.output = [output]
        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.producerName = "netdissect-tests"
        var opset = Onnx_OperatorSetIdProto()
        opset.version = 13
        model.opsetImport = [opset]
        model.graph = graph
        return [UInt8](try model.serializedBytes() as Data)
    }

    /// Writes the model, `perClass` noisy 16x16 PNGs of each colour, `labels.csv` (class names)
    /// and `classes.txt` into `directory`; returns the model's path.
    @discardableResult
    static func write(to directory: String, perClass: Int = 4, seed: UInt64 = 1) throws -> String {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory + "/images", withIntermediateDirectories: true)
        let model = directory + "/planted-classifier.onnx"
        try Data(try bytes()).write(to: URL(fileURLWithPath: model))
        var g = SeededGenerator(seed: seed)
        var csv = "image,class\n"
        for (k, color) in colors.enumerated() {
            for i in 0..<perClass {
                var image = RGBImage(width: 16, height: 16)
                for y in 0..<16 {
                    for x in 0..<16 {
                        func jitter(_ v: UInt8) -> UInt8 { UInt8(max(0, min(255, Int(v) + Int.random(in: -20...20, using: &g)))) }
                        image[x, y] = (jitter(color.0), jitter(color.1), jitter(color.2))
                    }
                }
                let name = "\(classNames[k])_\(i).png"
                try Data(try PNG.encode(image)).write(to: URL(fileURLWithPath: directory + "/images/" + name))
                csv += "\(name),\(i % 2 == 0 ? classNames[k].uppercased() : String(k))\n"
            }
        }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: directory + "/labels.csv"))
        try Data((classNames.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/classes.txt"))
        return model
    }
}

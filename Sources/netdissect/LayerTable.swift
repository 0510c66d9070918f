// The text table `netdissect layers` prints: pure formatting of the runtime's layer list.
import Runtime

enum LayerTable {
    /// "models/m.onnx: opset 17, pytorch 2.13, input 'input' (N, 3, 224, 224); 156 layers at 224 x 224"
    static func header(model: ONNXModel, height: Int, width: Int, count: Int) -> String {
        let declared = model.declaredInputShape.map { "(" + $0.joined(separator: ", ") + ")" } ?? "(shape not declared)"
        let producer = model.producer.isEmpty ? "" : ", \(model.producer)"
        return "\(model.path): opset \(model.opset)\(producer), input '\(model.inputName)' \(declared); \(count) layers at \(height) x \(width)"
    }

    /// One aligned row per layer: module path, shape per image, operator, value name.
    static func lines(_ layers: [LayerInfo]) -> [String] {
        let rows = layers.map { layer in
            [layer.modulePath ?? "-", "(" + layer.shape.map(String.init).joined(separator: ", ") + ")", layer.op, layer.name]
        }
        let titles = ["module", "shape", "op", "value"]
        var widths = titles.map(\.count)
        for row in rows { for (i, cell) in row.enumerated().dropLast() { widths[i] = max(widths[i], cell.count) } }
        func format(_ row: [String]) -> String {
            row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        return [format(titles)] + rows.map(format)
    }
}

import Foundation

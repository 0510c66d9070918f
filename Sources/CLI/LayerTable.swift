// The text table `netdissect layers` prints: pure formatting of the runtime's layer list.
//
// Every name comes from the model file: each cell goes through `TerminalText.sanitize` (a node
// named with escape sequences must not drive the terminal) and is cut to a readable width (a
// node named with 5,000 scope parts must not make a 30,000-column row).
import Render
import Runtime

enum LayerTable {
    /// Widest cell per column (module, shape, grid, op, value), in terminal columns.
    static let maxWidths = [64, 24, 28, 24, 96]

    /// "models/m.onnx: opset 17, pytorch 2.13, input 'input' (N, 3, 224, 224); 156 layers at 224 x 224"
    static func header(model: ONNXModel, height: Int, width: Int, count: Int) -> String {
        let declared = model.declaredInputShape.map { "(" + $0.joined(separator: ", ") + ")" } ?? "(shape not declared)"
        let producer = model.producer.isEmpty ? "" : ", \(cell(model.producer, width: maxWidths[0]))"
        return TerminalText.sanitize("\(model.path): opset \(model.opset)\(producer), input '\(cell(model.inputName, width: maxWidths[0]))' "
            + "\(cell(declared, width: maxWidths[4])); \(count) layers at \(height) x \(width)")
    }

    /// One aligned row per layer: every module path naming it (outermost first: `features,
    /// features.18` when a block is the last of its parent), shape per image, the grid its units'
    /// maps lie on (`14x14 tokens +1` for a ViT block: 196 patch tokens and a class token;
    /// `56x56 channels-last`), operator, value name.
    static func lines(_ layers: [LayerInfo]) -> [String] {
        let titles = ["module", "shape", "grid", "op", "value"]
        let rows = layers.map { layer in
            [layer.modulePaths.isEmpty ? "-" : layer.modulePaths.joined(separator: ", "), "(" + layer.shape.map(String.init).joined(separator: ", ") + ")",
             layer.layout?.description ?? "-", layer.op, layer.name]
                .enumerated().map { cell($1, width: maxWidths[$0]) }
        }
        var widths = titles.map(TerminalText.displayWidth)
        for row in rows {
            for (i, cell) in row.enumerated().dropLast() { widths[i] = max(widths[i], TerminalText.displayWidth(cell)) }
        }
        func format(_ row: [String]) -> String {
            row.enumerated().map { i, cell in i == row.count - 1 ? cell : TerminalText.pad(cell, toWidth: widths[i]) }
                .joined(separator: "  ")
        }
        return [format(titles)] + rows.map(format)
    }

    /// `text` safe for the terminal and at most `width` columns (cut with an ellipsis).
    static func cell(_ text: String, width: Int) -> String {
        TerminalText.truncate(TerminalText.sanitize(text), toWidth: width)
    }
}

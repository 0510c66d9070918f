// `netdissect export`: a finished (or provisional) layer's IoU matrix and per-unit results.
import Dissection
import Foundation
import Render

/// Exports from a run directory.
public enum RunExport {
    /// The layer to export: `requested`, or the run's only layer.
    public static func layer(_ reader: RunReader, requested: String?) throws -> RunLayer {
        let layers = try reader.layers()
        let names = layers.map { TerminalText.sanitize($0.name) }.joined(separator: ", ")
        if let requested {
            guard let layer = layers.first(where: { $0.name == requested }) else {
                throw RunError.input(path: reader.databasePath, reason: "no layer '\(TerminalText.sanitize(requested))' in this run (it has \(names))",
                                     hint: "name one of them with --layer")
            }
            return layer
        }
        guard layers.count == 1 else {
            throw RunError.input(path: reader.databasePath, reason: "the run has several layers (\(names))", hint: "name one with --layer")
        }
        return layers[0]
    }

    /// Writes the float64 `(units, maxLabelID + 1)` IoU matrix of `layer` (column = label id; the
    /// columns of ids that are not labels stay 0), one row at a time.
    public static func writeIoUMatrix(_ reader: RunReader, layer: String, to path: String) throws {
        guard let (units, ids, values) = try reader.iouMatrix(layer: layer) else {
            throw RunError.input(path: reader.databasePath, reason: "layer '\(TerminalText.sanitize(layer))' has no tally yet",
                                 hint: "wait until pass 2 reaches its first checkpoint")
        }
        // values (units, ids.count) -> file (units, maxID + 1), column ids[k] = values[u, k]
        let n = ids.count
        try NPYFloat64.writeRows(rows: units, columns: (ids.last ?? 0) + 1, to: path) { u, row in
            for (k, id) in ids.enumerated() { row[id] = values[u * n + k] }
        }
    }

    /// The per-unit results of `layer` as JSON.
    public static func json(_ reader: RunReader, layer: RunLayer) throws -> String {
        struct Document: Encodable {
            let layer: RunLayer
            let progress: RunProgress
            let configuration: RunConfiguration
            let units: [UnitResult]
        }
        let document = Document(layer: layer, progress: try reader.progress(), configuration: try reader.configuration(),
                                units: try reader.units(layer: layer.name))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}

// `netdissect export`: a finished (or provisional) layer's IoU matrix and per-unit results.
import Foundation

/// Exports from a run directory.
public enum RunExport {
    /// The layer to export: `requested`, or the run's only layer.
    public static func layer(_ reader: RunReader, requested: String?) throws -> RunLayer {
        let layers = try reader.layers()
        if let requested {
            guard let layer = layers.first(where: { $0.name == requested }) else {
                throw RunError.badSetting("the run has no layer '\(requested)' (it has \(layers.map(\.name).joined(separator: ", ")))")
            }
            return layer
        }
        guard layers.count == 1 else {
            throw RunError.badSetting("the run has several layers (\(layers.map(\.name).joined(separator: ", "))); name one with --layer")
        }
        return layers[0]
    }

    /// Writes the float64 `(units, maxLabelID + 1)` IoU matrix of `layer` (column = label id).
    public static func writeIoUMatrix(_ reader: RunReader, layer: String, to path: String) throws {
        guard let (units, labels, values) = try reader.iouMatrix(layer: layer) else {
            throw RunError.badSetting("layer '\(layer)' has no tally yet (pass 2 has not reached its first checkpoint)")
        }
        try NPYFloat64.write(values, shape: [units, labels], to: path)
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

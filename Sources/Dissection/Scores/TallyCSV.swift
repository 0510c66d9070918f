// The published `tally.csv` (docs/method.md#result-format), so existing notebooks can read our results.
//
// One row per unit, sorted by score descending (ties: lower unit first), columns
// `unit,category,label,score` then `<c>-label,<c>-truth,<c>-activation,<c>-intersect,<c>-iou` for
// every category c in category.csv order. Units are 1-based. Floats are written in their shortest
// round-trip form (as Python's repr does). Fields holding a comma, a quote or a line break are
// quoted, so a hostile label name cannot shift columns.

import Foundation

/// Writing a layer's scores as the published tally.csv.
public enum TallyCSV {
    /// The CSV text.
    public static func render(_ scores: [UnitScore], catalog: ConceptCatalog) -> String {
        var text = ""
        text.reserveCapacity((scores.count + 1) * (24 + 48 * catalog.categories.count))
        var first = true
        // Appends one field of the current line.
        func add(_ s: String) {
            if !first { text += "," }
            first = false
            append(field: s, to: &text)
        }
        func endLine() { text += "\n"; first = true }

        for name in ["unit", "category", "label", "score"] { add(name) }
        for c in catalog.categories {
            for column in ["label", "truth", "activation", "intersect", "iou"] { add("\(c.name)-\(column)") }
        }
        endLine()
        let ordered = scores.sorted { $0.iou != $1.iou ? $0.iou > $1.iou : $0.unit < $1.unit }
        for s in ordered {
            add(String(s.unit + 1))
            add(s.category >= 0 ? catalog.categories[s.category].name : "")
            add(catalog.label(s.label)?.name ?? "")
            add(number(s.iou))
            for c in s.perCategory {
                add(catalog.label(c.label)?.name ?? "")
                add(String(c.truth))
                add(String(c.activation))
                add(String(c.intersect))
                add(number(c.iou))
            }
            endLine()
        }
        return text
    }

    /// A float in Python's repr style (`0.0`, `0.0412`, `1e-05`).
    static func number(_ v: Double) -> String { v.description }

    /// A CSV field, quoted when it must be (also the comparison's CSV).
    public static func field(_ s: String) -> String {
        guard mustQuote(s) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Appends `field(s)` to `text`.
    static func append(field s: String, to text: inout String) {
        if mustQuote(s) { text += field(s) } else { text += s }
    }

    /// Whether a field holds a comma, a quote or a line break (read as bytes: a CR LF pair is
    /// one Character, equal to neither "\r" nor "\n").
    static func mustQuote(_ s: String) -> Bool {
        s.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
    }
}

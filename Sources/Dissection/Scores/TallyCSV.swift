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
        var header = ["unit", "category", "label", "score"]
        for c in catalog.categories {
            header += ["\(c.name)-label", "\(c.name)-truth", "\(c.name)-activation", "\(c.name)-intersect", "\(c.name)-iou"]
        }
        var lines = [header.map(field).joined(separator: ",")]
        let ordered = scores.sorted { $0.iou != $1.iou ? $0.iou > $1.iou : $0.unit < $1.unit }
        for s in ordered {
            var row = [String(s.unit + 1),
                       s.category >= 0 ? catalog.categories[s.category].name : "",
                       catalog.label(s.label)?.name ?? "",
                       number(s.iou)]
            for c in s.perCategory {
                row += [catalog.label(c.label)?.name ?? "", String(c.truth), String(c.activation),
                        String(c.intersect), number(c.iou)]
            }
            lines.append(row.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A float in Python's repr style (`0.0`, `0.0412`, `1e-05`).
    static func number(_ v: Double) -> String { v.description }

    /// A CSV field, quoted when it must be (also the comparison's CSV).
    public static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

// What the viewing commands say once about a run before its numbers: that it was made with an
// earlier rule than the one netdissect computes now, and which layers had activation values that
// are not finite (NaN, +inf, -inf) and how they were treated.
import GRDB
import Render

/// Notices about a run's provenance, each one line.
public enum RunNotice {
    /// How a run of union rule version 1 is described.
    static let earlierUnionRule = "was made with the earlier union rule (before 2026-12-04, a category's union was charged by the category of the layer holding a label, which raised some IoUs, a few above 1)"

    /// The notices for the run `reader` reads: empty for a run made by this version's rules.
    public static func notices(_ reader: RunReader) throws -> [String] {
        var out: [String] = []
        if try reader.unionRuleVersion() < UnionRule.version {
            out.append("\(reader.directory): this run \(earlierUnionRule); to redo it with the current rule, run the same `netdissect dissect` command with --force")
        }
        for (layer, counts) in try reader.nonFiniteCounts() {
            out.append("\(reader.directory): " + counts.sentence(layer: layer))
        }
        return out
    }
}

extension RunReader {
    /// Per layer (in the run's order), the non-finite activation values pass 1 found; layers
    /// without any are left out.
    public func nonFiniteCounts() throws -> [(layer: String, counts: NonFiniteCounts)] {
        let layers = try layers().map(\.name)
        return try read { db in
            var out: [(String, NonFiniteCounts)] = []
            for layer in layers {
                let key = RunStore.nonFiniteKeyPrefix + layer
                guard let row = try Row.fetchOne(db, sql: "SELECT rowid AS _row, value FROM meta WHERE key = ?", arguments: [key]) else { continue }
                let r = StoredRow(row, table: "meta", path: databasePath)
                let text = try r.text("value")
                let parts = text.split(separator: " ").compactMap { Int($0) }
                guard parts.count == 3, parts.allSatisfy({ $0 >= 0 }) else {
                    throw r.damaged("value", "'\(StoredRow.shown(text))' is not three counts of NaN, +inf and -inf values")
                }
                out.append((layer, NonFiniteCounts(nan: parts[0], positiveInfinity: parts[1], negativeInfinity: parts[2])))
            }
            return out
        }
    }

    /// The `UnionRule.version` the run was made with (1 for runs that predate the record).
    public func unionRuleVersion() throws -> Int {
        try read { db in try RunSchema.unionRuleVersion(db, path: databasePath) }
    }
}

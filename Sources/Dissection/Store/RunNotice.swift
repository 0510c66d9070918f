// What the viewing commands say once about a run before its numbers: today only that it was
// made with an earlier rule than the one netdissect computes now.
import GRDB

/// Notices about a run's provenance, each one line.
public enum RunNotice {
    /// How a run of union rule version 1 is described.
    static let earlierUnionRule = "was made with the earlier union rule (before 2026-12-04, a category's union was charged by the category of the layer holding a label, which raised some IoUs, a few above 1)"

    /// The notices for the run `reader` reads: empty for a run made by this version's rules.
    public static func notices(_ reader: RunReader) throws -> [String] {
        guard try reader.unionRuleVersion() < UnionRule.version else { return [] }
        return ["\(reader.directory): this run \(earlierUnionRule); to redo it with the current rule, run the same `netdissect dissect` command with --force"]
    }
}

extension RunReader {
    /// The `UnionRule.version` the run was made with (1 for runs that predate the record).
    public func unionRuleVersion() throws -> Int {
        try read { db in try RunSchema.unionRuleVersion(db, path: databasePath) }
    }
}

// Probe sweeps shared between searches: `|F|` and `|F ∩ L|` for every label do not depend on the
// unit, and the searches of different units (and of one unit's length bounds) expand many of the
// same formulas: every single label's sweep is the label's row of co-occurrence counts, and
// formulas such as `blue-c AND sky` recur from unit to unit. Entries are kept until the byte
// budget is spent; after that new sweeps are computed and not kept (no eviction: the first
// formulas swept are the common ones, single labels and the beams' heads).
import Foundation

/// A thread-safe, bounded store of probe sweeps by formula.
public final class SweepCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Formula: (pixels: Int, overlap: [Int])] = [:]
    private var bytes = 0
    /// The budget in bytes.
    public let budget: Int
    /// Lookups that found an entry, and all lookups.
    public private(set) var hits = 0, lookups = 0

    public init(budget: Int = 256 << 20) { self.budget = budget }

    func get(_ f: Formula) -> (pixels: Int, overlap: [Int])? {
        lock.withLock {
            lookups += 1
            let e = entries[f]
            if e != nil { hits += 1 }
            return e
        }
    }

    func put(_ f: Formula, pixels: Int, overlap: [Int]) {
        let size = overlap.count * 8 + 64 + f.steps.count * 8
        lock.withLock {
            guard bytes + size <= budget, entries[f] == nil else { return }
            entries[f] = (pixels, overlap)
            bytes += size
        }
    }
}

// Which share of a run's images one process does: shard K of N (0-based K, as Slurm's
// SLURM_ARRAY_TASK_ID and Kubernetes' JOB_COMPLETION_INDEX count).
//
// Shard K of N takes the contiguous images [K·n/N, (K+1)·n/N) of the probe's n images: every image
// in exactly one shard, sizes differing by at most one, a shard empty only when N > n. The split
// does not change any result: every merged state is a function of the set of images done
// (integer sums, exact top-value sets, best-first lists in one total order).
import Render

/// Shard `index` of `count`.
public struct ShardSpec: Sendable, Equatable, CustomStringConvertible {
    /// 0-based index, below `count`.
    public let index: Int
    /// Number of shards, at least 1.
    public let count: Int

    /// The largest number of shards a run can be split into.
    public static let maxCount = 10_000

    /// Shard `index` of `count`; nil unless `0 <= index < count <= maxCount`.
    public init?(index: Int, count: Int) {
        guard count >= 1, count <= Self.maxCount, index >= 0, index < count else { return nil }
        self.index = index
        self.count = count
    }

    /// Parses `K/N`.
    /// - Throws: `RunError.badSetting` saying what is wrong with the text.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
            throw RunError.badSetting("--shard takes K/N, the 0-based shard index K and the number of shards N (e.g. 0/4), not '\(TerminalText.sanitize(String(text.prefix(40))))'")
        }
        guard n >= 1, n <= Self.maxCount else {
            throw RunError.badSetting("--shard \(k)/\(n): the number of shards must lie in [1, \(Self.maxCount)]")
        }
        guard let spec = ShardSpec(index: k, count: n) else {
            throw RunError.badSetting("--shard \(k)/\(n): shard indices run from 0 to \(n - 1)")
        }
        self = spec
    }

    /// The images of this shard among `total`.
    public func range(total: Int) -> Range<Int> {
        (index * total / count)..<((index + 1) * total / count)
    }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }

    /// Every shard of `count`.
    public static func all(_ count: Int) -> [ShardSpec] {
        (0..<count).compactMap { ShardSpec(index: $0, count: count) }
    }
}

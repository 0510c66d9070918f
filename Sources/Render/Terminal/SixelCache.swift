// Sixel encodings cached by (image identity, size, options). Over SSH the bytes matter more than
// the CPU, and the explorer redraws the same pictures on every resize or pane switch: encode each
// picture once, keep the most recently used ones within a byte budget.
import Foundation

/// What identifies one encoded picture.
public struct SixelCacheKey: Sendable, Hashable {
    /// Who the picture is (for example `run/layer/unit/strip`); equal identities must mean equal
    /// pixels.
    public var identity: String
    /// Picture width in pixels.
    public var width: Int
    /// Picture height in pixels.
    public var height: Int
    public var options: SixelOptions

    public init(identity: String, width: Int, height: Int, options: SixelOptions) {
        self.identity = identity; self.width = width; self.height = height; self.options = options
    }
}

/// A thread-safe least-recently-used cache of sixel strings, bounded in bytes.
public final class SixelCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [SixelCacheKey: (bytes: [UInt8], stamp: UInt64)] = [:]
    private var clock: UInt64 = 0
    private var total = 0
    /// The byte budget.
    public let capacity: Int

    /// A cache holding at most `capacity` bytes of sixel data (16 MB by default).
    public init(capacity: Int = 16 << 20) {
        precondition(capacity > 0, "SixelCache: capacity \(capacity)")
        self.capacity = capacity
    }

    /// Number of cached pictures.
    public var count: Int { lock.lock(); defer { lock.unlock() }; return entries.count }

    /// Bytes held.
    public var bytes: Int { lock.lock(); defer { lock.unlock() }; return total }

    /// The cached encoding for `key`, or nil.
    public func lookup(_ key: SixelCacheKey) -> [UInt8]? {
        lock.lock(); defer { lock.unlock() }
        guard var entry = entries[key] else { return nil }
        clock += 1
        entry.stamp = clock
        entries[key] = entry
        return entry.bytes
    }

    /// Stores `bytes` for `key`, evicting the least recently used pictures beyond the budget.
    public func store(_ bytes: [UInt8], for key: SixelCacheKey) {
        lock.lock(); defer { lock.unlock() }
        if let old = entries[key] { total -= old.bytes.count }
        clock += 1
        entries[key] = (bytes, clock)
        total += bytes.count
        while total > capacity, entries.count > 1 {
            guard let oldest = entries.min(by: { $0.value.stamp < $1.value.stamp })?.key else { break }
            if oldest == key { break }
            total -= entries.removeValue(forKey: oldest)?.bytes.count ?? 0
        }
    }

    /// The encoding for `key`, from the cache or made by `encoder` from `image()` and stored.
    public func encoding(for key: SixelCacheKey, encoder: SixelEncoder,
                         image: () throws -> RGBImage) throws -> [UInt8] {
        if let hit = lookup(key) { return hit }
        let picture = try image()
        precondition(picture.width == key.width && picture.height == key.height,
                     "SixelCache: key says \(key.width)x\(key.height), image is \(picture.width)x\(picture.height)")
        let bytes = try encoder.encode(picture)
        store(bytes, for: key)
        return bytes
    }
}

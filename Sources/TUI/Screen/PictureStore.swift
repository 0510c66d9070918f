// Encoded pictures, ready to be written: filled by the picture worker off the UI thread, read
// by the screen when it draws a frame. Bounded by total bytes, least recently used out first.

import Foundation

/// A thread-safe cache of encoded picture bytes by placement.
public final class PictureStore: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [PictureKey: [UInt8]] = [:]
    private var order: [PictureKey] = []
    private var total = 0
    private let capacity: Int

    /// A store holding at most `capacity` bytes.
    public init(capacity: Int = 48 << 20) { self.capacity = capacity }

    /// The bytes for `key`, if encoded.
    public func get(_ key: PictureKey) -> [UInt8]? {
        lock.lock(); defer { lock.unlock() }
        guard let b = bytes[key] else { return nil }
        if let i = order.firstIndex(of: key) { order.remove(at: i); order.append(key) }
        return b
    }

    /// Whether `key` is encoded.
    public func contains(_ key: PictureKey) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return bytes[key] != nil
    }

    /// Stores `data` for `key`, evicting the least recently used pictures beyond capacity.
    public func put(_ key: PictureKey, _ data: [UInt8]) {
        lock.lock(); defer { lock.unlock() }
        if let old = bytes[key] { total -= old.count; order.removeAll { $0 == key } }
        bytes[key] = data
        order.append(key)
        total += data.count
        while total > capacity, order.count > 1 {
            let victim = order.removeFirst()
            total -= bytes[victim]?.count ?? 0
            bytes[victim] = nil
        }
    }
}

// Chunks of a range produced on a background thread, ahead of the one consuming them.
//
// The loader decodes a probe's images and segmentations a chunk at a time across cores. Done on
// demand, the decoding and the pass's own work (the model in pass 1, the tally in pass 2) took
// turns: pass 2 kept both cores busy 70 % of its time. Here a thread decodes the next chunks while
// the pass works on the current one, at most `ahead` chunks in advance, so memory stays bounded
// (a few batches of decoded samples) whatever the probe size. Items come out in order; dropping the
// iterator stops the thread after the chunk it is producing.
import Foundation

/// Produces `range` in chunks of `chunk` indices on a background thread, `ahead` chunks in advance.
public final class ChunkPrefetcher<Item>: @unchecked Sendable {
    private let condition = NSCondition()
    /// Produced chunks not yet taken (guarded by `condition`).
    private var ready: [[Item]] = []
    /// The thread has produced every chunk (guarded by `condition`).
    private var finished = false
    /// The consumer is gone (guarded by `condition`).
    private var stopped = false

    /// Starts producing: `produce(lo..<hi)` gives the items of indices `lo..<hi`, in order.
    public init(_ range: Range<Int>, chunk: Int, ahead: Int, produce: @escaping @Sendable (Range<Int>) -> [Item]) {
        precondition(chunk >= 1 && ahead >= 1, "ChunkPrefetcher: chunk and ahead must be positive")
        let thread = Thread { [self] in
            var next = range.lowerBound
            while next < range.upperBound {
                condition.lock()
                while ready.count >= ahead && !stopped { condition.wait() }
                let stop = stopped
                condition.unlock()
                if stop { break }
                let end = Swift.min(range.upperBound, next + chunk)
                let items = produce(next..<end)
                next = end
                condition.lock()
                ready.append(items)
                condition.broadcast()
                condition.unlock()
            }
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "netdissect.loader"
        thread.start()
    }

    /// The next chunk in order (waiting for it), or nil after the last.
    public func next() -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished { condition.wait() }
        guard !ready.isEmpty else { return nil }
        let items = ready.removeFirst()
        condition.broadcast()
        return items
    }

    /// Tells the thread to stop after its current chunk.
    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// The items one by one; the thread stops when the iterator is dropped.
    public func items() -> AnyIterator<Item> {
        let owner = StopOnRelease(self)
        var chunk: [Item] = []
        var position = 0
        return AnyIterator {
            while position == chunk.count {
                guard let next = owner.prefetcher.next() else { return nil }
                chunk = next
                position = 0
            }
            position += 1
            return chunk[position - 1]
        }
    }
}

/// Stops a prefetcher when the last iterator holding it goes away.
private final class StopOnRelease<Item>: @unchecked Sendable {
    let prefetcher: ChunkPrefetcher<Item>
    init(_ prefetcher: ChunkPrefetcher<Item>) { self.prefetcher = prefetcher }
    deinit { prefetcher.stop() }
}

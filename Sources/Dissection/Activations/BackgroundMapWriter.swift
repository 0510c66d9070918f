// A layer's stored maps written to its `MapFile` on a background queue, flushed as they go.
//
// Pass 1 hands the activation cache a batch after every model batch. Written from the loop
// itself, the copy into the page cache and the checkpoint's `fdatasync` of everything written since
// the last one were time in which the model's workers waited (5 % of the forward pass when every
// map was stored). Here `write` copies the batch's stored maps into one of two buffers and
// returns; a serial queue checks, writes and flushes them right away, so the kernel writes back
// while the model runs and a checkpoint's `sync` finds little left to wait for.
//
// At most two batches are in flight (the third `write` waits), so memory stays at two batches.
// A failed write is reported by the next `write` or `sync`, which the checkpoint calls before it
// commits: the run's progress never counts rows that are not on the disk.
import Dispatch
import Foundation

/// A `MapFile`'s writer that computes its checks and does its `pwrite`s and flushes off the
/// caller's thread.
final class BackgroundMapWriter: @unchecked Sendable {
    let file: MapFile
    private let queue: DispatchQueue
    private let inFlight = DispatchSemaphore(value: 2)
    private let lock = NSLock()
    /// Buffers the queue is done with (guarded by `lock`).
    private var spare: [Maps] = []
    /// The first write or flush that failed (guarded by `lock`).
    private var failure: Error?

    init(file: MapFile) {
        self.file = file
        queue = DispatchQueue(label: "netdissect.map-writer")
    }

    deinit {
        queue.sync {}
        for buffer in spare { buffer.base.deallocate() }
    }

    /// Queues the rows from `row` (`entries`) and their maps, which `fill` writes one after another
    /// into the buffer it is given (room for exactly the entries' maps); returns when it has.
    /// - Throws: the error of an earlier queued write, if one failed.
    func write(row: Int, entries: [MapEntry], fill: (UnsafeMutablePointer<Float>) -> Void) throws {
        try check()
        guard let first = entries.first?.start else { return }
        let values = (entries.last!.end - first) * file.mapSize
        inFlight.wait()
        let buffer = take(capacity: values)
        fill(buffer.base)
        queue.async { [self] in
            do {
                try file.write(row: row, entries: entries, maps: buffer.base)
                try file.sync()
            } catch {
                lock.withLock { if failure == nil { failure = error } }
            }
            lock.withLock { spare.append(buffer) }
            inFlight.signal()
        }
    }

    /// Returns when every queued row is written and flushed.
    /// - Throws: the error of a queued write or of the flush.
    func sync() throws {
        queue.sync {}
        try check()
        try file.sync()
    }

    private func check() throws {
        if let error = lock.withLock({ failure }) { throw error }
    }

    /// A spare buffer of at least `capacity` floats; when none is large enough, a new one with a
    /// quarter more room (batches store different numbers of maps) in place of a spare one.
    private func take(capacity: Int) -> Maps {
        lock.withLock {
            if let k = spare.firstIndex(where: { $0.capacity >= capacity }) { return spare.remove(at: k) }
            if !spare.isEmpty { spare.removeFirst().base.deallocate() }
            return nil
        } ?? Maps(base: .allocate(capacity: capacity + capacity / 4 + 1), capacity: capacity + capacity / 4 + 1)
    }

    /// A buffer handed from the caller to the queue and back (one owner at a time).
    private struct Maps: @unchecked Sendable {
        let base: UnsafeMutablePointer<Float>
        let capacity: Int
    }
}

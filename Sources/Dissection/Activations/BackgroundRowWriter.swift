// Rows written to a `RowFile` on a background queue, flushed to the disk as they go.
//
// Pass 1 writes a batch of activations to the cache after every model batch (8 MB for 32 images of
// MobileNetV2's features.18). Written from the loop itself, the copy into the page cache (12 ms a
// batch) and the checkpoint's `fdatasync` of everything written since the last one (0.2-0.3 s)
// were time in which the model's workers waited: together 5 % of the forward pass. Here `write`
// copies the rows into one of two buffers and returns; a serial queue writes them and flushes them
// right away, so the kernel writes back while the model runs and a checkpoint's `sync` finds
// little left to wait for.
//
// At most two batches are in flight (the third `write` waits), so memory stays at two batches.
// A failed write is reported by the next `write` or `sync`, which the checkpoint calls before it
// commits: the run's progress never counts rows that are not on the disk.
import Dispatch
import Foundation

/// A `RowFile`'s writer that does its `pwrite`s and flushes off the caller's thread.
final class BackgroundRowWriter: @unchecked Sendable {
    let file: RowFile
    private let queue: DispatchQueue
    private let inFlight = DispatchSemaphore(value: 2)
    private let lock = NSLock()
    /// Buffers the queue is done with (guarded by `lock`).
    private var spare: [Rows] = []
    /// The first write or flush that failed (guarded by `lock`).
    private var failure: Error?

    init(file: RowFile) {
        self.file = file
        queue = DispatchQueue(label: "netdissect.row-writer")
    }

    deinit {
        queue.sync {}
        for buffer in spare { buffer.base.deallocate() }
    }

    /// Queues `count` rows from `src` for row `index`; `src` may be reused when this returns.
    /// - Throws: the error of an earlier queued write, if one failed.
    func write(rows index: Int, count: Int, from src: UnsafePointer<Float>) throws {
        try check()
        let values = count * file.rowLength
        inFlight.wait()
        let buffer = take(capacity: values)
        buffer.base.update(from: src, count: values)
        queue.async { [self] in
            do {
                try file.write(rows: index, count: count, from: buffer.base)
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

    /// A spare buffer of at least `capacity` floats (a new one when none is large enough).
    private func take(capacity: Int) -> Rows {
        lock.withLock {
            if let k = spare.firstIndex(where: { $0.capacity >= capacity }) { return spare.remove(at: k) }
            return nil
        } ?? Rows(base: .allocate(capacity: max(capacity, 1)), capacity: max(capacity, 1))
    }

    /// A buffer handed from the caller to the queue and back (one owner at a time).
    private struct Rows: @unchecked Sendable {
        let base: UnsafeMutablePointer<Float>
        let capacity: Int
    }
}

// The passes' periodic checkpoints committed on another thread while the work goes on.
//
// A checkpoint of pass 1 writes every layer's quantile state (4 MB for MobileNetV2's features.18
// after 512 images, 80 MB after 63,000) and top images (12,800 rows), then commits: 0.14 s in
// which the model's workers waited, at every checkpoint. The loop now flushes the activation and
// label-mask caches itself (its rows must be on the disk before the progress that counts them),
// takes a copy of the state (arrays are copied on write: the next batch copies what it changes),
// and hands the database write to a serial queue; the next checkpoint, the end of the pass, a
// pause or a cancel waits for it first. The checkpoint's event is sent from the loop's thread
// when it sees the write done (after a later batch, or at the next wait), so events keep coming
// from one thread. A periodic checkpoint that falls due while the write before it still runs is
// put off to the first batch after it, for at most one interval (`CheckpointSchedule`). A failed
// write is thrown there too: the run stops as it did when the write failed in the loop, and its
// database still holds the checkpoint before. Pass 2's checkpoints
// (scores and sums) go the same way, on the writer that carries pass 1's last commit (`PassHandoff`).
import Dispatch
import Foundation

/// One database write at a time, off the caller's thread; its result collected by the caller.
final class CheckpointWriter: @unchecked Sendable {
    private let queue = DispatchQueue(label: "netdissect.checkpoint-writer")
    private let lock = NSLock()
    /// Set when a write started and its result was not collected yet (guarded by `lock`).
    private var pending = false
    /// The finished write's outcome: the event to send, or its error (guarded by `lock`).
    private var outcome: Result<RunEvent, Error>?

    /// Starts `write` (which returns the event to send once it committed) after any earlier one.
    /// - Precondition: the earlier write's result was collected (`wait`).
    func start(_ write: @escaping @Sendable () throws -> RunEvent) {
        lock.withLock {
            precondition(!pending, "CheckpointWriter: a write is still pending")
            pending = true
        }
        queue.async { [self] in
            let result = Result { try write() }
            lock.withLock { outcome = result }
        }
    }

    /// Whether no write is running (one that finished may still wait for its result to be collected).
    var isIdle: Bool { lock.withLock { !pending || outcome != nil } }

    /// The finished write's event, nil while it runs or when none is pending.
    /// - Throws: the write's error.
    func poll() throws -> RunEvent? {
        let result: Result<RunEvent, Error>? = lock.withLock {
            guard pending, let done = outcome else { return nil }
            pending = false
            outcome = nil
            return done
        }
        return try result?.get()
    }

    /// Waits for the pending write; its event (nil when none was pending).
    /// - Throws: the write's error.
    func wait() throws -> RunEvent? {
        queue.sync {}
        return try poll()
    }
}

extension Dissector {
    /// Commits a checkpoint: on `writer`, left running while the pass goes on, when there is one
    /// and the run is `running`; else here (a shard's, a pause's, a cancel's: on the disk before
    /// the loop stops). Any earlier write is waited for first; each event is sent when collected.
    func commit(_ save: @escaping @Sendable () throws -> RunEvent, on writer: CheckpointWriter?, running: Bool) throws {
        if let event = try writer?.wait() { emit(event) }
        if let writer, running {
            writer.start(save)
        } else {
            emit(try save())
        }
    }
}

// Following and steering a run from inside the process: events out, pause/resume/cancel in.
import Foundation

/// Something that happened in a run, in order.
public enum RunEvent: Sendable {
    /// The run started or resumed at this point.
    case started(RunProgress)
    /// A batch was done (not yet checkpointed).
    case progress(RunProgress)
    /// A checkpoint was committed; in the tally pass it carries every layer's provisional scores.
    case checkpoint(RunProgress, provisional: [String: [UnitScore]])
    /// Pass 1 is done: thresholds and top images of every layer are final.
    case thresholdsReady(RunProgress)
    /// A layer's final results and tally.csv are written.
    case layerFinished(layer: String, uniqueDetectors: Int)
    /// The run is finished.
    case finished(RunProgress)
    /// Something about the data the user should know, one line (non-finite activations).
    case warning(String)
    /// The run stopped on an error (its one-line message).
    case failed(String)
    /// The run was paused or resumed by its driver.
    case paused, resumed
    /// The run was cancelled after a final checkpoint.
    case cancelled(RunProgress)
}

/// Pause, resume and cancel for a run driven in-process. Safe to call from any thread.
public final class RunControl: @unchecked Sendable {
    private let condition = NSCondition()
    private var paused = false
    private var cancelled = false

    /// A control in the running state.
    public init() {}

    /// Holds the run at the next batch boundary until `resume()`.
    public func pause() {
        condition.lock(); paused = true; condition.unlock()
    }

    /// Lets a paused run go on.
    public func resume() {
        condition.lock(); paused = false; condition.broadcast(); condition.unlock()
    }

    /// Stops the run at the next batch boundary, after a checkpoint; the same command continues it.
    public func cancel() {
        condition.lock(); cancelled = true; condition.broadcast(); condition.unlock()
    }

    /// Whether `cancel()` was called.
    public var isCancelled: Bool {
        condition.lock(); defer { condition.unlock() }
        return cancelled
    }

    /// Whether the run is paused.
    public var isPaused: Bool {
        condition.lock(); defer { condition.unlock() }
        return paused
    }

    /// Blocks while paused; returns false when cancelled. Calls `onPause` once before waiting.
    func waitWhilePaused(onPause: () -> Void, onResume: () -> Void) -> Bool {
        condition.lock()
        if paused && !cancelled {
            condition.unlock()
            onPause()
            condition.lock()
            while paused && !cancelled { condition.wait() }
            let stillGoing = !cancelled
            condition.unlock()
            if stillGoing { onResume() }
            return stillGoing
        }
        let going = !cancelled
        condition.unlock()
        return going
    }
}

// A dissection run by this process, driven by the explorer: the engine's `Dissector` on its
// own thread, its `RunControl` for pause/resume/cancel, and its events reduced to "something
// changed" for the run watcher (which reads the results from the run directory itself).

import Dissection
import Foundation

/// Runs a `Dissector` on its own thread for the explorer.
public final class DissectorDriver: RunDriver, @unchecked Sendable {
    /// One element per engine event; finishes when the run stops.
    public let updates: AsyncStream<Void>
    private let control = RunControl()
    private let condition = NSCondition()
    private var stopped = false
    private var failure: String?
    private var completed = false

    /// Starts `dissector` at once.
    public init(_ dissector: Dissector) {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        updates = stream
        let thread = Thread { [control, condition] in
            var message: String?
            var finished = false
            do {
                _ = try dissector.run(control: control) { _ in continuation.yield(()) }
                finished = true
            } catch let error as RunError {
                if error != .cancelled { message = error.description }
            } catch {
                message = String(describing: error)
            }
            continuation.finish()
            condition.lock()
            self.stopped = true
            self.failure = message
            self.completed = finished
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "netdissect.dissector"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Pauses at the next batch boundary.
    public func pause() { control.pause() }
    public func resume() { control.resume() }
    /// Stops at the next batch boundary, after a checkpoint.
    public func cancel() { control.cancel() }

    /// Blocks until the run's thread has ended.
    public func waitUntilStopped() {
        condition.lock()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    /// Whether the run went to its end (a cancel that came after the last batch stops nothing).
    public var finished: Bool {
        condition.lock(); defer { condition.unlock() }
        return completed
    }

    /// The run's error, once stopped, if it failed.
    public var error: String? {
        condition.lock(); defer { condition.unlock() }
        return failure
    }
}

// Reads the run over and over while it is live, off the UI thread, and posts each changed
// snapshot. A finished run is read once and then no more. Works the same whether the run is
// written by this process or another one: it only reads.
//
// A run this process drives is watched until the driver says it has ended (`driverEnded`), not
// until a snapshot looks finished: a resumed run's database still says "cancelled" (or "failed")
// until the dissector's first write, and a watcher that stopped on that first read would show
// the old state for ever while the run went on.

import Foundation

/// Polls a run source on its own thread.
public final class RunWatcher: @unchecked Sendable {
    private let source: any RunSource
    private let inbox: Inbox
    private let interval: Double
    private let condition = NSCondition()
    private var stopped = false
    private var poked = false
    private var driverRunning: Bool
    private var thread: Thread?

    /// A watcher posting to `inbox` every `interval` seconds while the run is live, and, when
    /// `followsDriver`, until `driverEnded()` whatever the run's recorded status.
    public init(source: any RunSource, inbox: Inbox, interval: Double = 0.5, followsDriver: Bool = false) {
        self.source = source; self.inbox = inbox; self.interval = interval
        self.driverRunning = followsDriver
    }

    /// Starts polling.
    public func start() {
        let t = Thread { [self] in loop() }
        t.name = "netdissect.run-watcher"
        thread = t
        t.start()
    }

    /// Reads again now (an engine event said something changed).
    public func poke() {
        condition.lock(); poked = true; condition.signal(); condition.unlock()
    }

    /// The run this process drives has ended: read once more, then stop once the run is no longer live.
    public func driverEnded() {
        condition.lock(); driverRunning = false; poked = true; condition.signal(); condition.unlock()
    }

    /// Stops polling; returns at once.
    public func stop() {
        condition.lock(); stopped = true; condition.signal(); condition.unlock()
    }

    private func loop() {
        var last: RunSnapshot?
        var failures = 0
        while true {
            condition.lock()
            let done = stopped
            let following = driverRunning
            poked = false
            condition.unlock()
            if done { return }
            do {
                let snapshot = try source.snapshot()
                failures = 0
                if snapshot != last { inbox.post(.snapshot(snapshot)) }
                last = snapshot
                if !snapshot.progress.isLive && !following { return }
            } catch {
                failures += 1
                // A run directory being created may not be readable yet: say so, keep trying.
                inbox.post(.sourceFailed(String(describing: error)))
                if failures > 120 && !following { return }
            }
            condition.lock()
            if !stopped && !poked { _ = condition.wait(until: Date().addingTimeInterval(interval)) }
            condition.unlock()
        }
    }
}

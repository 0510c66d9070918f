// The run watcher reads a resumed run until its driver ends, not until a snapshot looks final
// (issue 22, item 1: resuming from the explorer froze on the first, "cancelled", snapshot).

import Foundation
import Testing
@testable import TUI

/// A source that plays a script of snapshots, one per read, repeating the last.
private final class ScriptedSource: RunSource, @unchecked Sendable {
    private let lock = NSLock()
    private var script: [RunSnapshot]
    private(set) var reads = 0
    init(_ script: [RunSnapshot]) { self.script = script }
    func snapshot() throws -> RunSnapshot {
        lock.lock(); defer { lock.unlock() }
        reads += 1
        return script.count > 1 ? script.removeFirst() : script[0]
    }
    func topImages(of key: UnitKey, limit: Int) throws -> [UnitImage] { [] }
    var readCount: Int { lock.lock(); defer { lock.unlock() }; return reads }
}

/// The phases of the snapshots posted to `inbox` within `seconds`, until `stop` holds.
private func postedPhases(_ inbox: Inbox, seconds: Double, until stop: ([ProgressInfo.Phase]) -> Bool) -> [ProgressInfo.Phase] {
    var phases: [ProgressInfo.Phase] = []
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline && !stop(phases) {
        for case .snapshot(let s) in inbox.drain() { phases.append(s.progress.phase) }
        usleep(10_000)
    }
    return phases
}

@Suite struct RunWatcherTests {
    /// The database of a run being resumed says "cancelled" until the dissector's first write.
    static let resumed = [SampleRun.running(done: 40, phase: .cancelled), SampleRun.running(done: 40, phase: .cancelled),
                          SampleRun.running(done: 80), SampleRun.finished()]

    @Test func aDrivenRunIsFollowedPastAStaleStatus() {
        let inbox = Inbox()
        let source = ScriptedSource(Self.resumed)
        let watcher = RunWatcher(source: source, inbox: inbox, interval: 0.01, followsDriver: true)
        watcher.start()
        defer { watcher.stop() }
        let phases = postedPhases(inbox, seconds: 10) { $0.last == .finished }
        #expect(phases == [.cancelled, .running, .finished])
    }

    @Test func aWatcherFollowingADriverStopsOnlyAfterTheDriverEnds() {
        let inbox = Inbox()
        let source = ScriptedSource([SampleRun.finished()])
        let watcher = RunWatcher(source: source, inbox: inbox, interval: 0.01, followsDriver: true)
        watcher.start()
        defer { watcher.stop() }
        usleep(200_000)
        let whileDriven = source.readCount
        #expect(whileDriven > 2, "a driven run is read again while its driver runs")
        watcher.driverEnded()
        usleep(200_000)
        let afterEnd = source.readCount
        usleep(200_000)
        #expect(source.readCount == afterEnd, "a finished run is no longer read once its driver has ended")
    }

    @Test func aRunOfAnotherProcessIsReadOnceWhenItIsNotLive() {
        let inbox = Inbox()
        let source = ScriptedSource(Self.resumed)
        let watcher = RunWatcher(source: source, inbox: inbox, interval: 0.01)
        watcher.start()
        defer { watcher.stop() }
        usleep(300_000)
        #expect(source.readCount == 1)
        #expect(postedPhases(inbox, seconds: 0.1) { _ in false } == [.cancelled])
    }
}

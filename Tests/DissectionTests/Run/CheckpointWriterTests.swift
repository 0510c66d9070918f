// The background checkpoint writer: one write at a time, its event or error collected by the caller.
import Dispatch
import Foundation
import Testing
@testable import Dissection

@Suite struct CheckpointWriterTests {
    struct Refused: Error {}

    @Test func pollSeesTheEventOnlyOnceTheWriteIsDone() throws {
        let writer = CheckpointWriter()
        #expect(try writer.poll() == nil && writer.wait() == nil, "nothing pending")
        let gate = DispatchSemaphore(value: 0)
        writer.start {
            gate.wait()
            return .paused
        }
        #expect(try writer.poll() == nil, "still writing")
        #expect(!writer.isIdle, "busy while writing")
        gate.signal()
        while !writer.isIdle { usleep(1_000) }
        guard case .paused? = try writer.wait() else { Issue.record("no event"); return }
        #expect(try writer.poll() == nil, "collected once")
        #expect(writer.isIdle)
    }

    @Test func aFailedWriteIsThrownWhereItIsCollectedAndTheNextOneRuns() throws {
        let writer = CheckpointWriter()
        writer.start { throw Refused() }
        #expect(throws: Refused.self) { try writer.wait() }
        writer.start { .resumed }
        guard case .resumed? = try writer.wait() else { Issue.record("no event"); return }
    }

    @Test func writesRunInOrder() throws {
        let writer = CheckpointWriter()
        let log = Log()
        for k in 0..<20 {
            writer.start {
                log.append(k)
                return .paused
            }
            _ = try writer.wait()
        }
        #expect(log.values == Array(0..<20))
    }

    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [Int] = []
        func append(_ k: Int) { lock.withLock { items.append(k) } }
        var values: [Int] { lock.withLock { items } }
    }
}

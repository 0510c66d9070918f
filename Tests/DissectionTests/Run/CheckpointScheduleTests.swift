// When the batch loop checkpoints: at every interval, put off while the writer is busy (but not past
// the next interval), never at the pass's end.
import Testing
@testable import Dissection

@Suite struct CheckpointScheduleTests {
    /// The `done` values after which `schedule` checkpoints, for batches of `batch` images and a
    /// writer that is busy after the batches in `busy`.
    func checkpoints(_ schedule: CheckpointSchedule, batch: Int, busyAfter busy: Set<Int> = []) -> [Int] {
        var schedule = schedule
        var made: [Int] = []
        var done = 0
        while done < schedule.count {
            done = min(done + batch, schedule.count)
            if schedule.checkpointNow(done: done, writerFree: !busy.contains(done)) { made.append(done) }
        }
        return made
    }

    @Test func everyIntervalWhileTheWriterIsFree() {
        #expect(checkpoints(CheckpointSchedule(interval: 64, count: 300), batch: 32) == [64, 128, 192, 256])
        #expect(checkpoints(CheckpointSchedule(interval: 32, count: 96), batch: 32) == [32, 64],
                "none at the end: the pass's end commits")
    }

    @Test func aCheckpointDueWhileTheWriterIsBusyComesAtTheFirstFreeBatchOrTheNextInterval() {
        let schedule = CheckpointSchedule(interval: 64, count: 400)
        #expect(checkpoints(schedule, batch: 32, busyAfter: [64, 96]) == [128, 192, 256, 320, 384])
        #expect(checkpoints(schedule, batch: 32, busyAfter: [64, 96, 128, 160]) == [128, 192, 256, 320, 384],
                "put off until the next interval: made there, waiting for the writer")
        #expect(checkpoints(schedule, batch: 32, busyAfter: [64]) == [96, 128, 192, 256, 320, 384],
                "the interval after a late one still counts from the start")
    }

    @Test func aCheckpointStillDueWhenThePassEndsIsDropped() {
        // Busy at 128: due there, and the pass ends at 160 first.
        #expect(checkpoints(CheckpointSchedule(interval: 64, count: 160), batch: 32, busyAfter: [128]) == [64])
        // Put off at 64 and 96 in a pass of 100 images.
        #expect(checkpoints(CheckpointSchedule(interval: 64, count: 100), batch: 32, busyAfter: [64, 96]) == [])
    }
}

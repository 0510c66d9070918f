// When the batch loop checkpoints: at every interval, put off while the writer is busy, never at
// the pass's end.
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

    @Test func aCheckpointDueWhileTheWriterIsBusyWaitsForTheFirstBatchAfterIt() {
        let schedule = CheckpointSchedule(interval: 64, count: 400)
        #expect(checkpoints(schedule, batch: 32, busyAfter: [64, 96]) == [128, 192, 256, 320, 384])
        #expect(checkpoints(schedule, batch: 32, busyAfter: [64, 96, 128, 160]) == [192, 256, 320, 384],
                "two intervals passed while busy: one checkpoint")
        #expect(checkpoints(schedule, batch: 32, busyAfter: [64]) == [96, 128, 192, 256, 320, 384],
                "the interval after a late one still counts from the start")
    }

    @Test func aCheckpointStillDueWhenThePassEndsIsDropped() {
        let schedule = CheckpointSchedule(interval: 64, count: 160)
        #expect(checkpoints(schedule, batch: 32, busyAfter: [128]) == [64])
        #expect(checkpoints(schedule, batch: 32, busyAfter: [64, 96, 128]) == [])
    }
}

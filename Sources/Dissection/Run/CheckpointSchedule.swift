// When the batch loop checkpoints: every `interval` images, without waiting for the checkpoint
// before it unless that one has held the next back for a whole interval.
//
// A whole run commits its periodic checkpoints on another thread (`CheckpointWriter`). When the
// next one falls due while that thread is still writing (pass 1's last commit, tens of
// milliseconds of top images and thresholds, is still running when the fast tally pass reaches its
// first interval; a slow disk or a network file system makes any commit slow), the loop used to
// stop and wait for it. Now the checkpoint is put off to the first batch boundary at which the
// writer is free; if the next interval's boundary comes first, the loop waits for the writer
// there and checkpoints, so checkpoints keep coming (a crash loses at most two intervals and the
// images done during one write) and the live view gets its provisional results. The states are
// the same at any batch boundary (every state is a function of the images done), so when a
// checkpoint lands does not change the results. One still due when the pass ends is dropped: the
// pass's end commits everything anyway.

/// The batch loop's checkpoint decisions for one pass.
struct CheckpointSchedule: Equatable {
    /// Images between checkpoints (whole batches).
    let interval: Int
    /// Images of the pass (the session's).
    let count: Int
    /// Whether an interval boundary was passed since the last checkpoint.
    private(set) var due = false

    init(interval: Int, count: Int) {
        precondition(interval >= 1 && count >= 0, "CheckpointSchedule: bad sizes")
        self.interval = interval
        self.count = count
    }

    /// After a batch that brought the pass to `done` images: whether to checkpoint now.
    /// - Parameter writerFree: whether a checkpoint started now would run at once (no earlier
    ///   write still running); a checkpoint committed in the loop itself is always free.
    ///   A checkpoint still put off when the next interval's boundary comes is made there, busy
    ///   writer or not (the caller then waits for the write before it).
    mutating func checkpointNow(done: Int, writerFree: Bool) -> Bool {
        guard done < count else {
            due = false
            return false
        }
        let boundary = done % interval == 0
        guard due || boundary else { return false }
        guard writerFree || (due && boundary) else {
            due = true
            return false
        }
        due = false
        return true
    }
}

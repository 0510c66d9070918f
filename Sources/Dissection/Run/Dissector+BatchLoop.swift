// The batch loop every pass runs. From where the pass stands (`imagesDone`) to the end of the
// session's images (the probe, or a shard's share): honour pause and cancel at the batch boundary, read the next batch in index order, get
// its activations, hand the batch to the pass, count it done, report progress and checkpoint
// every `checkpointInterval` images (put off while the previous checkpoint is still being written,
// `CheckpointSchedule`). A pass supplies where its activations come from (the model
// or file, or the activation cache), what it does with a batch, and its checkpoint; the loop is
// the same for all three, so resuming, cancelling and crash points behave alike in each.
import Foundation

extension Dissector {
    /// Runs one pass's batches to the end of the probe.
    /// - Parameters:
    ///   - decodeImages: whether the loader decodes images (only when activations are produced from them).
    ///   - segmentations: what the loader does with the segmentations.
    ///   - secondPassFactor: how much faster a later pass runs than this one, for the ETA.
    ///   - checkpoint: commits the pass's state (also on pause and cancel).
    ///   - writer: the pass's `CheckpointWriter`, asked whether a periodic checkpoint started now
    ///     would wait for an earlier one; nil for a pass that commits in the loop.
    ///   - activations: fills `buffers` (per layer, `items.count * valuesPerImage` values first) for
    ///     `items`, the images from `start`; returns per item why it could not be produced, or nil.
    ///   - body: the pass's work on a batch: its items, first index, reasons and buffers; it may
    ///     update `progress` (the skipped count) before the loop counts the batch done.
    func runBatches(_ session: inout Session, decodeImages: Bool, segmentations: SegmentationUse = .decode, secondPassFactor: Double,
                    checkpoint: (inout Session) throws -> Void, writer: CheckpointWriter? = nil,
                    activations: (_ items: [SampleItem], _ start: Int, _ buffers: inout [[Float]]) throws -> [String?],
                    body: (_ items: [SampleItem], _ start: Int, _ reasons: [String?], _ buffers: [[Float]],
                           _ progress: inout RunProgress) throws -> Void) throws {
        // `imagesDone` counts the session's images; `start` is an image index of the probe.
        let total = session.total, first = session.range.lowerBound, count = session.range.count
        let startTime = Date(), doneAtStart = session.progress.imagesDone
        var iterator = source.samples((first + session.progress.imagesDone)..<session.range.upperBound, decodeImages: decodeImages,
                                      segmentations: segmentations)
        var buffers = [[Float]](repeating: [], count: session.layers.count)
        var schedule = CheckpointSchedule(interval: checkpointInterval, count: count)
        // A shard also says how far it is, in its status file, at every checkpoint.
        func save(_ session: inout Session) throws {
            try checkpoint(&session)
            try reportShard(session)
        }
        while session.progress.imagesDone < count {
            try honourControl(&session, checkpoint: save)
            let done = session.progress.imagesDone
            let start = first + done
            let items = try nextBatch(&iterator, expectedStart: start, limit: min(options.batchSize, count - done), total: total)
            let reasons = try activations(items, start, &buffers)
            try body(items, start, reasons, buffers, &session.progress)
            session.progress.imagesDone = done + items.count
            updateRate(&session.progress, doneAtStart: doneAtStart, startTime: startTime, secondPassFactor: secondPassFactor)
            emit(.progress(session.progress))
            CrashHook.afterBatch(pass: session.progress.pass, done: session.progress.imagesDone)
            if schedule.checkpointNow(done: session.progress.imagesDone, writerFree: writer?.isIdle ?? true) {
                try save(&session)
            }
        }
    }
}

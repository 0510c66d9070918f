// Decoding probe samples ahead of the model, across cores, in index order, in bounded memory.
//
// Worker threads claim records in order and decode them (JPEG and PNGs through Render's codecs)
// into a ring of `lookahead` slots; the consumer takes slot after slot in record order. A worker
// may only claim record `i` while `i < next + lookahead` (`next` being the record the consumer
// waits for), so at most `lookahead` decoded samples exist at any time, whatever the dataset
// size. A record that cannot be used comes out in its place as a skip with the reason.
import Foundation

/// What the loader yields for one record: a decoded sample, or the reason it was left out.
public enum ProbeItem: Sendable {
    /// The record's image and annotations, decoded.
    case sample(ProbeSample)
    /// The record could not be used; the dissection leaves it out of every sum and counts it.
    case skip(ProbeRecord, SampleError)

    /// The record this item is about.
    public var record: ProbeRecord {
        switch self {
        case let .sample(sample): return sample.record
        case let .skip(record, _): return record
        }
    }
}

/// A sequence of decoded probe samples, decoded ahead on worker threads.
///
///     for item in ProbeLoader(dataset: dataset) {
///         switch item {
///         case .sample(let s): feed(s.image) ...
///         case .skip(let record, let why): count(record, why)
///         }
///     }
///
/// Each iteration starts its own workers; they stop when the iterator is released or exhausted.
/// `next()` blocks until the next sample in record order is decoded: call it off any UI thread.
public struct ProbeLoader: Sequence, Sendable {
    /// The dataset the records come from.
    public let dataset: ProbeDataset
    /// The records to load, in the order they are yielded.
    public let records: [ProbeRecord]
    /// Number of decoding threads.
    public let workers: Int
    /// Most samples decoded ahead of the consumer (and so held in memory) at once.
    public let lookahead: Int

    /// Creates a loader.
    ///
    /// - Parameters:
    ///   - records: the records to load (default: all of `dataset.records`, in index order).
    ///   - workers: decoding threads (default: the number of active cores).
    ///   - lookahead: samples decoded ahead at most (default: 4 per worker).
    public init(dataset: ProbeDataset, records: [ProbeRecord]? = nil, workers: Int? = nil, lookahead: Int? = nil) {
        let workers = workers ?? ProcessInfo.processInfo.activeProcessorCount
        precondition(workers >= 1, "ProbeLoader: workers must be >= 1")
        let lookahead = lookahead ?? 4 * workers
        precondition(lookahead >= 1, "ProbeLoader: lookahead must be >= 1")
        self.dataset = dataset
        self.records = records ?? dataset.records
        self.workers = workers
        self.lookahead = lookahead
    }

    /// Starts the workers and returns an iterator over the items in record order.
    public func makeIterator() -> Iterator {
        Iterator(pipeline: Pipeline(loader: self))
    }

    /// Decodes one record (what each worker does).
    static func load(_ record: ProbeRecord, from dataset: ProbeDataset) -> ProbeItem {
        do { return .sample(try dataset.sample(record)) } catch { return .skip(record, error) }
    }

    /// Iterates the items; releasing it stops the workers after their current record.
    public final class Iterator: IteratorProtocol {
        let pipeline: Pipeline
        init(pipeline: Pipeline) {
            self.pipeline = pipeline
            pipeline.start()
        }
        deinit { pipeline.cancel() }

        /// The next item in record order, waiting for it to be decoded; nil after the last.
        public func next() -> ProbeItem? { pipeline.take() }

        /// Stops the workers; `next()` then returns nil.
        public func cancel() { pipeline.cancel() }

        /// Most decoded samples that were held at once so far (for tests of the memory bound).
        var peakHeld: Int { pipeline.peakHeld }
    }

    /// The shared state of one iteration: a ring of slots guarded by one condition variable.
    final class Pipeline: @unchecked Sendable {
        private let dataset: ProbeDataset
        private let records: [ProbeRecord]
        private let workers: Int
        private let window: Int
        private let condition = NSCondition()
        // Guarded by `condition`:
        private var slots: [ProbeItem?]
        private var nextToClaim = 0
        private var nextToYield = 0
        private var cancelled = false
        private var held = 0
        private(set) var peakHeld: Int {
            get { condition.lock(); defer { condition.unlock() }; return _peakHeld }
            set { _peakHeld = newValue }
        }
        private var _peakHeld = 0

        init(loader: ProbeLoader) {
            dataset = loader.dataset
            records = loader.records
            workers = Swift.min(loader.workers, Swift.max(loader.records.count, 1))
            window = loader.lookahead
            slots = Array(repeating: nil, count: loader.lookahead)
        }

        func start() {
            for n in 0..<workers {
                let thread = Thread { [self] in work() }
                thread.name = "probe-loader-\(n)"
                thread.start()
            }
        }

        private func work() {
            condition.lock()
            while true {
                while !cancelled && nextToClaim < records.count && nextToClaim >= nextToYield + window {
                    condition.wait()
                }
                if cancelled || nextToClaim >= records.count { break }
                let i = nextToClaim
                nextToClaim += 1
                condition.unlock()
                let item = ProbeLoader.load(records[i], from: dataset)
                condition.lock()
                if cancelled { break }
                slots[i % window] = item
                held += 1
                _peakHeld = Swift.max(_peakHeld, held)
                condition.broadcast()
            }
            condition.unlock()
        }

        func take() -> ProbeItem? {
            condition.lock()
            defer { condition.unlock() }
            guard nextToYield < records.count else { return nil }
            while slots[nextToYield % window] == nil && !cancelled { condition.wait() }
            guard let item = slots[nextToYield % window] else { return nil }
            slots[nextToYield % window] = nil
            held -= 1
            nextToYield += 1
            condition.broadcast()
            return item
        }

        func cancel() {
            condition.lock()
            cancelled = true
            for i in slots.indices { slots[i] = nil }
            condition.broadcast()
            condition.unlock()
        }
    }
}

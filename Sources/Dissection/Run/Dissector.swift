// A dissection run: two passes over the probe, checkpointed, resumable, observable.
//
// Pass 1 ("thresholds") streams every layer's activations once: exact top quantiles and top
// images; a model's activations go to the on-disk cache on the way. Pass 2 ("tally") streams
// them again with the segmentations and sums I_ul, U_uc, G_l. Every `checkpointEvery` images the
// whole state goes to the run database in one transaction; a new process with the same settings
// continues from there and ends with the same numbers, because every state is a function of the
// images done and the images are visited in index order.
import Dispatch
import Foundation

/// Runs one dissection into a run directory.
public final class Dissector: @unchecked Sendable {
    /// What is computed.
    public let configuration: RunConfiguration
    /// The run directory.
    public let directory: String
    /// How it is executed.
    public let options: RunOptions
    let source: SampleSource
    let producer: ActivationProducer
    var emit: (RunEvent) -> Void = { _ in }
    var control = RunControl()
    /// When this process's run was paused (start, end): rate and ETA count working time only.
    var pauses: [(start: Date, end: Date)] = []
    /// What this process says about the shard it does (`Dissector+Shards.swift`), nil otherwise.
    var shardStatus: ShardStatus?
    /// One line on what a step of a sharded run did (prepared, done, nothing to do, merged).
    public internal(set) var outcome: String?

    /// A run of `configuration` over `source`, with activations from `producer`, into `directory`.
    public init(configuration: RunConfiguration, directory: String, source: SampleSource,
                producer: ActivationProducer, options: RunOptions = RunOptions()) {
        self.configuration = configuration
        self.directory = directory
        self.source = source
        self.producer = producer
        self.options = options
    }

    /// Runs to the end (or to a cancel), calling `onEvent` on the running thread.
    /// - Returns: the final progress.
    /// - Throws: `RunError` (one-line messages), including `.cancelled`.
    @discardableResult
    public func run(control: RunControl = RunControl(), onEvent: @escaping (RunEvent) -> Void = { _ in }) throws -> RunProgress {
        self.control = control
        self.emit = onEvent
        do {
            return try execute()
        } catch let error as RunError {
            if error != .cancelled { onEvent(.failed(error.description)) }
            throw error
        }
    }

    /// Starts the run on its own thread and returns its events; the stream ends with the run.
    public func start(control: RunControl) -> AsyncStream<RunEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: RunEvent.self, bufferingPolicy: .unbounded)
        let thread = Thread { [self] in
            _ = try? self.run(control: control) { continuation.yield($0) }
            continuation.finish()
        }
        thread.stackSize = 8 << 20
        thread.start()
        return stream
    }

    // MARK: Setup

    /// Per-process bookkeeping of a run.
    struct Session {
        /// The run's database, or the shard's (`Dissector+Shards.swift`).
        let store: RunStore
        let layers: [LayerShape]
        /// Images of the probe.
        let total: Int
        /// The run's progress, or the shard's (images done of the shard's images).
        var progress: RunProgress
        let useCache: Bool
        let catalog: ConceptCatalog
        let methods: [QuantileMethod]
        /// The images this process does: all, or the shard's.
        var range: Range<Int>
        /// The shard this process does, nil for the whole run.
        var shard: ShardSpec? = nil
        /// The activation cache folder inside the run directory.
        var cacheFolder: String = ActivationCache.directoryName
        /// Pass 1's last commit while it is still being written, for the tally pass that follows
        /// in the same process (`PassHandoff`).
        var handoff: PassHandoff? = nil
    }

    /// The end of pass 1 handed to the tally pass while its commit runs on another thread: the
    /// thresholds and skipped images the tally would read back from that commit, and the writer
    /// it runs on, which the tally pass's checkpoints then use: every write of the tally pass
    /// waits for the commit first, so the database never holds pass-2 state
    /// over pass 1's; a run stopped before the commit lands resumes from pass 1's last checkpoint.
    struct PassHandoff {
        let writer: CheckpointWriter
        let thresholds: [[Float]]
        let skipped: Set<Int>
    }

    /// What every kind of work checks first: the layers, the number of images, the quantile methods.
    struct Setup {
        let layers: [LayerShape]
        let total: Int
        let methods: [QuantileMethod]
    }

    private func execute() throws -> RunProgress {
        let setup = try checkSetup()
        switch options.work {
        case .whole: return try executeWhole(setup)
        case let .prepareShards(count): return try prepareShards(count, setup)
        case let .shard(spec, pass): return try executeShard(spec, pass: pass, setup)
        case let .merge(pass): return try mergeShards(pass: pass, setup)
        }
    }

    private func checkSetup() throws -> Setup {
        try configuration.validate()
        let layers = producer.layers
        guard layers.map(\.name) == configuration.layers else {
            throw RunError.input(path: configuration.model ?? configuration.activations ?? directory,
                                 reason: "produces layers \(layers.map(\.name)), the run asks for \(configuration.layers)",
                                 hint: "check the --layer names")
        }
        let total = source.count
        guard total > 0 else {
            throw RunError.input(path: configuration.dataset, reason: "has no images", hint: "check index.csv")
        }
        let methods = layers.map {
            options.quantileMethod ?? ThresholdPass.method(units: $0.units, mapSize: $0.mapSize, quantile: configuration.quantile, maxImages: total)
        }
        let quantileBytes = zip(layers, methods).reduce(0) {
            $0 + ThresholdPass.bytes(units: $1.0.units, mapSize: $1.0.mapSize, quantile: configuration.quantile,
                                     maxImages: total, method: $1.1)
        }
        guard quantileBytes <= options.quantileMemoryLimit else {
            throw RunError.badSetting("exact quantiles of these layers need \(quantileBytes >> 20) MB, above the \(options.quantileMemoryLimit >> 20) MB limit; dissect fewer layers at once")
        }
        return Setup(layers: layers, total: total, methods: methods)
    }

    /// Opens (creating when new) the run's database for writing: the run of one process, or the
    /// run a sharded run's `prepare` and `merge` write.
    func openRun(_ setup: Setup) throws -> (RunStore, RunProgress) {
        let (store, opened) = try RunStore.open(directory: directory, configuration: configuration, force: options.force)
        do {
            if case .new = opened {
                let layers = setup.layers, total = setup.total
                let cacheBytes = ActivationCache.bytes(layers: layers, images: total)
                let fits = cacheBytes <= options.cacheLimit
                    && Double(cacheBytes) <= 0.9 * Double(ActivationCache.freeBytes(at: directory))
                let cache = !producer.isRereadable && fits
                try store.initialize(configuration: configuration, catalog: source.catalog,
                                     passes: setup.methods.contains(.histogram) ? 3 : 2,
                                     imagePaths: (0..<total).map { source.path(of: $0) },
                                     layers: layers.map { ($0.name, $0.units, $0.height, $0.width) })
                try store.write { transaction in try transaction.setActivationCache(cache) }
            }
            let progress = try store.progress()
            guard progress.imagesTotal == setup.total, (2...3).contains(progress.passes), (1...progress.passes).contains(progress.pass),
                  progress.imagesDone <= setup.total else {
                throw RunError.corruptState(path: store.databasePath, reason: "the stored progress does not match the dataset (\(progress.imagesTotal) images stored, \(setup.total) now)")
            }
            return (store, progress)
        } catch {
            store.close()
            throw error
        }
    }

    private func executeWhole(_ setup: Setup) throws -> RunProgress {
        let (store, progress) = try openRun(setup)
        defer { store.close() }
        if let shards = try store.shardCount() {
            throw RunError.input(path: directory, reason: "is a run done as \(shards) shards",
                                 hint: "run its shards (netdissect dissect ... --shard K/\(shards)) and netdissect merge, or netdissect slurm --resume")
        }
        var session = Session(store: store, layers: setup.layers, total: setup.total, progress: progress,
                              useCache: try store.usesActivationCache(), catalog: source.catalog, methods: setup.methods,
                              range: 0..<setup.total)
        session.progress.status = .running
        session.progress.message = nil
        try store.write { transaction in try transaction.setProgress(session.progress) }
        emit(.started(session.progress))
        try runPasses(&session)
        ActivationCache.remove(runDirectory: directory)
        return session.progress
    }

    /// Runs the passes from where the session stands: all of them for a whole run, the current
    /// one for a shard.
    func runPasses(_ session: inout Session) throws {
        let single = session.shard != nil
        if session.progress.pass == 1 {
            try thresholdPass(&session)
            if single { return }
        }
        if session.progress.passes == 3 && session.progress.pass == 2 {
            try refinePass(&session)
            if single { return }
        }
        try tallyPass(&session)
    }

    // MARK: Shared by both passes

    /// The checkpoint interval in images: whole batches.
    var checkpointInterval: Int {
        let b = options.batchSize
        return max(1, (options.checkpointEvery + b - 1) / b) * b
    }

    /// Updates rate and ETA from this process's work in the current pass.
    /// Time spent paused counts for nothing: a run paused for a minute and resumed would otherwise
    /// show a rate and an ETA as if it had crawled through that minute.
    func updateRate(_ p: inout RunProgress, doneAtStart: Int, startTime: Date, secondPassFactor: Double) {
        let paused = pauses.reduce(0.0) { $0 + max(0, $1.end.timeIntervalSince(max($1.start, startTime))) }
        let elapsed = Date().timeIntervalSince(startTime) - paused
        let done = p.imagesDone - doneAtStart
        p.updatedAt = RunStore.now()
        guard elapsed > 0, done > 0 else { return }
        let rate = Double(done) / elapsed
        p.rate = min(rate, StoredLimits.maxRate)
        var eta = Double(p.imagesTotal - p.imagesDone) / rate
        if p.pass == 1 { eta += Double(p.imagesTotal) / (rate * secondPassFactor) }
        p.etaSeconds = min(eta, StoredLimits.maxSeconds)
    }

    /// Handles pause and cancel at a batch boundary; `checkpoint` commits the current state.
    func honourControl(_ session: inout Session, checkpoint: (inout Session) throws -> Void) throws {
        var pausedError: Error?
        var pausedAt = Date()
        let going = control.waitWhilePaused(onPause: {
            pausedAt = Date()
            do {
                session.progress.status = .paused
                try checkpoint(&session)
                emit(.paused)
            } catch { pausedError = error }
        }, onResume: {
            pauses.append((pausedAt, Date()))
            session.progress.status = .running
            emit(.resumed)
        })
        if let pausedError { throw pausedError }
        if !going {
            session.progress.status = .cancelled
            try checkpoint(&session)
            emit(.cancelled(session.progress))
            throw RunError.cancelled
        }
    }

    /// The next `limit` items (at least one) of a pass over `total` images, starting at `expectedStart`.
    func nextBatch(_ iterator: inout AnyIterator<SampleItem>, expectedStart: Int, limit: Int, total: Int) throws -> [SampleItem] {
        var items: [SampleItem] = []
        items.reserveCapacity(limit)
        while items.count < limit, let item = iterator.next() {
            guard item.index == expectedStart + items.count else {
                throw RunError.input(path: configuration.dataset,
                                     reason: "the loader returned image \(item.index) where \(expectedStart + items.count) was expected",
                                     hint: "this is a bug in the probe loader; please report it")
            }
            items.append(item)
        }
        guard !items.isEmpty else {
            throw RunError.input(path: configuration.dataset, reason: "the loader stopped at image \(expectedStart) of \(total)",
                                 hint: "check that the dataset did not change during the run")
        }
        return items
    }
}

/// Maps `count` indices in parallel, keeping order.
public func parallelMap<T>(_ count: Int, workers: Int, _ body: (Int) -> T) -> [T] {
    var results = [T?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { out in
        let handle = ResultsHandle(base: out.baseAddress!)
        let chunks = max(1, min(workers, count))
        withoutActuallyEscaping(body) { body in
            let box = BodyBox(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for i in (chunk * count / chunks)..<((chunk + 1) * count / chunks) { handle.base[i] = box.body(i) }
            }
        }
    }
    return results.map { $0! }
}

private struct ResultsHandle<T>: @unchecked Sendable { let base: UnsafeMutablePointer<T?> }
private struct BodyBox<T>: @unchecked Sendable {
    let body: (Int) -> T
    init(_ body: @escaping (Int) -> T) { self.body = body }
}

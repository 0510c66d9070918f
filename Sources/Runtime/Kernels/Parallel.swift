// The one parallel-for every kernel uses, and the thread policy that goes with it.
//
// Policy: our kernels split work themselves (over images, row panels, output-channel blocks,
// planes) and every `cblas_sgemm` call runs single-threaded inside one of our workers. OpenBLAS
// is therefore pinned to one thread once, the first time a `Parallelism` is made, so BLAS threads
// and our threads never oversubscribe the cores. A single large GEMM is split across our workers
// by `Gemm`'s own row or column blocks rather than by OpenBLAS.
//
// Work items are handed out dynamically (an atomic counter) because these machines are shared:
// a worker that is descheduled for a while should not leave a static chunk unfinished at the end.
//
// The workers are our own threads (`WorkerPool`), which spin for a while after a loop before
// they sleep: a network runs dozens of loops per image, each often under 100 us, and waking a
// sleeping thread for each (what DispatchQueue.concurrentPerform does) cost 15-30 us of every
// loop's speed-up.
import CCBlas
import Dispatch
import Foundation
import Synchronization

/// How many threads the kernels spread their work over, and the parallel-for that does it.
///
/// Every kernel takes a `Parallelism`; a worker index `0..<threads` is passed to the loop body so
/// a kernel can use its own slice of a scratch buffer planned once by the caller
/// (`scratchCount(...)` of each kernel is per worker times `threads`).
public struct Parallelism: Sendable, Equatable, CustomStringConvertible {
    /// Number of workers, at least 1.
    public let threads: Int

    /// Spreads work over `threads` workers (clamped to at least 1).
    public init(threads: Int) {
        _ = blasThreadPolicy
        self.threads = max(1, threads)
    }

    /// One worker: everything runs on the calling thread.
    public static let serial = Parallelism(threads: 1)

    /// The machine default: `NETDISSECT_THREADS` when set to a positive integer, otherwise the
    /// number of active processors.
    public static var machine: Parallelism {
        let env = ProcessInfo.processInfo.environment["NETDISSECT_THREADS"].flatMap { Int($0) }
        if let env, env > 0 { return Parallelism(threads: env) }
        return Parallelism(threads: ProcessInfo.processInfo.activeProcessorCount)
    }

    public var description: String { "\(threads) thread\(threads == 1 ? "" : "s")" }

    /// Runs `body(item, worker)` once for every `item` in `0..<count`, spread over the workers.
    ///
    /// Items are claimed one at a time from a shared counter, so uneven items balance out.
    /// `worker` is in `0..<threads` and no two concurrent calls of `body` share it. Runs inline
    /// when there is one worker or one item. Returns when every item is done.
    public func forEach(_ count: Int, _ body: (_ item: Int, _ worker: Int) -> Void) {
        guard count > 0 else { return }
        let workers = min(threads, count)
        if workers == 1 {
            for item in 0..<count { body(item, 0) }
            return
        }
        if WorkerPool.shared(threads: threads).run(count, workers: workers, body) { return }
        // The pool is running another loop (a second caller, or a loop inside a loop): GCD.
        let next = Atomic<Int>(0)
        withoutActuallyEscaping(body) { body in
            let handle = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while true {
                    let item = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if item >= count { break }
                    handle.value(item, worker)
                }
            }
        }
    }

    /// Splits `0..<count` into contiguous ranges of about `grain` items and runs
    /// `body(range, worker)` for each, spread over the workers.
    public func forEachRange(_ count: Int, grain: Int,
                             _ body: (_ range: Range<Int>, _ worker: Int) -> Void) {
        guard count > 0 else { return }
        let grain = max(1, grain)
        let chunks = (count + grain - 1) / grain
        forEach(chunks) { chunk, worker in
            body(chunk * grain..<min(count, (chunk + 1) * grain), worker)
        }
    }

    /// A chunk size that gives every worker about `perWorker` chunks of `count` items, never
    /// below `minimum`.
    public func grain(for count: Int, perWorker: Int = 4, minimum: Int = 1) -> Int {
        let chunks = max(1, threads * perWorker)
        return max(minimum, (count + chunks - 1) / chunks)
    }
}

/// Carries a non-Sendable value (a closure over pointers a kernel owns for the duration of one
/// call) into the workers of one `forEach`. The kernel guarantees the workers touch disjoint
/// memory, which is what makes this sound.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Pins OpenBLAS to one thread, once per process: our workers call sgemm concurrently.
private let blasThreadPolicy: Void = {
    openblas_set_num_threads(1)
}()

/// Helper threads that stay awake between parallel loops (spinning briefly, then sleeping), so
/// a loop that follows another within microseconds does not wait for a thread to be woken.
///
/// A loop is open from the moment the caller publishes it until every item is finished; a
/// helper joins it (counted in `joined`) and checks that it is still open before touching the
/// loop's body, and the caller closes it and waits for `joined` to drop to zero before the body
/// goes out of scope. Both sides use sequentially consistent operations for that handshake, so
/// either the helper sees the loop closed or the caller sees the helper joined.
final class WorkerPool: @unchecked Sendable {
    typealias Body = (_ item: Int, _ worker: Int) -> Void

    /// Loop state: generation << 1 | open. Helpers join an open loop of a generation they have
    /// not run yet.
    private let state = Atomic<Int>(0)
    /// Helpers inside the current loop (joined and not yet left).
    private let joined = Atomic<Int>(0)
    /// Next item to claim, and items finished.
    private let next = Atomic<Int>(0)
    private let done = Atomic<Int>(0)
    /// Helpers waiting on `wake`.
    private let sleepers = Atomic<Int>(0)
    /// Whether a loop is running (one at a time; a second caller runs elsewhere).
    private let busy = Atomic<Bool>(false)
    private let wake = NSCondition()
    /// The loop being run: written by the caller while the pool is closed, read by helpers
    /// after they joined.
    private var body: Body?
    private var count = 0, workers = 0
    private var generation = 0
    /// Helper threads, worker indices 1...helpers.
    private let helpers: Int
    /// Spins a helper makes on `state` before it sleeps.
    static let spinLimit = 20_000

    /// The pool for loops of `threads` workers (threads - 1 helpers), made on first use.
    static func shared(threads: Int) -> WorkerPool {
        pools.withLock { pools in
            if let pool = pools[threads] { return pool }
            let pool = WorkerPool(helpers: threads - 1)
            pools[threads] = pool
            return pool
        }
    }
    private static let pools = Mutex<[Int: WorkerPool]>([:])

    init(helpers: Int) {
        self.helpers = helpers
        for index in 1...max(1, helpers) where helpers > 0 {
            let thread = Thread { [unowned self] in self.helperLoop(index) }
            thread.name = "netdissect worker \(index)"
            thread.start()
        }
    }

    /// Runs `body` for every item on the caller and up to `workers - 1` helpers; false (nothing
    /// run) when another loop is using the pool.
    func run(_ count: Int, workers: Int, _ body: Body) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            self.body = body
            self.count = count
            self.workers = min(workers, helpers + 1)
            next.store(0, ordering: .relaxed)
            done.store(0, ordering: .relaxed)
            generation += 1
            state.store(generation << 1 | 1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock(); wake.broadcast(); wake.unlock()
            }
            var finished = 0
            while true {
                let item = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if item >= count { break }
                body(item, 0)
                finished += 1
            }
            done.wrappingAdd(finished, ordering: .releasing)
            while done.load(ordering: .acquiring) < count {}
            // Close the loop, then wait for helpers that joined it to leave before `body` goes.
            state.store(generation << 1, ordering: .sequentiallyConsistent)
            while joined.load(ordering: .sequentiallyConsistent) > 0 {}
            self.body = nil
        }
        return true
    }

    private func helperLoop(_ index: Int) {
        var last = 0
        while true {
            var spins = 0
            var s = state.load(ordering: .sequentiallyConsistent)
            while s & 1 == 0 || s >> 1 == last {
                spins += 1
                if spins >= Self.spinLimit {
                    wake.lock()
                    sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
                    while state.load(ordering: .sequentiallyConsistent) == s { wake.wait() }
                    sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                    wake.unlock()
                    spins = 0
                }
                s = state.load(ordering: .sequentiallyConsistent)
            }
            last = s >> 1
            joined.wrappingAdd(1, ordering: .sequentiallyConsistent)
            if state.load(ordering: .sequentiallyConsistent) == s && index < workers, let body {
                var finished = 0
                while true {
                    let item = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if item >= count { break }
                    body(item, index)
                    finished += 1
                }
                done.wrappingAdd(finished, ordering: .releasing)
            }
            joined.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        }
    }
}


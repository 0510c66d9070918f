// The one parallel-for every kernel uses, and the thread policy that goes with it.
//
// Policy: our kernels split work themselves (over images, row panels, output-channel blocks,
// planes) and every `cblas_sgemm` call runs single-threaded inside one of our workers. OpenBLAS
// is therefore pinned to one thread once, the first time a `Parallelism` is made, so BLAS threads
// and our threads never oversubscribe the cores. A single large GEMM is split across our workers
// by `Gemm`'s own row or column blocks rather than by OpenBLAS.
//
// Work items are handed out dynamically (atomic counters) because these machines are shared:
// a worker that is descheduled for a while should not leave a static chunk unfinished at the end.
// Each worker starts on its home segment, the items a static split would give it, so that loop
// after loop a worker handles the same part of the maps and finds the previous layer's output of
// that part in its own cache (Inception-v3 and MobileNetV2 at batch 1 on two threads: several
// layers ran slower on two threads than on one when a single shared counter scattered the items).
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

    /// Applies the thread policy now rather than when the first kernel runs: executables call
    /// it first thing, so that OpenBLAS's idle helper threads stop spinning before the model is
    /// even loaded (`blasThreadPolicy`).
    public static func applyThreadPolicy() {
        _ = blasThreadPolicy
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
    /// Each worker claims the items of its home segment (what a static split would give it) in
    /// order, then helps with the others' (`WorkerPool.drain`), one at a time in loops of few
    /// items and in runs of consecutive items in loops of many (`WorkerPool.grain`), so uneven
    /// items balance out.
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

    /// Runs `body(slot, range, worker)` for every slot in `0..<slots`, each slot's `0..<count`
    /// cut into contiguous runs so that the workers get about two items each (at least one run
    /// per slot, at most `count`): for work made once and shared, such as a panel's column
    /// matrix unrolled a run of input channels at a time.
    public func forEachRun(slots: Int, of count: Int,
                           _ body: (_ slot: Int, _ range: Range<Int>, _ worker: Int) -> Void) {
        guard slots > 0, count > 0 else { return }
        let runs = min(count, max(1, (2 * threads + slots - 1) / slots))
        forEach(slots * runs) { item, worker in
            let run = item % runs
            body(item / runs, Self.share(run, of: runs, in: count), worker)
        }
    }

    /// Part `part` of `0..<count` cut into `parts` contiguous ranges as equal as can be (their
    /// sizes differ by at most one): what a kernel gives each of its items when they should
    /// cost the same (a last short one leaves a worker idle while the others finish).
    @inline(__always)
    public static func share(_ part: Int, of parts: Int, in count: Int) -> Range<Int> {
        part * count / parts..<(part + 1) * count / parts
    }

    /// A chunk size of at most `largest` for `count` equal items, chosen so the busiest worker
    /// has the fewest items: with `ceil(count / chunk)` chunks handed out in rounds of
    /// `threads`, the last round's chunks set the time (27 panels on 2 workers in chunks of 4
    /// leave one worker 16 to do while the other does 12; in chunks of 2, 14 and 13). Ties go
    /// to the larger chunk, and the chunk stays at least half of `largest` (each item has its
    /// cost: a claim, and the reloading of what its chunk shares).
    public func balancedChunk(_ count: Int, largest: Int) -> Int {
        guard count > 0 else { return 1 }
        let largest = max(1, min(largest, count))
        var best = largest, bestCost = Int.max
        for chunk in (largest + 1) / 2...largest {
            // Chunks dealt in turn: the last (maybe short) one goes to worker (chunks - 1) %
            // threads, which is the busiest unless a worker before it got as many full ones.
            let chunks = (count + chunk - 1) / chunk
            let rounds = (chunks + threads - 1) / threads
            let last = count - (chunks - 1) * chunk
            let cost = (chunks - 1) % threads > 0 ? rounds * chunk : (rounds - 1) * chunk + last
            if cost <= bestCost { best = chunk; bestCost = cost }
        }
        return best
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
package struct UncheckedSendable<Value>: @unchecked Sendable {
    package let value: Value
    package init(_ value: Value) { self.value = value }
}

/// Pins OpenBLAS to one thread, once per process: our workers call sgemm concurrently.
///
/// Pinning alone leaves the helper threads OpenBLAS starts when it is loaded (one per core but
/// one): each spins on `sched_yield` for its idle timeout (about 0.2 s here) before it sleeps,
/// a core's worth of CPU taken from the model at every start (`perf`: ~90 ms of CPU per process
/// on two cores, more with more cores). The pthread build exports `blas_thread_shutdown_` (what
/// its fork handler calls) to stop them; looked up at run time, since the serial and OpenMP
/// variants Debian can select instead may not have it. OpenBLAS starts them again by itself
/// if its thread count is set again or a call runs threaded (it does the same after a fork).
private let blasThreadPolicy: Void = {
    openblas_set_num_threads(1)
    typealias Shutdown = @convention(c) () -> Int32
    if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") {
        _ = unsafeBitCast(symbol, to: Shutdown.self)()
    }
}()

// The threads behind `Parallelism.forEach`: helpers that stay awake between loops.
import Foundation
import Synchronization

/// Helper threads that stay awake between parallel loops (spinning briefly, then sleeping), so
/// a loop that follows another within microseconds does not wait for a thread to be woken.
///
/// A loop is open from the moment the caller publishes it until every item is finished; a
/// helper joins it (counted in `joined`) and checks that it is still open before touching the
/// loop's body, and the caller closes it and waits for `joined` to drop to zero before the body
/// goes out of scope. Both sides use sequentially consistent operations for that handshake, so
/// either the helper sees the loop closed or the caller sees the helper joined.
package final class WorkerPool: @unchecked Sendable {
    package typealias Body = (_ item: Int, _ worker: Int) -> Void

    /// Loop state: generation << 1 | open. Helpers join an open loop of a generation they have
    /// not run yet.
    private let state = Atomic<Int>(0)
    /// Helpers inside the current loop (joined and not yet left).
    private let joined = Atomic<Int>(0)
    // The finished count on a cache line of its own, as each worker's claim counter is
    // (`counters`): the caller spins on `done` while the workers claim (stored properties are
    // laid out in order; 64-byte lines, so 56 bytes of padding around the 8-byte counter).
    private let padding0 = CacheLinePadding()
    /// Items finished.
    private let done = Atomic<Int>(0)
    private let padding1 = CacheLinePadding()
    /// Helpers waiting on `wake`.
    private let sleepers = Atomic<Int>(0)
    /// Whether a loop is running (one at a time; a second caller runs elsewhere).
    private let busy = Atomic<Bool>(false)
    private let wake = NSCondition()
    /// The loop being run: written by the caller while the pool is closed, read by helpers
    /// after they joined.
    private var body: Body?
    private var count = 0, workers = 0, grain = 1
    private var generation = 0
    /// Helper threads, worker indices 1...helpers.
    private let helpers: Int
    /// Per worker, the next item of its home segment to claim (claimed `grain` at a time), each
    /// counter on a cache line of its own (`Self.counterStride` bytes apart).
    private let counters: UnsafeMutableRawPointer
    private static let counterStride = 64
    /// Spins a helper makes on `state` before it sleeps.
    package static let spinLimit = 20_000
    /// Claims each worker makes of a loop's items, about (`grain`): a loop of many small items
    /// (a pool's 768 planes, a depthwise layer's channels) claimed one at a time moved the
    /// counter's cache line between the cores once per item, which cost more than the items
    /// on a two-core AMD EPYC (768x12x12 average pool: 0.20 ms on one thread, 0.50 on two).
    /// Eight claims per worker still balance a worker that is descheduled for a while.
    package static let claimsPerWorker = 8

    /// Items per claim for a loop of `count` items on `workers` workers: 1 up to
    /// `claimsPerWorker * workers` items, then about `count / (claimsPerWorker * workers)`.
    package static func grain(count: Int, workers: Int) -> Int {
        max(1, count / (claimsPerWorker * max(1, workers)))
    }

    /// The pool for loops of `threads` workers (threads - 1 helpers), made on first use.
    package static func shared(threads: Int) -> WorkerPool {
        pools.withLock { pools in
            if let pool = pools[threads] { return pool }
            let pool = WorkerPool(helpers: threads - 1)
            pools[threads] = pool
            return pool
        }
    }
    private static let pools = Mutex<[Int: WorkerPool]>([:])

    package init(helpers: Int) {
        self.helpers = helpers
        counters = UnsafeMutableRawPointer.allocate(byteCount: (helpers + 1) * Self.counterStride, alignment: Self.counterStride)
        for w in 0...helpers {
            (counters + w * Self.counterStride).bindMemory(to: Atomic<Int>.self, capacity: 1).initialize(to: Atomic(0))
        }
        for index in 1...max(1, helpers) where helpers > 0 {
            let thread = Thread { [unowned self] in self.helperLoop(index) }
            thread.name = "netdissect worker \(index)"
            thread.start()
        }
    }

    deinit { counters.deallocate() }

    /// Runs `body` for every item on the caller and up to `workers - 1` helpers; false (nothing
    /// run) when another loop is using the pool.
    package func run(_ count: Int, workers: Int, _ body: Body) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            self.body = body
            self.count = count
            self.workers = min(workers, helpers + 1)
            self.grain = Self.grain(count: count, workers: self.workers)
            for w in 0..<self.workers { counter(w).pointee.store(segmentStart(w), ordering: .relaxed) }
            done.store(0, ordering: .relaxed)
            generation += 1
            state.store(generation << 1 | 1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock(); wake.broadcast(); wake.unlock()
            }
            drain(body, worker: 0)
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
            if state.load(ordering: .sequentiallyConsistent) == s && index < workers { join(index) }
            joined.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        }
    }

    /// A helper's part of the open loop. Its own function, so that its copy of `body` is released
    /// when it returns, before the helper leaves the loop (`joined`): the caller's
    /// `withoutActuallyEscaping` checks that nothing holds the body any more. Inline in
    /// `helperLoop`, a debug build released that copy after the helper had left, and the check
    /// trapped (`swift test` without `-c release`, every run of ConvolutionKernelTests).
    @inline(never)
    private func join(_ index: Int) {
        guard let body else { return }
        drain(body, worker: index)
    }

    /// Worker `w`'s claim counter.
    private func counter(_ w: Int) -> UnsafePointer<Atomic<Int>> {
        UnsafePointer((counters + w * Self.counterStride).assumingMemoryBound(to: Atomic<Int>.self))
    }

    /// Where worker `w`'s home segment of the open loop starts (segment `workers` is the end).
    private func segmentStart(_ w: Int) -> Int { w * count / workers }

    /// Claims and runs items of the open loop until none is left, then counts them done
    /// (releasing their writes to the caller, which acquires `done`). Each worker starts on its
    /// home segment (the items a static split would give it), in order, then helps the others
    /// with theirs: every loop gives a worker the same share of its items as the loop before
    /// (the same rows, columns or channels of the same maps, whose data its own cache holds from
    /// the layer before), and a worker that was descheduled still leaves no share unfinished.
    private func drain(_ body: Body, worker: Int) {
        let grain = grain, workers = workers
        var finished = 0
        for k in 0..<workers {
            let w = (worker + k) % workers
            let counter = counter(w), end = segmentStart(w + 1)
            while true {
                let first = counter.pointee.wrappingAdd(grain, ordering: .relaxed).oldValue
                if first >= end { break }
                let last = min(end, first + grain)
                for item in first..<last { body(item, worker) }
                finished += last - first
            }
        }
        done.wrappingAdd(finished, ordering: .releasing)
    }
}

/// 56 bytes that keep the atomics around them on separate 64-byte cache lines.
private struct CacheLinePadding {
    let words: (Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0)
}

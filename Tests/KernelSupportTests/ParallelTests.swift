// The parallel-for and its worker pool: every item once, worker indices in range, home segments
// first, loops back to back, callers on several threads at once, and a loop inside a loop.
import Dispatch
import Foundation
import Synchronization
import Testing
@testable import KernelSupport

@Suite struct ParallelTests {
    /// Runs one loop and returns how often each item ran, and whether every worker index was
    /// in range and used by one call at a time.
    func census(_ parallelism: Parallelism, items: Int) -> (counts: [Int], workersOK: Bool) {
        let counts = Mutex([Int](repeating: 0, count: items))
        let busy = Mutex([Bool](repeating: false, count: parallelism.threads))
        let bad = Atomic<Int>(0)
        parallelism.forEach(items) { item, worker in
            guard worker >= 0 && worker < parallelism.threads else { bad.add(1, ordering: .relaxed); return }
            let overlapping = busy.withLock { busy in
                defer { busy[worker] = true }
                return busy[worker]
            }
            if overlapping { bad.add(1, ordering: .relaxed) }
            counts.withLock { $0[item] += 1 }
            busy.withLock { $0[worker] = false }
        }
        return (counts.withLock { $0 }, bad.load(ordering: .relaxed) == 0)
    }

    /// The thread policy leaves OpenBLAS one thread and no helper threads (the pthread build
    /// starts them when it is loaded; `blas_server_avail` says whether they are running).
    @Test func threadPolicyStopsOpenBLASHelpers() throws {
        Parallelism.applyThreadPolicy()
        let library = UnsafeMutableRawPointer(bitPattern: 0)
        typealias Count = @convention(c) () -> Int32
        let threads = try #require(dlsym(library, "openblas_get_num_threads"), "OpenBLAS is not linked")
        #expect(unsafeBitCast(threads, to: Count.self)() == 1)
        // Only the pthread build (Debian's default, the one CI installs) has helper threads.
        if let available = dlsym(library, "blas_server_avail") {
            #expect(available.load(as: Int32.self) == 0, "OpenBLAS's helper threads are still running")
        }
    }

    @Test func everyItemOnceWithWorkersInRange() {
        for threads in [1, 2, 3, 5] {
            // 768 and 1001 are claimed in runs (`WorkerPool.grain`), 1001 with a short last run.
            for items in [0, 1, 2, 7, 100, 768, 1001] {
                let (counts, ok) = census(Parallelism(threads: threads), items: items)
                #expect(counts == [Int](repeating: 1, count: items), "threads \(threads) items \(items)")
                #expect(ok, "threads \(threads) items \(items)")
            }
        }
    }

    /// Each worker starts on its home segment (the items a static split gives it) and claims it
    /// in order; only then does it help with the others'. The caller's first item waits for the
    /// helper's first, so the helper has joined before the caller could finish its half and
    /// steal: the helper's first item is the first of the second half.
    /// A pool of its own (one helper) for `workersStartOnTheirHomeSegment`; pools live as long as
    /// the process (their helper threads hold them).
    static let homePool = WorkerPool(helpers: 1)

    @Test func workersStartOnTheirHomeSegment() {
        let pool = Self.homePool
        let items = 600
        let order = Mutex([[Int]](repeating: [], count: 2))
        let helperRan = Atomic<Bool>(false)
        let ran = pool.run(items, workers: 2) { item, worker in
            if worker == 1 { helperRan.store(true, ordering: .releasing) }
            if item == 0 {
                let deadline = Date().addingTimeInterval(5)
                while !helperRan.load(ordering: .acquiring) && Date() < deadline {}
            }
            order.withLock { $0[worker].append(item) }
        }
        #expect(ran)
        let runs = order.withLock { $0 }
        #expect(runs[1].first == items / 2, "the helper began at \(runs[1].prefix(4))")
        for (w, run) in runs.enumerated() {
            for segment in [0..<items / 2, items / 2..<items] {
                let own = run.filter { segment.contains($0) }
                #expect(own == own.sorted(), "worker \(w) ran segment \(segment) out of order")
            }
        }
        #expect(runs.joined().sorted() == Array(0..<items))
    }

    /// Loops of few items are claimed an item at a time; loops of many in runs that leave each
    /// worker about `claimsPerWorker` claims.
    @Test func claimsOfManyItemsComeInRuns() {
        #expect(WorkerPool.grain(count: 12, workers: 2) == 1)
        #expect(WorkerPool.grain(count: 16, workers: 2) == 1)
        #expect(WorkerPool.grain(count: 768, workers: 2) == 48)
        #expect(WorkerPool.grain(count: 768, workers: 3) == 32)
        #expect(WorkerPool.grain(count: 5, workers: 1) == 1)
    }

    /// Every slot's 0..<count covered exactly once by its runs, whatever slots, count, threads.
    @Test func runsCoverEverySlotOnce() {
        for threads in [1, 2, 3] {
            for (slots, count) in [(1, 1), (1, 512), (3, 2), (4, 7), (8, 5), (0, 3), (2, 0)] {
                let seen = Mutex([Int](repeating: 0, count: slots * count))
                Parallelism(threads: threads).forEachRun(slots: slots, of: count) { slot, range, _ in
                    seen.withLock { for i in range { $0[slot * count + i] += 1 } }
                }
                #expect(seen.withLock { $0 } == [Int](repeating: 1, count: slots * count),
                        "threads \(threads) slots \(slots) count \(count)")
            }
        }
    }

    /// Chunks for equal items: no larger than asked nor below half of it, and no such split
    /// whose busiest worker has fewer items than the chosen one's.
    @Test func balancedChunksLeaveNoWorkerBehind() {
        #expect(Parallelism(threads: 2).balancedChunk(27, largest: 4) == 2)
        #expect(Parallelism(threads: 2).balancedChunk(24, largest: 3) == 3)
        #expect(Parallelism(threads: 2).balancedChunk(214, largest: 27) == 27)
        #expect(Parallelism(threads: 1).balancedChunk(27, largest: 4) == 4)
        #expect(Parallelism(threads: 3).balancedChunk(1, largest: 5) == 1)
        for threads in 1...4 {
            for count in 1...40 {
                for largest in 1...9 {
                    let p = Parallelism(threads: threads)
                    let chunk = p.balancedChunk(count, largest: largest)
                    // Chunks dealt to the workers in turn, the last one short.
                    func busiest(_ c: Int) -> Int {
                        var loads = [Int](repeating: 0, count: threads), start = 0, i = 0
                        while start < count { loads[i % threads] += min(c, count - start); start += c; i += 1 }
                        return loads.max()!
                    }
                    let largest = min(largest, count)
                    #expect(chunk >= (largest + 1) / 2 && chunk <= largest)
                    #expect(((largest + 1) / 2...largest).allSatisfy { busiest($0) >= busiest(chunk) },
                            "threads \(threads) count \(count) largest \(largest): \(chunk)")
                }
            }
        }
    }

    @Test func loopsBackToBackSeeEachOthersResults() {
        // Each loop reads what the previous one wrote: the pool must finish a loop (and make its
        // writes visible) before the caller goes on.
        let parallelism = Parallelism(threads: 3)
        let n = 64
        let values = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
        defer { values.deallocate() }
        values.initialize(repeating: 0)
        let base = UncheckedSendable(values.baseAddress!)
        for round in 1...2_000 {
            parallelism.forEach(n) { item, _ in
                precondition(base.value[item] == round - 1)
                base.value[item] = round
            }
        }
        #expect(values.allSatisfy { $0 == 2_000 })
    }

    @Test func callersOnSeveralThreadsAndNestedLoops() {
        let parallelism = Parallelism(threads: 2)
        let total = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<200 {
                parallelism.forEach(5) { _, _ in
                    // A loop inside a loop finds the pool busy and still runs every item.
                    parallelism.forEach(3) { _, worker in
                        precondition(worker < 2)
                        total.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        #expect(total.load(ordering: .relaxed) == 4 * 200 * 5 * 3)
    }
}

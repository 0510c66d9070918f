// The loader thread: items in order whatever the chunking, never more than `ahead` chunks
// produced beyond what was taken, and the thread stops when the iterator is dropped.
import Foundation
import Synchronization
import Testing
@testable import Dissection

@Suite struct ChunkPrefetcherTests {
    @Test(arguments: [(0..<0, 3), (0..<1, 3), (5..<6, 1), (0..<10, 3), (2..<100, 8), (0..<64, 64)])
    func itemsComeInOrder(range: Range<Int>, chunk: Int) {
        let items = Array(ChunkPrefetcher(range, chunk: chunk, ahead: 2) { r in r.map { $0 * 10 } }.items())
        #expect(items == range.map { $0 * 10 })
    }

    @Test func staysABoundedNumberOfChunksAhead() throws {
        let produced = Atomic<Int>(0)
        let prefetcher = ChunkPrefetcher(0..<1000, chunk: 4, ahead: 3) { r -> [Int] in
            produced.add(1, ordering: .sequentiallyConsistent)
            return Array(r)
        }
        #expect(prefetcher.next() == [0, 1, 2, 3])
        // One chunk taken: the thread fills up to 3 more (on a busy machine it may take a while),
        // then stops there however long we wait.
        let deadline = Date().addingTimeInterval(10)
        while produced.load(ordering: .sequentiallyConsistent) < 4 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(produced.load(ordering: .sequentiallyConsistent) == 4)
        #expect(prefetcher.next() == [4, 5, 6, 7])
        prefetcher.stop()
    }

    @Test func droppingTheIteratorStopsTheThread() throws {
        let produced = Atomic<Int>(0)
        var iterator: AnyIterator<Int>? = ChunkPrefetcher(0..<1_000_000, chunk: 1, ahead: 2) { r -> [Int] in
            produced.add(1, ordering: .sequentiallyConsistent)
            return Array(r)
        }.items()
        #expect(iterator?.next() == 0)
        iterator = nil
        // A chunk that had started may still finish; nothing starts after that.
        Thread.sleep(forTimeInterval: 0.5)
        let stopped = produced.load(ordering: .sequentiallyConsistent)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(produced.load(ordering: .sequentiallyConsistent) == stopped)
        #expect(stopped <= 4)
    }
}

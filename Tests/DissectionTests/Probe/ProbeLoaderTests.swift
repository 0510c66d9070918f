// The loader: record order, skips in place, bounded look-ahead, early release.
import DissectionTestSupport
import Testing
import TestSupport
@testable import Dissection

@Suite struct ProbeLoaderTests {
    let dataset: ProbeDataset
    init() throws { dataset = try ProbeDataset.open(directory: try fixtureDirectory("tiny")) }

    @Test func yieldsEveryRecordInOrderWithSkipsInPlace() {
        for workers in [1, 2, 3] {
            for lookahead in [1, 2, 8] {
                let items = Array(ProbeLoader(dataset: dataset, workers: workers, lookahead: lookahead))
                #expect(items.map(\.record.index) == [0, 1, 2], "workers \(workers), lookahead \(lookahead)")
                guard items.count == 3 else { continue }
                if case let .skip(_, why) = items[1] { #expect(why.file == "images/pascal/two_object.png") }
                else { Issue.record("record 1 should be a skip") }
                if case let .sample(sample) = items[2] { #expect(sample.imageLabels[5] == [9]) }
                else { Issue.record("record 2 should be a sample") }
            }
        }
    }

    @Test func emptyAndSubsetRecordLists() {
        #expect(Array(ProbeLoader(dataset: dataset, records: [])).isEmpty)
        let val = ProbeLoader(dataset: dataset, records: dataset.records(split: "val"))
        #expect(Array(val).map(\.record.line) == [3])
    }

    @Test func lookaheadBoundsTheSamplesHeld() {
        // Many copies of the fixture's records: more than the window many times over.
        let records = (0..<60).map { i -> ProbeRecord in
            var record = dataset.records[i % 3]
            record.index = i
            return record
        }
        let iterator = ProbeLoader(dataset: dataset, records: records, workers: 3, lookahead: 4).makeIterator()
        var seen: [Int] = []
        while let item = iterator.next() { seen.append(item.record.index) }
        #expect(seen == Array(0..<60))
        #expect(iterator.peakHeld <= 4 && iterator.peakHeld >= 1)
    }

    @Test func releasingEarlyStopsCleanly() {
        for _ in 0..<20 {
            let iterator = ProbeLoader(dataset: dataset, workers: 2, lookahead: 1).makeIterator()
            _ = iterator.next()
            iterator.cancel()
            #expect(iterator.next() == nil)
        }
    }
}

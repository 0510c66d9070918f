// The model's producer: its rows, and the visits it makes to them from its workers.
import DissectionTestSupport
import Foundation
import Testing
@testable import Dissection

@Suite struct ModelActivationsTests {
    /// Every produced row is visited exactly once, with pointers to that row of every layer's
    /// output as `produce` returns it; rows of skipped items are not; the output is the same as
    /// without a visitor, and the same whichever number of workers.
    @Test func visitsEveryProducedRowOnceWhereItLies() throws {
        let probe = PlantedProbe(count: 11)
        var items: [SampleItem] = probe.images.enumerated().map { i, image in
            .sample(index: i, annotation: probe.annotations[i]!, image: image)
        }
        items[4] = .skip(index: 4, path: "4.jpg", reason: "unreadable")
        func producer(workers: Int) throws -> ModelActivations {
            try ModelActivations(path: PlantedProbe.modelPath, layers: ["features"], inputHeight: 32, inputWidth: 32,
                                 mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], bgr: false, workers: workers)
        }
        let single = try producer(workers: 1)
        var reference: [[Float]] = []
        _ = try single.produce(items, into: &reference)
        let per = single.layers[0].valuesPerImage
        for workers in [1, 2, 3] {
            let model = try producer(workers: workers)
            let visits = VisitLog(rows: items.count, per: per)
            var output: [[Float]] = []
            let reasons = try model.produce(items, into: &output, visit: { k, maps in visits.record(row: k, maps: maps) })
            #expect(reasons.allSatisfy { $0 == nil })
            let rows = (0..<items.count).filter { $0 != 4 }
            for k in rows { #expect(Array(output[0][(k * per)..<((k + 1) * per)]) == Array(reference[0][(k * per)..<((k + 1) * per)]), "row \(k)") }
            let (counts, seen) = visits.result()
            #expect(counts == (0..<items.count).map { $0 == 4 ? 0 : 1 }, "\(workers) workers")
            output[0].withUnsafeBufferPointer { b in
                for k in rows { #expect(seen[k] == [b.baseAddress! + k * per], "row \(k)") }
            }
        }
    }
}

/// What a visitor saw, from several threads.
private final class VisitLog: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [Int]
    private var seen: [[UnsafePointer<Float>]]
    init(rows: Int, per: Int) {
        counts = [Int](repeating: 0, count: rows)
        seen = [[UnsafePointer<Float>]](repeating: [], count: rows)
    }
    func record(row k: Int, maps: [UnsafePointer<Float>]) {
        lock.withLock { counts[k] += 1; seen[k] = maps }
    }
    func result() -> ([Int], [[UnsafePointer<Float>]]) { lock.withLock { (counts, seen) } }
}

// NaN and infinite activation values (issue 22, item 10): counted per layer in pass 1, recorded
// in the run, said once while dissecting and by every viewer, the same when the run is sharded;
// NaN never enters a threshold or a mask.
import DissectionTestSupport
import Foundation
import Runtime
import TestSupport
import Testing
@testable import Dissection

@Suite struct NonFiniteActivationTests {
    func run(_ probe: RandomProbe, _ configuration: RunConfiguration, into directory: String, work: RunWork = .whole,
             onEvent: @escaping (RunEvent) -> Void = { _ in }) throws {
        let producer = try NPYActivations(path: configuration.activations!, layerName: "acts", images: probe.N)
        var options = RunOptions(batchSize: 3, threads: 2, checkpointEvery: 3)
        options.work = work
        try Dissector(configuration: configuration, directory: directory, source: MemorySource(probe: probe),
                      producer: producer, options: options).run(onEvent: onEvent)
    }

    @Test func nonFiniteValuesAreCountedRecordedAndSaid() throws {
        let dir = try makeTemporaryDirectory("nd-nonfinite")
        let probe = RandomProbe(seed: 23, N: 11, C: 3)
        var values = probe.activations
        var g = SeededGenerator(seed: 5)
        for _ in 0..<40 {
            let i = Int.random(in: 0..<values.count, using: &g)
            values[i] = [Float.nan, .infinity, -.infinity][Int.random(in: 0..<3, using: &g)]
        }
        // What pass 1 sees: the images that are not skipped.
        var expected = NonFiniteCounts()
        let per = probe.C * probe.H * probe.W
        for image in 0..<probe.N where probe.annotations[image] != nil {
            values[(image * per)..<((image + 1) * per)].withUnsafeBufferPointer { expected.count($0) }
        }
        #expect(expected.nan > 0 && expected.positiveInfinity > 0 && expected.negativeInfinity > 0)
        let path = dir + "/acts.npy"
        try NPY.write(Tensor(shape: [probe.N, probe.C, probe.H, probe.W], data: values), to: path)
        let configuration = makeConfiguration(activations: path)

        var warnings: [String] = []
        try run(probe, configuration, into: dir + "/one") { if case let .warning(text) = $0 { warnings.append(text) } }
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("layer acts: \(expected.nan) NaN, \(expected.positiveInfinity) +inf, \(expected.negativeInfinity) -inf") == true,
                "\(warnings)")
        #expect(warnings.first?.contains("NaN is left out of the thresholds and never in a mask") == true)
        let reader = try RunReader.open(dir + "/one")
        let recorded = try reader.nonFiniteCounts()
        #expect(recorded.count == 1 && recorded.first?.layer == "acts" && recorded.first?.counts == expected)
        let notices = try RunNotice.notices(reader)
        #expect(notices.count == 1 && notices[0].contains("layer acts: \(expected.nan) NaN"), "\(notices)")
        // No threshold is NaN; a NaN never counts as active (the tally's active area is finite sums).
        #expect(try reader.units(layer: "acts").allSatisfy { $0.threshold.map { !$0.isNaN } ?? true })

        // Sharded: the same counts, and the same results.
        let sharded = dir + "/sharded"
        try run(probe, configuration, into: sharded, work: .prepareShards(3))
        for pass in 1...2 {
            for k in 0..<3 { try run(probe, configuration, into: sharded, work: .shard(ShardSpec(index: k, count: 3)!, pass: pass)) }
            try run(probe, configuration, into: sharded, work: .merge(pass: pass))
        }
        #expect(try RunReader.open(sharded).nonFiniteCounts().first?.counts == expected)
        // NaN != NaN: the top images' maps (which keep NaN) are compared by their bits.
        let a = try RunSnapshot(directory: sharded, layer: "acts"), b = try RunSnapshot(directory: dir + "/one", layer: "acts")
        #expect(a.tallyCSV == b.tallyCSV && a.units == b.units && a.tally == b.tally && a.skipped == b.skipped)
        func bits(_ s: RunSnapshot) -> [[[UInt32]]] { s.top.map { $0.map { [UInt32($0.image)] + $0.map.map(\.bitPattern) } } }
        #expect(bits(a) == bits(b))
    }

    @Test func aRunWithFiniteValuesSaysNothing() throws {
        let dir = try makeTemporaryDirectory("nd-finite")
        let probe = RandomProbe(seed: 2, N: 6, C: 2)
        let configuration = makeConfiguration(activations: try writeActivations(probe, in: dir))
        var warnings = 0
        try run(probe, configuration, into: dir + "/run") { if case .warning = $0 { warnings += 1 } }
        #expect(warnings == 0)
        #expect(try RunReader.open(dir + "/run").nonFiniteCounts().isEmpty)
        #expect(try RunNotice.notices(RunReader.open(dir + "/run")).isEmpty)
    }

    @Test func statesWithoutCountsStillResume() throws {
        // A pass-1 state written before the counts were kept ends right after its top images.
        var pass = ThresholdPass(units: 2, mapSize: 4, quantile: 0.25, topK: 2, maxImages: 3)
        let values: [Float] = [1, .nan, 3, 4, 5, 6, .infinity, 8]
        values.withUnsafeBufferPointer { pass.add($0, indices: [0], workers: 1) }
        #expect(pass.nonFinite == NonFiniteCounts(nan: 1, positiveInfinity: 1))
        let bytes = pass.serialized()  // (maps keep NaN, and NaN != NaN: compared as bytes)
        #expect(ThresholdPass(serialized: bytes)?.serialized() == bytes)
        let old = ThresholdPass(serialized: Array(bytes.dropLast(24)))
        #expect(old?.nonFinite == NonFiniteCounts())
        #expect(old?.top.serialized() == pass.top.serialized())
        #expect(ThresholdPass(serialized: Array(bytes.dropLast(8))) == nil)
    }
}

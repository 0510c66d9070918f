// Whole runs in-process: results equal the brute-force reference, a cancelled run resumed in a
// fresh Dissector ends identical to an uninterrupted one, and unsafe situations are refused.
import DissectionTestSupport
import Foundation
import Runtime
import TestSupport
import Testing
@testable import Dissection

@Suite struct RunTests {
    func run(_ probe: RandomProbe, _ configuration: RunConfiguration, into directory: String, batch: Int = 2,
             every: Int = 4, force: Bool = false, method: QuantileMethod? = nil, control: RunControl = RunControl(),
             onEvent: @escaping (RunEvent) -> Void = { _ in }) throws {
        let producer = try NPYActivations(path: configuration.activations!, layerName: configuration.layers[0], images: probe.N)
        let dissector = Dissector(configuration: configuration, directory: directory, source: MemorySource(probe: probe),
                                  producer: producer, options: RunOptions(batchSize: batch, threads: 2, checkpointEvery: every, force: force,
                                                                          quantileMethod: method))
        try dissector.run(control: control, onEvent: onEvent)
    }

    @Test func finishedRunEqualsBruteForce() throws {
        let dir = try makeTemporaryDirectory("nd-run")
        let probe = RandomProbe(seed: 42, N: 17, C: 4)
        let configuration = makeConfiguration(activations: try writeActivations(probe, in: dir))
        var events: [RunEvent] = []
        try run(probe, configuration, into: dir + "/run") { events.append($0) }

        let reader = try RunReader.open(dir + "/run")
        #expect(try reader.progress().status == .finished)
        let units = try reader.units(layer: "acts")
        let thresholds = BruteForce.thresholds(probe, q: 0.1)
        #expect(units.map(\.threshold) == thresholds.map { Optional($0) })
        let expected = BruteForce.tally(probe.activations, N: probe.N, C: probe.C, H: probe.H, W: probe.W,
                                        annotations: probe.annotations, thresholds: thresholds,
                                        catalog: probe.catalog, rule: .original)
        #expect(try reader.tally(layer: "acts") == expected)
        let scores = Scoring.score(expected, catalog: probe.catalog, iouThreshold: 0.04)
        #expect(units.map(\.label) == scores.map(\.label))
        #expect(units.map(\.iou) == scores.map(\.iou))
        #expect(units.allSatisfy { $0.isFinal })
        #expect(try reader.skipped().map(\.image) == (0..<probe.N).filter { probe.annotations[$0] == nil })
        #expect(events.contains { if case .finished = $0 { return true } else { return false } })
        #expect(events.contains { if case let .checkpoint(p, provisional) = $0 { return p.pass == 2 && !provisional.isEmpty } else { return false } })
        let csv = try String(contentsOfFile: dir + "/run/acts/tally.csv", encoding: .utf8)
        #expect(csv == TallyCSV.render(scores, catalog: probe.catalog))
    }

    @Test func cancelledRunsResumeToIdenticalResults() throws {
        let dir = try makeTemporaryDirectory("nd-resume")
        let probe = RandomProbe(seed: 9, N: 23, C: 3)
        let configuration = makeConfiguration(activations: try writeActivations(probe, in: dir), union: .lite)
        try run(probe, configuration, into: dir + "/reference")
        let reference = try RunSnapshot(directory: dir + "/reference", layer: "acts")
        #expect(reference.status == .finished)

        // Cancel inside pass 1 and inside pass 2 (between checkpoints and right at one), then resume.
        for (pass, at) in [(1, 3), (1, 8), (2, 1), (2, 12), (2, 22)] {
            let target = dir + "/cut-\(pass)-\(at)"
            let control = RunControl()
            #expect(throws: RunError.cancelled) {
                try run(probe, configuration, into: target, control: control) { event in
                    if case let .progress(p) = event, p.pass == pass, p.imagesDone >= at { control.cancel() }
                }
            }
            let partial = try RunReader.open(target).progress()
            #expect(partial.status == .cancelled)
            #expect(partial.pass == pass)
            try run(probe, configuration, into: target, batch: 3)  // another batch size: same numbers
            #expect(try RunSnapshot(directory: target, layer: "acts") == reference, "cut in pass \(pass) at \(at)")
        }
    }

    @Test func histogramQuantilesGiveTheSameRunAndResume() throws {
        let dir = try makeTemporaryDirectory("nd-radix")
        let probe = RandomProbe(seed: 21, N: 19, C: 3)
        let configuration = makeConfiguration(activations: try writeActivations(probe, in: dir))
        try run(probe, configuration, into: dir + "/selection", method: .selection)
        let reference = try RunSnapshot(directory: dir + "/selection", layer: "acts")
        try run(probe, configuration, into: dir + "/histogram", method: .histogram)
        #expect(try RunReader.open(dir + "/histogram").progress().passes == 3)
        #expect(try RunSnapshot(directory: dir + "/histogram", layer: "acts") == reference)
        for (pass, at) in [(1, 5), (2, 3), (2, 12), (3, 9)] {
            let target = dir + "/cut-\(pass)-\(at)"
            let control = RunControl()
            #expect(throws: RunError.cancelled) {
                try run(probe, configuration, into: target, method: .histogram, control: control) { event in
                    if case let .progress(p) = event, p.pass == pass, p.imagesDone >= at { control.cancel() }
                }
            }
            #expect(try RunReader.open(target).progress().pass == pass)
            try run(probe, configuration, into: target, batch: 3, method: .histogram)
            #expect(try RunSnapshot(directory: target, layer: "acts") == reference, "cut in pass \(pass) at \(at)")
        }
    }

    @Test func refusesUnsafeSituations() throws {
        let dir = try makeTemporaryDirectory("nd-refuse")
        let probe = RandomProbe(seed: 5, N: 6, C: 2)
        let configuration = makeConfiguration(activations: try writeActivations(probe, in: dir))
        // A second writer.
        try FileManager.default.createDirectory(atPath: dir + "/run", withIntermediateDirectories: true)
        let lock = try RunLock(directory: dir + "/run")
        #expect { try run(probe, configuration, into: dir + "/run") } throws: { error in
            guard case RunError.locked = error else { return false }
            return true
        }
        lock.release()
        try run(probe, configuration, into: dir + "/run")
        // A finished run is kept without --force.
        #expect(throws: RunError.finished(directory: dir + "/run")) { try run(probe, configuration, into: dir + "/run") }
        // Different settings are refused, with the difference named.
        let other = makeConfiguration(activations: configuration.activations!, quantile: 0.2)
        let cancel = RunControl()
        try? FileManager.default.removeItem(atPath: dir + "/run2")
        #expect(throws: RunError.cancelled) {
            try run(probe, configuration, into: dir + "/run2", control: cancel) { if case .progress = $0 { cancel.cancel() } }
        }
        #expect { try run(probe, other, into: dir + "/run2") } throws: { error in
            guard case let RunError.configurationDiffers(_, differences) = error else { return false }
            return differences == ["quantile: 0.1 -> 0.2"]
        }
        // --force starts over.
        try run(probe, other, into: dir + "/run2", force: true)
        #expect(try RunReader.open(dir + "/run2").configuration().quantile == 0.2)
    }

    @Test func pauseHoldsTheRunAndResumeLetsItFinish() async throws {
        let dir = try makeTemporaryDirectory("nd-pause")
        let probe = RandomProbe(seed: 11, N: 12, C: 2)
        let configuration = makeConfiguration(activations: try writeActivations(probe, in: dir))
        let producer = try NPYActivations(path: configuration.activations!, layerName: "acts", images: probe.N)
        let dissector = Dissector(configuration: configuration, directory: dir + "/run", source: MemorySource(probe: probe),
                                  producer: producer, options: RunOptions(batchSize: 2, threads: 1, checkpointEvery: 4))
        let control = RunControl()
        control.pause()
        var seen: [String] = []
        for await event in dissector.start(control: control) {
            switch event {
            case .paused:
                seen.append("paused")
                #expect(try RunReader.open(dir + "/run").progress().status == .paused)
                control.resume()
            case .resumed: seen.append("resumed")
            case .finished: seen.append("finished")
            default: break
            }
        }
        #expect(seen == ["paused", "resumed", "finished"])
    }
}

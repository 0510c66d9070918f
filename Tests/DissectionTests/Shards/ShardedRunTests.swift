// Runs done as shards (prepare, every shard of a pass, merge, pass after pass) end with the same
// results as one process: the same tally.csv bytes, units, top images, tally and skipped inputs,
// for 1, 2, 3 and 7 shards (uneven, and one with no image), for both quantile methods, with and
// without the activation cache, with tied activations, and after shards are cancelled and resumed.
import DissectionTestSupport
import Foundation
import Runtime
import TestSupport
import Testing
@testable import Dissection

/// Activations from a .npy file that claim to be costly to produce again (as a model's are), so
/// that the run keeps them in the activation cache between passes.
final class CostlyActivations: ActivationProducer {
    let file: NPYActivations
    init(_ file: NPYActivations) { self.file = file }
    var layers: [LayerShape] { file.layers }
    var needsImages: Bool { false }
    var isRereadable: Bool { false }
    func produce(_ items: [SampleItem], into output: inout [[Float]]) throws -> [String?] {
        try file.produce(items, into: &output)
    }
}

@Suite struct ShardedRunTests {
    struct Setting {
        var method: QuantileMethod? = nil
        var cache = false
        var batch = 2
        var every = 4
    }

    func dissector(_ probe: RandomProbe, _ configuration: RunConfiguration, into directory: String, work: RunWork,
                   _ setting: Setting) throws -> Dissector {
        let file = try NPYActivations(path: configuration.activations!, layerName: configuration.layers[0], images: probe.N)
        var options = RunOptions(batchSize: setting.batch, threads: 2, checkpointEvery: setting.every, quantileMethod: setting.method)
        options.work = work
        return Dissector(configuration: configuration, directory: directory, source: MemorySource(probe: probe),
                         producer: setting.cache ? CostlyActivations(file) : file, options: options)
    }

    @discardableResult
    func step(_ probe: RandomProbe, _ configuration: RunConfiguration, into directory: String, work: RunWork,
              _ setting: Setting = Setting(), control: RunControl = RunControl(),
              onEvent: @escaping (RunEvent) -> Void = { _ in }) throws -> String? {
        let d = try dissector(probe, configuration, into: directory, work: work, setting)
        try d.run(control: control, onEvent: onEvent)
        return d.outcome
    }

    /// Prepares `directory` for `count` shards and runs every pass to the end, shard by shard
    /// (in reverse order, and with another batch size than the reference: neither may matter).
    func shardedRun(_ probe: RandomProbe, _ configuration: RunConfiguration, into directory: String, shards count: Int,
                    _ setting: Setting) throws {
        try step(probe, configuration, into: directory, work: .prepareShards(count), setting)
        var shardSetting = setting
        shardSetting.batch = 3
        for _ in 0..<3 {
            let progress = try RunReader.open(directory).progress()
            if progress.isFinished { return }
            for k in (0..<count).reversed() {
                try step(probe, configuration, into: directory, work: .shard(ShardSpec(index: k, count: count)!, pass: progress.pass), shardSetting)
            }
            try step(probe, configuration, into: directory, work: .merge(pass: progress.pass), setting)
        }
        #expect(try RunReader.open(directory).progress().isFinished)
    }

    /// A probe whose activations take few distinct values: many ties in maxima and quantiles.
    func tiedActivations(_ probe: RandomProbe, in directory: String) throws -> String {
        let path = directory + "/tied.npy"
        let values = probe.activations.map { ($0 * 3).rounded() / 3 }
        try NPY.write(Tensor(shape: [probe.N, probe.C, probe.H, probe.W], data: values), to: path)
        return path
    }

    @Test(arguments: [QuantileMethod.selection, .histogram])
    func shardedRunsEqualOneProcess(method: QuantileMethod) throws {
        let dir = try makeTemporaryDirectory("nd-shards")
        let probe = RandomProbe(seed: 77, N: 13, C: 4)
        for (name, activations) in [("random", try writeActivations(probe, in: dir)), ("tied", try tiedActivations(probe, in: dir))] {
            let configuration = makeConfiguration(activations: activations, layer: "acts")
            var withoutCache: RunSnapshot?
            for cache in [false, true] {
                let setting = Setting(method: method, cache: cache)
                let reference = dir + "/\(name)-\(cache)-one"
                try step(probe, configuration, into: reference, work: .whole, setting)
                let expected = try RunSnapshot(directory: reference, layer: "acts")
                #expect(expected.status == .finished)
                // The cache, which leaves maps out, changes nothing.
                if cache { #expect(expected == withoutCache, "\(name) activations") } else { withoutCache = expected }
                #expect(!expected.skipped.isEmpty, "the probe should have unusable images")
                for shards in [1, 2, 3, 7] {
                    let target = dir + "/\(name)-\(cache)-\(shards)"
                    try shardedRun(probe, configuration, into: target, shards: shards, setting)
                    let got = try RunSnapshot(directory: target, layer: "acts")
                    #expect(got == expected, "\(name) activations, cache \(cache), \(shards) shards")
                    #expect(got.tallyCSV == expected.tallyCSV)
                    let reader = try RunReader.open(target)
                    #expect(try reader.progress().passes == (method == .histogram ? 3 : 2))
                    #expect(try reader.shardCount() == shards)
                    // Shard databases and caches are gone; the status files stay.
                    let left = try FileManager.default.contentsOfDirectory(atPath: target + "/shards")
                    #expect(left.allSatisfy { $0.hasSuffix(".json") }, "\(left)")
                    #expect(!FileManager.default.fileExists(atPath: target + "/cache"))
                }
            }
        }
    }

    @Test func moreShardsThanImagesLeaveEmptyShards() throws {
        let dir = try makeTemporaryDirectory("nd-empty-shard")
        let probe = RandomProbe(seed: 8, N: 6, C: 3)
        let configuration = makeConfiguration(activations: try writeActivations(probe, in: dir))
        try step(probe, configuration, into: dir + "/one", work: .whole)
        #expect(ShardSpec(index: 0, count: 7)!.range(total: 6).isEmpty)
        try shardedRun(probe, configuration, into: dir + "/seven", shards: 7, Setting())
        #expect(try RunSnapshot(directory: dir + "/seven", layer: "acts") == RunSnapshot(directory: dir + "/one", layer: "acts"))
    }

    @Test func cancelledShardsResumeAndEveryStepIsIdempotent() throws {
        let dir = try makeTemporaryDirectory("nd-shard-resume")
        let probe = RandomProbe(seed: 31, N: 20, C: 3)
        let configuration = makeConfiguration(activations: try writeActivations(probe, in: dir), union: .lite)
        try step(probe, configuration, into: dir + "/one", work: .whole)
        let expected = try RunSnapshot(directory: dir + "/one", layer: "acts")

        let run = dir + "/run"
        let setting = Setting(cache: true)
        try step(probe, configuration, into: run, work: .prepareShards(2), setting)
        let again = try step(probe, configuration, into: run, work: .prepareShards(2), setting)
        #expect(again?.contains("already prepared") == true)
        for pass in 1...2 {
            let spec = ShardSpec(index: 1, count: 2)!
            let control = RunControl()
            #expect(throws: RunError.cancelled) {
                try step(probe, configuration, into: run, work: .shard(spec, pass: pass), setting, control: control) { event in
                    if case let .progress(p) = event, p.imagesDone >= 5 { control.cancel() }
                }
            }
            let status = ShardStatus.readAll(runDirectory: run).first { $0.pass == pass && $0.shard == 1 }
            #expect(status?.state == .cancelled)
            #expect(status.map { $0.imagesDone >= 4 && $0.imagesDone < 10 } == true)
            // A viewer sums the shards of the pass: shard 0 has not started.
            let sharded = try #require(try ShardedProgress.read(RunReader.open(run)))
            #expect(sharded.shards.count == 2 && sharded.shards[0] == nil && sharded.shards[1]?.state == .cancelled)
            #expect(sharded.combined.pass == pass && sharded.combined.imagesDone == status?.imagesDone)
            #expect(sharded.combined.imagesTotal == 20 && sharded.combined.rate == nil)
            // The merge refuses the unfinished shard and the missing one, naming them.
            #expect(throws: RunError.self) { try step(probe, configuration, into: run, work: .merge(pass: pass), setting) }
            do {
                try step(probe, configuration, into: run, work: .merge(pass: pass), setting)
            } catch let error as RunError {
                #expect(error.description.contains("pass\(pass)-0of2.sqlite"))
                #expect(error.description.contains("is missing"))
            }
            try step(probe, configuration, into: run, work: .shard(ShardSpec(index: 0, count: 2)!, pass: pass), setting)
            do {
                try step(probe, configuration, into: run, work: .merge(pass: pass), setting)
                Issue.record("merged with an unfinished shard")
            } catch let error as RunError {
                #expect(error.description.contains("pass\(pass)-1of2.sqlite"))
                #expect(error.description.contains("is not done (cancelled"))
            }
            let resumed = try dissector(probe, configuration, into: run, work: .shard(spec, pass: pass), setting)
            var started: RunProgress?
            try resumed.run { if case let .started(p) = $0 { started = p } }
            #expect(started.map { $0.imagesDone >= 4 } == true, "the shard resumed from its checkpoint")
            let redo = try step(probe, configuration, into: run, work: .shard(spec, pass: pass), setting)
            #expect(redo?.contains("was done already") == true)
            try step(probe, configuration, into: run, work: .merge(pass: pass), setting)
            let late = try step(probe, configuration, into: run, work: .shard(spec, pass: pass), setting)
            #expect(late?.contains("nothing to do") == true)
            let remerge = try step(probe, configuration, into: run, work: .merge(pass: pass), setting)
            #expect(remerge?.contains("nothing to merge") == true)
        }
        #expect(try RunSnapshot(directory: run, layer: "acts") == expected)
    }

    @Test func refusesWhatCannotBeMerged() throws {
        let dir = try makeTemporaryDirectory("nd-shard-refuse")
        let probe = RandomProbe(seed: 12, N: 9, C: 2)
        let configuration = makeConfiguration(activations: try writeActivations(probe, in: dir))
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch let error as RunError { return error.description } catch { return "\(error)" }
        }
        let run = dir + "/run", other = dir + "/other"
        // A shard of a run that was not prepared for shards; a whole run over a sharded one.
        #expect(message { try step(probe, configuration, into: run, work: .shard(ShardSpec(index: 0, count: 2)!, pass: nil)) }
            .contains("holds no run prepared for shards"))
        try step(probe, configuration, into: run, work: .prepareShards(2))
        #expect(message { try step(probe, configuration, into: run, work: .whole) }.contains("is a run done as 2 shards"))
        #expect(message { try step(probe, configuration, into: run, work: .prepareShards(3)) }.contains("was prepared for 2 shards, not 3"))
        #expect(message { try step(probe, configuration, into: run, work: .shard(ShardSpec(index: 0, count: 3)!, pass: nil)) }
            .contains("was prepared for 2 shards, not 3"))
        #expect(message { try step(probe, configuration, into: run, work: .shard(ShardSpec(index: 0, count: 2)!, pass: 2)) }
            .contains("is at pass 1, not 2"))
        var changed = configuration
        changed.topK = 5
        #expect(message { try step(probe, changed, into: run, work: .shard(ShardSpec(index: 0, count: 2)!, pass: nil)) }
            .contains("topK"))
        #expect(throws: RunError.self) { try ShardSpec(parsing: "3/2") }
        #expect(message { _ = try ShardSpec(parsing: "3/2") }.contains("shard indices run from 0 to 1"))
        #expect(message { _ = try ShardSpec(parsing: "1-2") }.contains("takes K/N"))

        for k in 0..<2 { try step(probe, configuration, into: run, work: .shard(ShardSpec(index: k, count: 2)!, pass: 1)) }
        // A shard database of another run with the same settings.
        try step(probe, configuration, into: other, work: .prepareShards(2))
        try step(probe, configuration, into: other, work: .shard(ShardSpec(index: 0, count: 2)!, pass: 1))
        let mine = run + "/shards/pass1-0of2.sqlite"
        try FileManager.default.moveItem(atPath: mine, toPath: mine + ".saved")
        try FileManager.default.copyItem(atPath: other + "/shards/pass1-0of2.sqlite", toPath: mine)
        #expect(message { try step(probe, configuration, into: run, work: .merge(pass: 1)) }.contains("belongs to another run"))
        // A shard database under another shard's name.
        try FileManager.default.removeItem(atPath: mine)
        try FileManager.default.copyItem(atPath: run + "/shards/pass1-1of2.sqlite", toPath: mine)
        #expect(message { try step(probe, configuration, into: run, work: .merge(pass: 1)) }.contains("says it is shard 1/2"))
        // A truncated database.
        try FileManager.default.removeItem(atPath: mine)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: mine + ".saved"))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: mine))
        let truncated = message { try step(probe, configuration, into: run, work: .merge(pass: 1)) }
        #expect(truncated.contains(mine), "\(truncated)")
        #expect(try RunReader.open(run).progress().pass == 1, "nothing was merged")
        // Restored, the merge goes through.
        try FileManager.default.removeItem(atPath: mine)
        try FileManager.default.moveItem(atPath: mine + ".saved", toPath: mine)
        try step(probe, configuration, into: run, work: .merge(pass: 1))
        #expect(try RunReader.open(run).progress().pass == 2)
    }

    @Test func aSecondTaskOnOneShardStopsTheFirst() throws {
        let dir = try makeTemporaryDirectory("nd-shard-twice")
        let probe = RandomProbe(seed: 4, N: 16, C: 2)
        let configuration = makeConfiguration(activations: try writeActivations(probe, in: dir))
        let run = dir + "/run"
        try step(probe, configuration, into: run, work: .prepareShards(1))
        let spec = ShardSpec(index: 0, count: 1)!
        var failure = ""
        do {
            try step(probe, configuration, into: run, work: .shard(spec, pass: 1), Setting(batch: 1, every: 2)) { event in
                // While the first task works, a second one takes the shard over and finishes it.
                if case let .progress(p) = event, p.imagesDone == 3 {
                    _ = try? self.step(probe, configuration, into: run, work: .shard(spec, pass: 1))
                }
            }
        } catch let error as RunError {
            failure = error.description
        }
        #expect(failure.contains("was taken over by another task"), "\(failure)")
        let status = ShardStatus.readAll(runDirectory: run)
        #expect(status.count == 1)
        try step(probe, configuration, into: run, work: .merge(pass: 1))
        #expect(try RunReader.open(run).progress().pass == 2)
    }

    @Test func shardRangesCoverEveryImageOnce() {
        for total in [0, 1, 5, 13, 100] {
            for count in [1, 2, 3, 7, 16] {
                let ranges = ShardSpec.all(count).map { $0.range(total: total) }
                #expect(ranges.flatMap { Array($0) } == Array(0..<total))
                #expect(ranges.map(\.count).max()! - ranges.map(\.count).min()! <= 1)
            }
        }
        #expect(ShardSpec(index: 2, count: 2) == nil)
        #expect(ShardSpec(index: -1, count: 2) == nil)
        #expect(ShardSpec(index: 0, count: 0) == nil)
    }
}

// Whole runs with the activation cache, which stores only the maps that can pass their threshold:
// they end as runs without it, for both quantile methods, with NaN and infinities, stopped and
// resumed in either pass (a stop after rows were written past the last checkpoint too); a cache
// lost, of the earlier format, cut short or altered is recomputed or named; and a threshold below
// the maps left out (an interpolation that overflows) drops the cache, in one process and in shards.
import DissectionTestSupport
import Foundation
import Runtime
import TestSupport
import Testing
@testable import Dissection

@Suite struct ActivationCacheRunTests {
    /// Runs to the end (or a cancel) with the cache (`CostlyActivations`) or without it.
    func run(_ probe: RandomProbe, _ configuration: RunConfiguration, into directory: String, cache: Bool, batch: Int = 2,
             method: QuantileMethod? = nil, control: RunControl = RunControl(), onEvent: @escaping (RunEvent) -> Void = { _ in }) throws {
        let file = try NPYActivations(path: configuration.activations!, layerName: configuration.layers[0], images: probe.N)
        let dissector = Dissector(configuration: configuration, directory: directory, source: MemorySource(probe: probe),
                                  producer: cache ? CostlyActivations(file) : file,
                                  options: RunOptions(batchSize: batch, threads: 2, checkpointEvery: 4, quantileMethod: method))
        try dissector.run(control: control, onEvent: onEvent)
    }

    /// Resumes (or runs) `target` to the end with the cache, three images a batch; returns the
    /// warnings it printed.
    func resume(_ probe: RandomProbe, _ configuration: RunConfiguration, _ target: String) throws -> [String] {
        var warnings: [String] = []
        try run(probe, configuration, into: target, cache: true, batch: 3) { if case let .warning(text) = $0 { warnings.append(text) } }
        return warnings
    }

    /// Runs with the cache until pass `pass` has done `at` images, then cancels.
    func cut(_ probe: RandomProbe, _ configuration: RunConfiguration, into directory: String, pass: Int, at: Int,
             method: QuantileMethod? = nil) throws {
        let control = RunControl()
        #expect(throws: RunError.cancelled) {
            try run(probe, configuration, into: directory, cache: true, method: method, control: control) { event in
                if case let .progress(p) = event, p.pass == pass, p.imagesDone >= at { control.cancel() }
            }
        }
    }

    /// Random activations with a few NaN and infinite values, and one unit of many ties.
    func activations(_ probe: RandomProbe, in directory: String) throws -> String {
        try activationValues(probe, in: directory).path
    }

    /// `activations`, and the values written.
    func activationValues(_ probe: RandomProbe, in directory: String) throws -> (path: String, values: [Float]) {
        var values = probe.activations
        var g = SeededGenerator(seed: 99)
        for _ in 0..<10 { values[Int.random(in: 0..<values.count, using: &g)] = [.nan, .infinity, -.infinity].randomElement(using: &g)! }
        let HW = probe.H * probe.W
        for i in 0..<probe.N { for k in 0..<HW { values[(i * probe.C + 1) * HW + k] = (values[(i * probe.C + 1) * HW + k] * 2).rounded() } }
        let path = directory + "/acts.npy"
        try NPY.write(Tensor(shape: [probe.N, probe.C, probe.H, probe.W], data: values), to: path)
        return (path, values)
    }

    /// Whether two runs reported the same, NaN in top-image maps included (which `==` never
    /// finds equal): their full descriptions are compared.
    func same(_ a: RunSnapshot, _ b: RunSnapshot) -> Bool { String(reflecting: a) == String(reflecting: b) }

    /// Maps the cache of `directory` stores for its `rows` images.
    func storedMaps(_ directory: String, units: Int, mapSize: Int, rows: Int, mode: MapFile.Mode) throws -> Int {
        let file = try MapFile(directory: directory + "/cache", layer: 0, units: units, mapSize: mapSize, firstRow: 0, mode: mode,
                               create: false, writable: false)
        return try file.checkedEnd(rows: rows)
    }

    @Test(arguments: [QuantileMethod.selection, .histogram])
    func cachedRunsEqualRunsWithout(method: QuantileMethod) throws {
        let dir = try makeTemporaryDirectory("nd-sparse")
        let probe = RandomProbe(seed: 13, N: 60, C: 4, H: 7, W: 7)
        let (path, values) = try activationValues(probe, in: dir)
        let configuration = makeConfiguration(activations: path, quantile: 0.003)
        try run(probe, configuration, into: dir + "/plain", cache: false, method: method)
        let reference = try RunSnapshot(directory: dir + "/plain", layer: "acts")
        #expect(reference.status == .finished && !reference.skipped.isEmpty)
        #expect(try !RunReader.open(dir + "/plain").nonFiniteCounts().isEmpty, "the activations hold NaN and infinities")

        // Stopped as the pass after the first begins: the cache holds every map of a used image for
        // histograms (the refine pass reads them all), fewer with selection (random maps over
        // 60 images: the cutoffs take most of the run to rise).
        let target = dir + "/cached"
        try cut(probe, configuration, into: target, pass: 2, at: 1, method: method)
        let used = probe.indices.compactMap { $0 }.count
        let stored = try storedMaps(target, units: probe.C, mapSize: probe.H * probe.W, rows: probe.N,
                                    mode: method == .selection ? .skipping : .every)
        if method == .selection {
            #expect(stored > 0 && stored < used * probe.C * 3 / 4, "\(stored) of \(used * probe.C) maps stored")
            try expectEveryMapThatPasses(in: target, probe, values)
        } else {
            #expect(stored == used * probe.C)
        }
        try run(probe, configuration, into: target, cache: true, method: method)
        #expect(same(try RunSnapshot(directory: target, layer: "acts"), reference))
        #expect(!FileManager.default.fileExists(atPath: target + "/cache"))
    }

    /// The cache of the run in `directory`, at its tally pass, holds every map of a used image
    /// with a value above its unit's threshold, and every map it holds is the one pass 1 saw.
    func expectEveryMapThatPasses(in directory: String, _ probe: RandomProbe, _ values: [Float]) throws {
        let C = probe.C, HW = probe.H * probe.W
        let bytes = try #require(try RunReader.open(directory).blob(layer: "acts", kind: Dissector.thresholdsKind))
        let thresholds = try #require(floatsFromBlob(bytes))
        let layer = LayerShape(name: "acts", units: C, height: probe.H, width: probe.W)
        let opening = try ActivationCache.forLaterPasses(runDirectory: directory, layers: [layer], methods: [.selection],
                                                         firstRow: 0, rows: probe.N)
        guard case let .opened(cache) = opening else { Issue.record("\(opening)"); return }
        var buffer = [Float](repeating: 0, count: probe.N * C * HW)
        let table = try buffer.withUnsafeMutableBufferPointer {
            try cache.read(layer: 0, rows: 0, count: probe.N, into: $0.baseAddress!, capacity: $0.count)
        }
        var passing = 0
        for i in 0..<probe.N {
            #expect(table.used[i] == (probe.indices[i] != nil))
            for u in 0..<C {
                let map = values[((i * C + u) * HW)..<((i * C + u + 1) * HW)]
                let k = Int(table.numbers[i * C + u])
                if probe.indices[i] != nil && map.contains(where: { $0 > thresholds[u] }) {
                    passing += 1
                    #expect(k >= 0, "image \(i) unit \(u) passes \(thresholds[u]) and is not in the cache")
                }
                if k >= 0 { #expect(buffer[(k * HW)..<((k + 1) * HW)].map(\.bitPattern) == map.map(\.bitPattern)) }
            }
        }
        #expect(passing > 0)
    }

    @Test func stoppedRunsResumeToTheSameResults() throws {
        let dir = try makeTemporaryDirectory("nd-sparse-resume")
        let probe = RandomProbe(seed: 17, N: 23, C: 3)
        let configuration = makeConfiguration(activations: try activations(probe, in: dir), quantile: 0.03)
        try run(probe, configuration, into: dir + "/plain", cache: false)
        let reference = try RunSnapshot(directory: dir + "/plain", layer: "acts")
        /// Resumes `target` to the end; the cache is used, not dropped.
        func resume(_ target: String, _ name: String) throws {
            let warnings = try self.resume(probe, configuration, target)
            #expect(same(try RunSnapshot(directory: target, layer: "acts"), reference), "\(name)")
            #expect(!warnings.contains { $0.contains("cache") }, "\(name): \(warnings)")
        }
        for (pass, at) in [(1, 3), (1, 8), (2, 1), (2, 12), (2, 22)] {
            let target = dir + "/cut-\(pass)-\(at)"
            try cut(probe, configuration, into: target, pass: pass, at: at)
            try resume(target, "cut in pass \(pass) at \(at)")
        }

        // Stopped after pass 1 wrote rows past its last checkpoint (as a kill leaves it): the
        // database as it was at image 8, the cache as it is at image 16. The resume rewrites from 8.
        let killed = dir + "/killed"
        try cut(probe, configuration, into: killed, pass: 1, at: 8)
        let saved = dir + "/saved"
        try FileManager.default.createDirectory(atPath: saved, withIntermediateDirectories: true)
        let databases = try FileManager.default.contentsOfDirectory(atPath: killed).filter { $0.hasPrefix("run.sqlite") }
        for name in databases { try FileManager.default.copyItem(atPath: killed + "/" + name, toPath: saved + "/" + name) }
        try cut(probe, configuration, into: killed, pass: 1, at: 16)
        for name in try FileManager.default.contentsOfDirectory(atPath: killed) where name.hasPrefix("run.sqlite") {
            try FileManager.default.removeItem(atPath: killed + "/" + name)
        }
        for name in databases { try FileManager.default.copyItem(atPath: saved + "/" + name, toPath: killed + "/" + name) }
        #expect(try RunReader.open(killed).progress().imagesDone == 8)
        try resume(killed, "killed in pass 1")
    }

    @Test func aLostOldOrDamagedCacheIsRecomputedOrNamed() throws {
        let dir = try makeTemporaryDirectory("nd-sparse-damage")
        let probe = RandomProbe(seed: 23, N: 21, C: 3)
        let configuration = makeConfiguration(activations: try activations(probe, in: dir), quantile: 0.03)
        try run(probe, configuration, into: dir + "/plain", cache: false)
        let reference = try RunSnapshot(directory: dir + "/plain", layer: "acts")
        let fm = FileManager.default

        /// Resumes `target` and returns its warnings about the cache.
        func resume(_ target: String) throws -> [String] {
            let warnings = try self.resume(probe, configuration, target)
            #expect(same(try RunSnapshot(directory: target, layer: "acts"), reference), "\(target)")
            // (Pass 1's end also warns of the NaN and infinite values.)
            return warnings.filter { $0.contains("cache") }
        }
        func earlierFormat(_ target: String) throws {
            try fm.removeItem(atPath: target + "/cache/0.maps")
            try fm.removeItem(atPath: target + "/cache/0.index")
            #expect(fm.createFile(atPath: target + "/cache/0.f32", contents: Data(count: probe.N * probe.C * probe.H * probe.W * 4)))
        }

        // Lost in pass 1: pass 1 goes on without it (the rows it did are not in a new one) and
        // pass 2 runs the model again. Lost in pass 2: pass 2 runs the model again.
        for pass in [1, 2] {
            let lost = dir + "/lost-\(pass)"
            try cut(probe, configuration, into: lost, pass: pass, at: 8)
            try fm.removeItem(atPath: lost + "/cache")
            #expect(try resume(lost).isEmpty)
        }
        // The earlier format (every map at a fixed offset, `0.f32`), met in either pass.
        for pass in [1, 2] {
            let old = dir + "/old-\(pass)"
            try cut(probe, configuration, into: old, pass: pass, at: 8)
            try earlierFormat(old)
            let warnings = try resume(old)
            #expect(warnings.count == 1 && warnings[0].contains("0.f32: was written by an earlier netdissect")
                    && warnings[0].contains("the activation cache is dropped"), "\(warnings)")
        }
        // Cut short: found when pass 2 opens it, and recomputed.
        let short = dir + "/short"
        try cut(probe, configuration, into: short, pass: 2, at: 4)
        let handle = try #require(FileHandle(forUpdatingAtPath: short + "/cache/0.maps"))
        handle.truncateFile(atOffset: handle.seekToEndOfFile() - 4)
        try handle.close()
        let warnings = try resume(short)
        #expect(warnings.count == 1 && warnings[0].contains("0.maps: ends at byte"), "\(warnings)")

        // A map altered: found when its batch is read; one line naming the file and what to do.
        let altered = dir + "/altered"
        try cut(probe, configuration, into: altered, pass: 2, at: 4)
        let maps = altered + "/cache/0.maps"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: maps)))
        bytes[bytes.count - 3] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: maps))
        do {
            try run(probe, configuration, into: altered, cache: true)
            Issue.record("an altered map was read")
        } catch let error as RunError {
            #expect(error.description.contains("0.maps: the maps of image") && error.description.contains("do not match their check")
                    && error.description.contains("delete 0.maps and 0.index in that folder"), "\(error)")
            #expect(!error.description.contains("\n"))
        }
        try fm.removeItem(atPath: maps)
        try fm.removeItem(atPath: altered + "/cache/0.index")
        #expect(try resume(altered).isEmpty)
    }

    /// Activations of one 1 x 1 unit whose threshold overflows: the used images' values are -3e38
    /// up to the quantile's lower order statistic and 3e38 from its upper one, with the weight
    /// between them at least 0.5, so numpy's interpolation computes 3e38 - inf * (1 - gamma) = -inf.
    /// Every map then passes the threshold, also those pass 1 left out of the cache (their peak,
    /// -3e38, at its cutoff): the cache must go. Returns the file and the quantile.
    func overflowingActivations(_ probe: RandomProbe, in directory: String) throws -> (String, Double) {
        let used = probe.indices.compactMap { $0 }
        let n = used.count
        let q = try #require(stride(from: 0.05, to: 0.2, by: 0.001).first { q in
            let (lower, upper, gamma) = NumpyQuantile.ranks(count: n, p: 1 - q)
            return gamma >= 0.5 && upper == lower + 1
        })
        let upper = NumpyQuantile.ranks(count: n, p: 1 - q).upper
        var values = [Float](repeating: 0, count: probe.N)
        for (k, i) in used.enumerated() { values[i] = k < upper ? -3e38 : 3e38 }
        let path = directory + "/overflow.npy"
        try NPY.write(Tensor(shape: [probe.N, 1, 1, 1], data: values), to: path)
        return (path, q)
    }

    @Test func aThresholdBelowTheMapsLeftOutDropsTheCache() throws {
        let dir = try makeTemporaryDirectory("nd-sparse-overflow")
        let probe = RandomProbe(seed: 29, N: 120, C: 1, H: 1, W: 1)
        let (path, q) = try overflowingActivations(probe, in: dir)
        let configuration = makeConfiguration(activations: path, quantile: q)
        try run(probe, configuration, into: dir + "/plain", cache: false, batch: 8)
        let reference = try RunSnapshot(directory: dir + "/plain", layer: "acts")
        // (A threshold that is not finite is stored as none.)
        #expect(reference.units[0].threshold == nil)
        // Every pixel of every used image is active: nothing was left out of the tally.
        #expect(reference.tally.map { $0.activeArea[0] > 0 } == true)

        // The cache left maps out (the guard that this case tests something), then is dropped.
        let target = dir + "/cached"
        let control = RunControl()
        #expect(throws: RunError.cancelled) {
            try run(probe, configuration, into: target, cache: true, batch: 8, control: control) { event in
                if case let .progress(p) = event, p.pass == 1, p.imagesDone >= 112 { control.cancel() }
            }
        }
        let stored = try storedMaps(target, units: 1, mapSize: 1, rows: 112, mode: .skipping)
        #expect(stored < probe.indices[0..<112].compactMap { $0 }.count / 2, "\(stored) maps stored")
        var warnings: [String] = []
        try run(probe, configuration, into: target, cache: true, batch: 8) { if case let .warning(text) = $0 { warnings.append(text) } }
        #expect(warnings.contains { $0.contains("layer acts unit 1: its threshold -inf lies below maps pass 1 left out") }, "\(warnings)")
        #expect(same(try RunSnapshot(directory: target, layer: "acts"), reference))

        // In shards, each left maps out by its own cutoffs: the merge drops every shard's cache.
        let shards = ShardedRunTests()
        let sharded = dir + "/sharded"
        let setting = ShardedRunTests.Setting(cache: true, batch: 8)
        try shards.step(probe, configuration, into: sharded, work: .prepareShards(2), setting)
        for k in 0..<2 { try shards.step(probe, configuration, into: sharded, work: .shard(ShardSpec(index: k, count: 2)!, pass: 1), setting) }
        let shardMaps = (0..<2).map { sharded + "/" + ShardFiles.cacheFolder(spec: ShardSpec(index: $0, count: 2)!) + "/0.maps" }
        #expect(shardMaps.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        var mergeWarnings: [String] = []
        try shards.step(probe, configuration, into: sharded, work: .merge(pass: 1), setting) {
            if case let .warning(text) = $0 { mergeWarnings.append(text) }
        }
        #expect(mergeWarnings.contains { $0.contains("its threshold -inf lies below maps pass 1 left out") }, "\(mergeWarnings)")
        #expect(shardMaps.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        for k in 0..<2 { try shards.step(probe, configuration, into: sharded, work: .shard(ShardSpec(index: k, count: 2)!, pass: 2), setting) }
        try shards.step(probe, configuration, into: sharded, work: .merge(pass: 2), setting)
        #expect(same(try RunSnapshot(directory: sharded, layer: "acts"), reference))
    }
}

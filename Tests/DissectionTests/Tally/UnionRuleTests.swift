// The union is charged through labels' primary categories (docs/method.md#the-union-rule), so that
// I_ul <= U_{u,cat(l)} and IoU never exceeds 1, whichever layer holds a label.
import DissectionTestSupport
import Foundation
import GRDB
import Render
import Runtime
import TestSupport
import Testing
@testable import Dissection

@Suite struct UnionRuleTests {
    /// The case that gave IoU = 2.0 under the earlier rule (the union charged by the category of
    /// the layer): `wheel` is listed in object and part, with part its primary category (larger
    /// coverage); image 0 draws a 2x2 wheel in its object layer and has no part layer; image 1 has
    /// 2 wheel pixels in its object layer and a part layer holding a door. One unit fires exactly
    /// on image 0's wheel. NetDissect-Lite's tally gives 0.667 on the same data.
    @Test func labelInANonPrimaryLayerKeepsIoUBelowOne() throws {
        let dir = try makeTemporaryDirectory("nd-union")
        try writeWheelProbe(to: dir + "/probe")
        // (2, 1, 4, 4): image 0 fires on rows 1-2, columns 1-2; image 1 nowhere.
        var acts = [Float](repeating: 0, count: 2 * 16)
        for y in 1...2 { for x in 1...2 { acts[y * 4 + x] = 1 } }
        try NPY.write(Tensor(shape: [2, 1, 4, 4], data: acts), to: dir + "/acts.npy")

        for rule in UnionRule.allCases {
            let out = dir + "/run-\(rule)"
            let configuration = RunConfiguration(activations: dir + "/acts.npy", dataset: dir + "/probe", layers: ["acts"],
                                                 quantile: 0.125, iouThreshold: 0.04, union: rule, topK: 2)
            let source = try ProbeSampleSource(dataset: try ProbeDataset.open(directory: dir + "/probe"),
                                               categories: nil, limit: nil, workers: 1)
            let producer = try NPYActivations(path: dir + "/acts.npy", layerName: "acts", images: source.count)
            try Dissector(configuration: configuration, directory: out, source: source, producer: producer,
                          options: RunOptions(batchSize: 1, threads: 1, checkpointEvery: 1)).run()
            let reader = try RunReader.open(out)
            let catalog = try reader.catalog()
            let part = try #require(catalog.categories.firstIndex { $0.name == "part" })
            #expect(catalog.label(1)?.category == part, "wheel's primary category is part")
            let tally = try #require(try reader.tally(layer: "acts"))
            let wheel = Int(catalog.slot[1])
            #expect(tally.intersection(unit: 0, slot: wheel) == 4)
            #expect(tally.truth[wheel] == 6)
            // Both images carry a label whose primary category is part (wheel, and wheel + door);
            // the unit fires only on image 0, where its mask touches the wheel.
            #expect(tally.union(unit: 0, category: part) == 4, "rule \(rule)")
            let unit = try #require(try reader.unit(layer: "acts", unit: 0))
            #expect(unit.label == 1)
            #expect(abs(unit.iou - 4.0 / 6.0) < 1e-12, "rule \(rule): IoU \(unit.iou)")
        }
    }

    /// `I_ul <= U_{u,cat(l)}` and `I_ul <= G_l` for every pair, on random probes whose labels sit
    /// in layers of several categories, in several layers of one category, and both as pixels and
    /// as image-level numbers, under both rules; every IoU lies in [0, 1].
    @Test func intersectionNeverExceedsUnionOrTruth() {
        for rule in UnionRule.allCases {
            withEvery("seed", in: 0..<24) { seed in
                let r = RandomProbe(seed: 900 + UInt64(seed), N: 12, C: 6)
                // Random thresholds from low (large masks) to high (small ones).
                var g = SeededGenerator(seed: UInt64(seed))
                let thresholds = (0..<r.C).map { _ in Float.random(in: 0...1.5, using: &g) }
                let kernel = TallyKernel(units: r.C, height: r.H, width: r.W, rule: rule, workers: 2)
                var t = LayerTally(units: r.C, catalog: r.catalog)
                let masks = r.annotations.map { $0.map { LabelMasks($0, catalog: r.catalog) } }
                r.activations.withUnsafeBufferPointer { kernel.add($0, masks: masks, thresholds: thresholds, to: &t) }
                var crossLayer = false
                for case let a? in r.annotations {
                    for layer in a.pixelLayers where layer.labels.contains(where: {
                        r.catalog.isScored(Int($0)) && Int(r.catalog.primaryCategory[Int($0)]) != layer.category }) {
                        crossLayer = true
                    }
                }
                #expect(crossLayer, "the probe has labels outside their primary category's layers")
                var pairs = 0
                for u in 0..<r.C {
                    for (k, label) in r.catalog.labels.enumerated() {
                        let i = t.intersection(unit: u, slot: k)
                        #expect(i <= t.union(unit: u, category: label.category), "unit \(u) label \(label.id) rule \(rule)")
                        #expect(i <= t.truth[k], "unit \(u) label \(label.id)")
                        if i > 0 { pairs += 1 }
                    }
                }
                #expect(pairs > 0, "the case intersects something")
                let ious = Scoring.iouMatrix(t, catalog: r.catalog)
                #expect(ious.allSatisfy { $0 >= 0 && $0 <= 1 })
            }
        }
    }

    /// A run made before the rule changed (no `union_rule_version` in its meta table) is named
    /// by the viewers, and not resumed when unfinished (two rules would mix silently).
    @Test func earlierRuleRunsAreNamedAndNotResumed() throws {
        let dir = try makeTemporaryDirectory("nd-earlier")
        let probe = RandomProbe(seed: 5, N: 6, C: 2)
        let configuration = makeConfiguration(activations: try writeActivations(probe, in: dir))
        func run(force: Bool = false, control: RunControl = RunControl(), onEvent: @escaping (RunEvent) -> Void = { _ in }) throws {
            let producer = try NPYActivations(path: configuration.activations!, layerName: "acts", images: probe.N)
            try Dissector(configuration: configuration, directory: dir + "/run", source: MemorySource(probe: probe),
                          producer: producer, options: RunOptions(batchSize: 2, threads: 1, checkpointEvery: 1, force: force))
                .run(control: control, onEvent: onEvent)
        }
        let cancel = RunControl()
        #expect(throws: RunError.cancelled) { try run(control: cancel) { if case .progress = $0 { cancel.cancel() } } }
        #expect(try RunReader.open(dir + "/run").unionRuleVersion() == UnionRule.version)
        #expect(try RunNotice.notices(RunReader.open(dir + "/run")).isEmpty)

        let queue = try DatabaseQueue(path: dir + "/run/run.sqlite")
        try queue.write { try $0.execute(sql: "DELETE FROM meta WHERE key = 'union_rule_version'") }
        try queue.close()
        #expect(try RunReader.open(dir + "/run").unionRuleVersion() == 1)
        let notices = try RunNotice.notices(RunReader.open(dir + "/run"))
        #expect(notices.count == 1 && notices[0].contains("earlier union rule") && notices[0].contains("--force"))
        #expect(throws: RunError.earlierUnionRule(directory: dir + "/run")) { try run() }
        #expect(RunError.earlierUnionRule(directory: "R").description.contains("--force"))
        // --force starts it over under the current rule.
        try run(force: true)
        #expect(try RunReader.open(dir + "/run").unionRuleVersion() == UnionRule.version)
        #expect(try RunNotice.notices(RunReader.open(dir + "/run")).isEmpty)
    }

    /// The wheel probe in the Broden layout: object and part categories, wheel (1) listed in both
    /// with the larger coverage in part, door (2) in part.
    func writeWheelProbe(to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir + "/images/w", withIntermediateDirectories: true)
        func save(_ text: String, _ name: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        try save("name,first,last,count,frequency\nobject,1,1,1,2\npart,1,2,2,1\n", "category.csv")
        try save("number,name,category,frequency,coverage,syns\n1,wheel,object(2);part(1),2,0.6,\n2,door,part(1),1,0.2,\n", "label.csv")
        try save("code,number,name,frequency,coverage\n1,1,wheel,2,0.1\n", "c_object.csv")
        try save("code,number,name,frequency,coverage\n1,1,wheel,1,0.5\n2,2,door,1,0.2\n", "c_part.csv")
        func seg(_ labels: [UInt32], _ name: String) throws {
            var rgb = RGBImage(width: 4, height: 4)
            for p in 0..<16 { rgb.pixels[3 * p] = UInt8(labels[p]) }
            try Data(try PNG.encode(rgb)).write(to: URL(fileURLWithPath: dir + "/images/w/" + name))
        }
        var object0 = [UInt32](repeating: 0, count: 16)
        for y in 1...2 { for x in 1...2 { object0[y * 4 + x] = 1 } }
        var object1 = [UInt32](repeating: 0, count: 16)
        object1[0] = 1; object1[1] = 1
        var part1 = [UInt32](repeating: 0, count: 16)
        for p in 8..<16 { part1[p] = 2 }
        try seg(object0, "0_object.png")
        try seg(object1, "1_object.png")
        try seg(part1, "1_part.png")
        for i in 0..<2 {
            try Data(try PNG.encode(RGBImage(width: 8, height: 8, fill: (90, 90, 90)))).write(to: URL(fileURLWithPath: dir + "/images/w/\(i).jpg"))
        }
        try save("image,split,ih,iw,sh,sw,object,part\nw/0.jpg,train,8,8,4,4,w/0_object.png,\nw/1.jpg,train,8,8,4,4,w/1_object.png,w/1_part.png\n", "index.csv")
    }
}

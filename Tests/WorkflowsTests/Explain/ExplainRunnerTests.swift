// `netdissect explain` end to end on a planted run: units made to fire exactly on `a OR b` and on
// `a AND NOT d` are explained by exactly those formulas (IoU 1) by both searches; a stopped
// explain continues with the units left; bad requests fail with one line.
import DissectionTestSupport
@testable import Dissection
import Foundation
import Runtime
import TestSupport
import Testing
@testable import Workflows
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ExplainRunnerTests {
    /// Objects a (1), b (2), c (3) and parts d (4), e (5) on 8x8 segmentations; six units:
    /// `a OR b`, `a AND NOT d`, `c`, `e`, `b AND e`, and one that never fires.
    static func plantedRun(seed: UInt64 = 5) throws -> String {
        let dir = try makeTemporaryDirectory("nd-explain")
        let catalog = ConceptCatalog(
            categories: [ConceptCategory(name: "object", kind: .pixel), ConceptCategory(name: "part", kind: .pixel)],
            labels: [ConceptLabel(id: 1, name: "a", category: 0), ConceptLabel(id: 2, name: "b", category: 0),
                     ConceptLabel(id: 3, name: "c", category: 0), ConceptLabel(id: 4, name: "d", category: 1),
                     ConceptLabel(id: 5, name: "e", category: 1)])
        let n = 12, side = 8, units = 6
        var g = SeededGenerator(seed: seed)
        var annotations: [ImageAnnotation?] = []
        var acts = [Float](repeating: 0, count: n * units * side * side)
        for i in 0..<n {
            var object = [UInt32](repeating: 0, count: side * side), part = object
            for p in 0..<(side * side) {
                let r = Int.random(in: 0..<20, using: &g)
                object[p] = r < 6 ? 0 : r < 10 ? 1 : r < 13 ? 2 : 3
                let s = Int.random(in: 0..<10, using: &g)
                part[p] = s < 4 ? 0 : s < 7 ? 4 : 5
                let fires: [Bool] = [object[p] == 1 || object[p] == 2, object[p] == 1 && part[p] != 4,
                                     object[p] == 3, part[p] == 5, object[p] == 2 && part[p] == 5, false]
                for u in 0..<units where fires[u] { acts[((i * units + u) * side * side) + p] = 1 }
            }
            annotations.append(ImageAnnotation(height: side, width: side,
                                               pixelLayers: [PixelLayer(category: 0, labels: object), PixelLayer(category: 1, labels: part)]))
        }
        try BrodenWriter.write(catalog: catalog, annotations: annotations, images: nil, to: dir + "/probe")
        try NPY.write(Tensor(shape: [n, units, side, side], data: acts), to: dir + "/acts.npy")
        // The top half of the values: every unit's threshold is 0, its mask exactly where it is 1.
        let request = DissectRequest(model: nil, activations: dir + "/acts.npy", dataset: dir + "/probe", layers: ["acts"],
                                     out: dir + "/run", quantile: 0.5, iouThreshold: 0.04, categories: nil, union: "original",
                                     topK: 2, batch: 4, threads: 1, limit: nil, mean: [0.485, 0.456, 0.406],
                                     std: [0.229, 0.224, 0.225], bgr: false, checkpointEvery: 4, force: false)
        try DissectRunner.prepare(request).run()
        return dir + "/run"
    }

    @Test func plantedFormulasAreRecoveredExactly() throws {
        let run = try Self.plantedRun()
        for search in ExplainSearch.allCases {
            var lines: [String] = []
            try ExplainRunner.run(ExplainRequest(run: run, settings: ExplainSettings(maxLength: 3, search: search), threads: 2),
                                  output: { lines.append($0) }, note: { _ in })
            #expect(lines.count == 6, "\(lines)")
            let rows = try RunReader.open(run).explanations(layer: "acts").filter { $0.search == search }
            #expect(rows.count == 18)
            func best(_ unit: Int, _ length: Int) -> StoredExplanation? { rows.first { $0.unit == unit && $0.length == length } }
            let names: [Int32: String] = [1: "a", 2: "b", 3: "c", 4: "d", 5: "e"]
            func text(_ r: StoredExplanation?) -> String? { r?.formula?.text { names[$0]! } }
            for length in 2...3 {
                #expect(text(best(0, length)) == "a OR b", "\(search) length \(length)")
                #expect(best(0, length)?.iou == 1)
                #expect(text(best(1, length)) == "a AND NOT d", "\(search) length \(length)")
                #expect(best(1, length)?.iou == 1)
                #expect(text(best(4, length)) == "b AND e", "\(search) length \(length)")
            }
            #expect(text(best(2, 1)) == "c" && best(2, 1)?.iou == 1)
            #expect(text(best(3, 1)) == "e" && best(3, 1)?.iou == 1)
            // One label is not enough for the compound units.
            for unit in [0, 1, 4] { #expect((best(unit, 1)?.iou ?? 1) < 1, "unit \(unit)") }
            // The silent unit: no formula, no pixels.
            #expect(best(5, 3)?.formula == nil && best(5, 3)?.unitPixels == 0)
            #expect(lines.contains { $0.hasPrefix("acts unit 1  IoU 1.0000  a OR b") }, "\(lines)")
        }
        // summary's curve: mean IoU grows with length.
        let curves = ExplanationCurve.of(try RunReader.open(run).explanations(layer: "acts"))
        #expect(curves.map(\.search) == [.optimal, .beam])
        for c in curves {
            #expect(c.units == 6 && c.meanIoU.count == 3)
            #expect(c.meanIoU[0] < c.meanIoU[1] && c.meanIoU[1] <= c.meanIoU[2])
        }
    }

    @Test func aStoppedExplainContinuesWithTheUnitsLeft() throws {
        let run = try Self.plantedRun(seed: 9)
        let control = RunControl()
        var first: [String] = []
        // One worker: batches of four units; stop after the first unit's line.
        do {
            try ExplainRunner.run(ExplainRequest(run: run, settings: ExplainSettings(search: .beam), threads: 1), control: control,
                                  output: { first.append($0); control.cancel() }, note: { _ in })
            Issue.record("the stopped explain returned")
        } catch let failure as DissectFailure {
            #expect(failure.isCancel && failure.message.hasPrefix("explain: stopped"), "\(failure.message)")
        }
        let partial = try RunReader.open(run).explanations(layer: "acts")
        #expect(Set(partial.map(\.unit)) == [0, 1, 2, 3], "the first batch was written")
        var second: [String] = []
        let notes = Notes()
        try ExplainRunner.run(ExplainRequest(run: run, settings: ExplainSettings(search: .beam), threads: 1),
                              output: { second.append($0) }, note: { notes.add($0) })
        #expect(second.count == 2 && second[0].hasPrefix("acts unit 5") && second[1].hasPrefix("acts unit 6"), "\(second)")
        #expect(notes.lines.contains("acts: 4 of 6 units already explained"), "\(notes.lines)")
        #expect(!notes.lines.contains { $0.hasPrefix("labels:") }, "the label file of the first run is read: \(notes.lines)")
        #expect(try RunReader.open(run).explanations(layer: "acts").count == 18)
        // Everything done: nothing to do, also for a shorter length (its rows are there); another
        // beam width starts the unit over.
        var third: [String] = []
        try ExplainRunner.run(ExplainRequest(run: run, settings: ExplainSettings(search: .beam), threads: 1),
                              output: { third.append($0) }, note: { _ in })
        #expect(third.isEmpty)
        try ExplainRunner.run(ExplainRequest(run: run, units: "2", settings: ExplainSettings(maxLength: 2, search: .beam), threads: 1),
                              output: { third.append($0) }, note: { _ in })
        #expect(third.isEmpty)
        try ExplainRunner.run(ExplainRequest(run: run, units: "2", settings: ExplainSettings(maxLength: 2, search: .beam, beam: 3), threads: 1),
                              output: { third.append($0) }, note: { _ in })
        #expect(third.count == 1)
        let unit2 = try RunReader.open(run).explanations(layer: "acts").filter { $0.unit == 1 }
        #expect(unit2.map(\.length) == [1, 2] && unit2.allSatisfy { $0.beam == 3 })
    }

    /// A memory budget smaller than one unit's mask reads the probe once per unit: the same rows
    /// as one pass for all units, the passes said.
    @Test func unitsInGroupsGiveTheSameRows() throws {
        let whole = try Self.plantedRun(), grouped = try Self.plantedRun()
        for search in ExplainSearch.allCases {
            let settings = ExplainSettings(maxLength: 3, search: search)
            try ExplainRunner.run(ExplainRequest(run: whole, settings: settings, threads: 2), output: { _ in }, note: { _ in })
            let notes = Notes()
            var lines: [String] = []
            try ExplainRunner.run(ExplainRequest(run: grouped, settings: settings, threads: 2, memoryBytes: 1),
                                  output: { lines.append($0) }, note: { notes.add($0) })
            #expect(lines.count == 6)
            #expect(notes.lines.filter { $0.contains("read 12 images") }.count == 6, "\(notes.lines)")
            #expect(notes.lines.filter { $0.contains("held: 1 unit ") }.count == 6, "one unit a pass: \(notes.lines)")
            #expect(notes.lines.contains { $0.contains("units 6-6 of the 6 left in one pass") })
            let a = try RunReader.open(whole).explanations(layer: "acts").filter { $0.search == search }
            let b = try RunReader.open(grouped).explanations(layer: "acts").filter { $0.search == search }
            #expect(a.count == 18 && a == b)
        }
    }

    /// `--dump` writes the masks explain searches: the planted units' rows are their formulas of
    /// the label rows, bit for bit; nothing is searched or stored.
    @Test func dumpWritesTheMasksDense() throws {
        let run = try Self.plantedRun()
        let dump = run + "/../dump"
        try ExplainRunner.run(ExplainRequest(run: run, threads: 1, dump: dump), output: { _ in }, note: { _ in })
        /// The uint8 rows of a (rows, bytes) .npy, after checking its header.
        func rows(_ name: String, _ count: Int) throws -> [[UInt8]] {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dump + "/" + name)))
            let start = 10 + Int(bytes[8]) + 256 * Int(bytes[9])
            let header = String(decoding: bytes[10..<start], as: UTF8.self)
            #expect(header.contains("'descr': '|u1'") && header.contains("'shape': (\(count), 96)"), "\(header)")
            #expect(bytes.count == start + count * 96)
            return (0..<count).map { Array(bytes[(start + $0 * 96)..<(start + ($0 + 1) * 96)]) }
        }
        // 12 images of 8x8: 768 pixels, 96 bytes a row; labels a..e are ids 1..5, rows 0..4.
        let labels = try rows("labels.npy", 5), units = try rows("units.npy", 6)
        let (a, b, c, d, e) = (labels[0], labels[1], labels[2], labels[3], labels[4])
        #expect(units[0] == zip(a, b).map { $0 | $1 })
        #expect(units[1] == zip(a, d).map { $0 & ~$1 })
        #expect(units[2] == c && units[3] == e)
        #expect(units[4] == zip(b, e).map { $0 & $1 })
        #expect(units[5].allSatisfy { $0 == 0 } && a.contains { $0 != 0 })
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dump + "/dump.json"))) as? [String: Any]
        #expect(meta?["pixels"] as? Int == 768)
        #expect((meta?["labels"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["a", "b", "c", "d", "e"])
        #expect((meta?["units"] as? [[String: Any]])?.compactMap { $0["unit"] as? Int } == Array(0..<6))
        #expect(try RunReader.open(run).explanations(layer: "acts").isEmpty)
    }

    /// The first explain writes RUN/explain/labels.runs and later ones read it; a truncated,
    /// stale or linked file is rebuilt with one line saying why, and gives the same rows; a folder
    /// at its path, or a linked RUN/explain, is refused in one line before any pass.
    @Test func theLabelFileIsWrittenOnceAndRebuiltWhenUnsound() throws {
        let run = try Self.plantedRun(), clean = try Self.plantedRun()
        let path = run + "/explain/labels.runs"
        func explain(_ run: String, beam: Int) throws -> (notes: [String], rows: [StoredExplanation]) {
            let notes = Notes()
            try ExplainRunner.run(ExplainRequest(run: run, settings: ExplainSettings(maxLength: 2, search: .beam, beam: beam), threads: 1),
                                  output: { _ in }, note: { notes.add($0) })
            return (notes.lines, try RunReader.open(run).explanations(layer: "acts").filter { $0.beam == beam })
        }
        let first = try explain(run, beam: 1)
        #expect(first.notes.contains("labels: writing explain/labels.runs during the first pass"), "\(first.notes)")
        #expect(first.notes.contains { $0.contains("mapped from explain/labels.runs") })
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(good.count > 128 && RunDirectory.fileKind(path) == S_IFREG)
        let reused = try explain(run, beam: 2)
        #expect(!reused.notes.contains { $0.hasPrefix("labels:") }, "\(reused.notes)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == good)

        let outside = try makeTemporaryDirectory("nd-outside") + "/target"
        try Data("keep".utf8).write(to: URL(fileURLWithPath: outside))
        var stale = good
        stale[16] ^= 0xFF
        let damages: [(String, () throws -> Void)] = [
            ("is damaged (truncated: \(good.count / 2) of \(good.count) bytes)", { try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: path)) }),
            ("is stale (the probe's index or categories changed)", { try stale.write(to: URL(fileURLWithPath: path)) }),
            ("is damaged (a symbolic link)", {
                unlink(path)
                try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: outside)
            }),
            ("is damaged (not a label-run file)", { try Data(repeating: 7, count: good.count).write(to: URL(fileURLWithPath: path)) }),
        ]
        for (k, (why, damage)) in damages.enumerated() {
            try damage()
            let again = try explain(run, beam: 3 + k), reference = try explain(clean, beam: 3 + k)
            #expect(again.notes.contains("labels: explain/labels.runs \(why); rebuilding it during the first pass"), "\(again.notes)")
            #expect(again.rows.count == 12 && again.rows == reference.rows, "\(why)")
            #expect(RunDirectory.fileKind(path) == S_IFREG, "\(why)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == good, "\(why)")
        }
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == "keep")

        unlink(path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        let notes = Notes()
        do {
            try ExplainRunner.run(ExplainRequest(run: run, settings: ExplainSettings(search: .beam, beam: 9), threads: 1),
                                  output: { _ in }, note: { notes.add($0) })
            Issue.record("explain wrote over a folder")
        } catch let failure as DissectFailure {
            #expect(failure.message.contains("is a folder where explain keeps its label file") && !failure.message.contains("\n"), "\(failure.message)")
        }
        #expect(!notes.lines.contains { $0.hasPrefix("read ") }, "no pass was made: \(notes.lines)")
        rmdir(path)
        let linked = try Self.plantedRun()
        try FileManager.default.createSymbolicLink(atPath: linked + "/explain", withDestinationPath: run + "/explain")
        do {
            try ExplainRunner.run(ExplainRequest(run: linked, settings: ExplainSettings(search: .beam), threads: 1), output: { _ in }, note: { _ in })
            Issue.record("explain wrote through a linked folder")
        } catch let failure as DissectFailure {
            #expect(failure.message.contains("symbolic link") && !failure.message.contains("\n"), "\(failure.message)")
        }
    }

    /// Stopped during its first pass, explain leaves no label file (nor a temporary one); the
    /// next explain writes it and continues.
    @Test func aStopDuringTheFirstPassLeavesNoLabelFile() throws {
        let run = try Self.plantedRun()
        let control = RunControl()
        do {
            try ExplainRunner.run(ExplainRequest(run: run, settings: ExplainSettings(search: .beam), batch: 4, threads: 1), control: control,
                                  output: { _ in }, note: { if $0.contains("reading the probe") { control.cancel() } })
            Issue.record("the stopped explain returned")
        } catch let failure as DissectFailure {
            #expect(failure.isCancel, "\(failure.message)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: run + "/explain").isEmpty)
        let notes = Notes()
        var lines: [String] = []
        try ExplainRunner.run(ExplainRequest(run: run, settings: ExplainSettings(search: .beam), batch: 4, threads: 1),
                              output: { lines.append($0) }, note: { notes.add($0) })
        #expect(lines.count == 6 && notes.lines.contains("labels: writing explain/labels.runs during the first pass"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: run + "/explain") == ["labels.runs"])
    }

    @Test func badRequestsFailWithOneLine() throws {
        let run = try Self.plantedRun()
        func failure(_ r: ExplainRequest) -> String? {
            do { try ExplainRunner.run(r, output: { _ in }, note: { _ in }); return nil } catch let f as DissectFailure {
                return f.message
            } catch { return "\(error)" }
        }
        let cases: [(ExplainRequest, String)] = [
            (ExplainRequest(run: run + "/missing"), "run.sqlite is missing"),
            (ExplainRequest(run: run, layers: ["nope"]), "--layer nope"),
            (ExplainRequest(run: run, units: "0"), "--units"),
            (ExplainRequest(run: run, units: "3-99"), "past the layer's 6 units"),
            (ExplainRequest(run: run, units: "x"), "--units"),
            (ExplainRequest(run: run, settings: ExplainSettings(maxLength: 0)), "--length"),
            (ExplainRequest(run: run, settings: ExplainSettings(beam: 0)), "--beam"),
            (ExplainRequest(run: run, settings: ExplainSettings(minPixels: -1)), "--min-pixels"),
            (ExplainRequest(run: run, memoryBytes: 0), "--memory"),
            (ExplainRequest(run: run, dump: run + "/run.sqlite/dump"), "cannot create the dump directory"),
        ]
        for (request, expected) in cases {
            let message = failure(request)
            #expect(message?.contains(expected) == true, "\(String(describing: message))")
            #expect(message?.contains("\n") == false)
        }
    }
}

/// Notes collected from any thread.
final class Notes: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}

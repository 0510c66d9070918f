// The label-run file: mapped labels read exactly as labels held in memory (same bytes, same
// counts, same formulas); a missing, truncated, stale, damaged or hostile file is refused with
// its cause, never read out of bounds; a link or folder at its path is never written through.
import DissectionTestSupport
import Foundation
import TestSupport
import Testing
@testable import Dissection
#if canImport(Glibc)
import Glibc
#endif

@Suite struct LabelRunFileTests {
    typealias Case = ExplanationSearchTests.Case

    static func filePath(_ run: String) -> String { run + "/" + LabelRunFile.folder + "/" + LabelRunFile.name }

    static func bytes(_ labels: ProbeLabels) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: labels.region.base, count: labels.region.count))
    }

    /// The mapped file holds the very bytes built in memory, reads the same masks, and every
    /// search finds the same formulas with the same counts, while its pages are dropped again
    /// and again (a budget of one byte).
    @Test func mappedEqualsInMemory() throws {
        var compared = 0, releases = 0
        withEvery("seed", in: 0..<12) { seed in
            let run = try makeTemporaryDirectory("nd-labels")
            let memory = try Case(seed: 2_000 + UInt64(seed))
            let mapped = try Case(seed: 2_000 + UInt64(seed), runDirectory: run, residentBudget: 1)
            #expect(!memory.labels.isMapped && mapped.labels.isMapped)
            #expect(Self.bytes(memory.labels) == Self.bytes(mapped.labels))
            #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.filePath(run)))) == Self.bytes(memory.labels))
            let (a, b) = (memory.labels, mapped.labels)
            #expect(a.labelPixels == b.labelPixels && a.imageCount == b.imageCount)
            for s in 0..<a.labelCount { #expect(Array(a.images(slot: s)) == Array(b.images(slot: s))) }
            let slow = FormulaEvaluator(labels: a), fast = FormulaEvaluator(labels: b)
            let candidates = Explainer.candidates(a, minPixels: 1)
            guard !candidates.isEmpty else { return }
            for (u, unit) in memory.units.enumerated() {
                #expect(unit == mapped.units[u])
                let hits = slow.labelHits(unit: unit)
                #expect(hits == fast.labelHits(unit: unit))
                for k in 1...3 {
                    let x = OptimalSearch.search(unit: unit, evaluator: slow, candidates: candidates, hits: hits, maxLength: k)
                    let y = OptimalSearch.search(unit: unit, evaluator: fast, candidates: candidates, hits: hits, maxLength: k)
                    #expect(x == y, "optimal, length \(k)")
                    if x != nil { compared += 1 }
                }
                let x = BeamSearch.search(unit: unit, evaluator: slow, candidates: candidates, hits: hits, maxLength: 3, beam: 3)
                #expect(x == BeamSearch.search(unit: unit, evaluator: fast, candidates: candidates, hits: hits, maxLength: 3, beam: 3))
            }
            releases += b.region.releases.load(ordering: .relaxed)
        }
        #expect(compared > 40, "units are explained")
        #expect(releases > 100, "the mapped pages were dropped along the way")
    }

    /// A sound file opens again; one for another probe, version, image count or labels is stale.
    @Test func staleFilesAreToldApart() throws {
        let run = try makeTemporaryDirectory("nd-labels")
        let c = try Case(seed: 31, runDirectory: run)
        func open(_ identity: LabelRunFile.Identity) -> LabelRunFileProblem? {
            if case let .failure(p) = ProbeLabels.open(runDirectory: run, identity: identity, catalog: c.catalog, residentBudget: .max) { return p }
            return nil
        }
        #expect(open(c.identity) == nil)
        var other = c.identity
        other.fingerprint &+= 1
        #expect(open(other) == .stale("the probe's index or categories changed"))
        other = c.identity
        other.imageCount += 1
        #expect(open(other).map { "\($0)" }?.hasPrefix("stale (7 images") == true)
        #expect(ProbeLabels.open(runDirectory: run + "/none", identity: c.identity, catalog: c.catalog, residentBudget: .max).failure == .missing)
    }

    /// Every kind of damage is found before anything is read through it.
    @Test func damagedFilesAreRefused() throws {
        let run = try makeTemporaryDirectory("nd-labels")
        let c = try Case(seed: 41, N: 9, runDirectory: run)
        let path = Self.filePath(run)
        let good = Self.bytes(c.labels)
        let layout = c.labels.layout, counts = c.labels.counts
        #expect(counts.entries > 2 && counts.imageLabels > 0 && counts.runWords > 4, "the probe has entries, runs and image labels")
        func put<T>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
            withUnsafeBytes(of: value) { for (k, b) in $0.enumerated() { bytes[offset + k] = b } }
        }
        let firstImage = (0..<counts.images).first { c.labels.entries($0).count > 1 }!
        let cases: [(String, ([UInt8]) -> [UInt8], String)] = [
            ("truncated by a byte", { Array($0.dropLast()) }, "damaged (truncated"),
            ("header only", { Array($0.prefix(127)) }, "shorter than the header"),
            ("empty", { _ in [] }, "shorter than the header"),
            ("longer", { $0 + [UInt8](repeating: 0, count: 8) }, "the header says"),
            ("magic", { var b = $0; b[0] = UInt8(ascii: "X"); return b }, "not a label-run file"),
            ("version", { var b = $0; put(UInt32(2), at: 8, in: &b); return b }, "stale (version 2"),
            ("run words past the file", { var b = $0; put(UInt64.max, at: 48, in: &b); return b }, "past the file"),
            ("one entry more", { var b = $0; put(UInt64(counts.entries + 1), at: 40, in: &b); return b }, "sections do not fill"),
            ("entry runs outside", { var b = $0; put(UInt64(1 << 40), at: layout.entries + 8 + 16, in: &b); return b }, "do not follow run"),
            ("entry slot", { var b = $0; put(Int32(99), at: layout.entries + 4, in: &b); return b }, "not a scored label"),
            ("entry order", { var b = $0
                let e = c.labels.entries(firstImage).lowerBound
                put(c.labels.entryLabel(e + 1), at: layout.entries + 16 * e, in: &b)
                put(Int32(c.labels.entrySlot(e + 1)), at: layout.entries + 16 * e + 4, in: &b); return b }, "not a scored label in order"),
            ("run past the image", { var b = $0; put(UInt32(0xFFFF_FFF0), at: layout.runs, in: &b); return b }, "outside the image"),
            ("empty run", { var b = $0; put(UInt32(0), at: layout.runs + 4, in: &b); return b }, "outside the image"),
            ("entry start", { var b = $0; put(UInt64(1 << 50), at: layout.entryStart + 8, in: &b); return b }, "out of order or past"),
            ("image too large", { var b = $0; put(Int32(1000), at: layout.sizes, in: &b); put(Int32(1000), at: layout.sizes + 4, in: &b); return b },
             "larger than any segmentation"),
            ("negative width", { var b = $0; put(Int32(-3), at: layout.sizes + 4, in: &b); return b }, "larger than any segmentation"),
            ("image list", { var b = $0; put(Int32(c.labels.imageCount + 5), at: layout.labelImages, in: &b); return b }, "image list"),
            ("label pixels", { var b = $0; put(UInt64(1), at: layout.labelPixels, in: &b); return b }, "pixel count"),
            ("image-label slot", { var b = $0; put(Int32(-1), at: layout.imageLabelSlots, in: &b); return b }, "not a scored label"),
            ("sentinel", { var b = $0; put(UInt64(0), at: layout.entries + 16 * counts.entries + 8, in: &b); return b }, "do not end"),
        ]
        for (name, damage, expected) in cases {
            try Data(damage(good)).write(to: URL(fileURLWithPath: path))
            let result = ProbeLabels.open(runDirectory: run, identity: c.identity, catalog: c.catalog, residentBudget: .max)
            let text = result.failure.map { "\($0)" } ?? "opened"
            #expect(text.contains(expected), "\(name): \(text)")
        }
        try Data(good).write(to: URL(fileURLWithPath: path))
        #expect(ProbeLabels.open(runDirectory: run, identity: c.identity, catalog: c.catalog, residentBudget: .max).failure == nil)
    }

    /// Random bytes changed anywhere: the file is refused, or it opens and reads without a fault.
    @Test func randomDamageNeverFaults() throws {
        let run = try makeTemporaryDirectory("nd-labels")
        let c = try Case(seed: 43, N: 9, runDirectory: run)
        let good = Self.bytes(c.labels)
        var refused = 0
        withEvery("seed", in: 0..<300) { seed in
            var g = SeededGenerator(seed: UInt64(seed))
            var bad = good
            for _ in 0..<Int.random(in: 1...4, using: &g) {
                // Half the time in the header and tables (small), else anywhere.
                let at = seed % 2 == 0 ? Int.random(in: 0..<min(bad.count, 256), using: &g) : Int.random(in: 0..<bad.count, using: &g)
                bad[at] = UInt8.random(in: 0...255, using: &g)
            }
            try Data(bad).write(to: URL(fileURLWithPath: Self.filePath(run)))
            switch ProbeLabels.open(runDirectory: run, identity: c.identity, catalog: c.catalog, residentBudget: .max) {
            case .failure: refused += 1
            case let .success(labels):
                let evaluator = FormulaEvaluator(labels: labels)
                for unit in c.units { _ = evaluator.labelHits(unit: unit) }
                for id in labels.labelIDs { _ = evaluator.extensions(Formula(id), unit: c.units[0]) }
            }
        }
        #expect(refused > 150, "most changes are caught")
    }

    /// A link, a folder or a FIFO at the file's path is refused when read; the writer replaces
    /// a link (its target untouched), and refuses a folder there, or a link for `RUN/explain`.
    @Test func linksAndFoldersAreNeverWrittenThrough() throws {
        let run = try makeTemporaryDirectory("nd-labels")
        let c = try Case(seed: 47, runDirectory: run)
        let path = Self.filePath(run)
        func failure() -> String { ProbeLabels.open(runDirectory: run, identity: c.identity, catalog: c.catalog, residentBudget: .max).failure.map { "\($0)" } ?? "opened" }
        let outside = try makeTemporaryDirectory("nd-outside") + "/target"
        try Data("keep".utf8).write(to: URL(fileURLWithPath: outside))
        unlink(path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: outside)
        #expect(failure() == "damaged (a symbolic link)")
        _ = try Case(seed: 47, runDirectory: run)
        #expect(RunDirectory.fileKind(path) == S_IFREG && failure() == "opened")
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == "keep")
        unlink(path)
        #expect(mkfifo(path, 0o600) == 0)
        #expect(failure() == "damaged (not a regular file)")
        unlink(path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(failure() == "damaged (not a regular file)")
        do { _ = try Case(seed: 47, runDirectory: run); Issue.record("a folder was written over") } catch let error as RunError {
            #expect("\(error)".contains("is a folder where explain keeps its label file") && !"\(error)".contains("\n"), "\(error)")
        }
        let linked = try makeTemporaryDirectory("nd-labels")
        try FileManager.default.createSymbolicLink(atPath: linked + "/" + LabelRunFile.folder, withDestinationPath: run)
        do { _ = try Case(seed: 47, runDirectory: linked); Issue.record("a linked folder was written through") } catch let error as RunError {
            #expect("\(error)".contains("symbolic link"), "\(error)")
        }
    }

    /// The fingerprint follows every part of the index and the catalog the labels come from.
    @Test func fingerprintFollowsTheIndex() {
        let catalog = ConceptCatalog(categories: [ConceptCategory(name: "object", kind: .pixel), ConceptCategory(name: "scene", kind: .image)],
                                     labels: [ConceptLabel(id: 1, name: "a", category: 0), ConceptLabel(id: 2, name: "b", category: 1)])
        let record = ProbeRecord(index: 0, line: 2, image: "x/1.jpg", split: "train", imageHeight: 8, imageWidth: 8, segmentationHeight: 4,
                                 segmentationWidth: 4, cells: [.layers(["x/1_object.png"]), .labels([2])], defect: nil)
        let base = LabelRunFile.fingerprint(records: [record][...], catalog: catalog)
        #expect(base == LabelRunFile.fingerprint(records: [record][...], catalog: catalog))
        var changed: [ProbeRecord] = []
        var r = record; r.image = "x/2.jpg"; changed.append(r)
        r = record; r.segmentationWidth = 5; changed.append(r)
        r = record; r.cells[0] = .layers(["x/1_object2.png"]); changed.append(r)
        r = record; r.cells[1] = .labels([]); changed.append(r)
        r = record; r.defect = "bad"; changed.append(r)
        for r in changed { #expect(LabelRunFile.fingerprint(records: [r][...], catalog: catalog) != base, "\(r)") }
        #expect(LabelRunFile.fingerprint(records: [record, record][...], catalog: catalog) != base)
        let renamed = ConceptCatalog(categories: catalog.categories, labels: [ConceptLabel(id: 1, name: "a2", category: 0), catalog.labels[1]])
        #expect(LabelRunFile.fingerprint(records: [record][...], catalog: renamed) != base)
    }
}

extension Result {
    /// The error, nil on success.
    var failure: Failure? { if case let .failure(e) = self { return e }; return nil }
}

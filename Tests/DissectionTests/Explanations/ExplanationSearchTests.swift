// The searches of compositional explanations against their plain specifications: the evaluator's
// counts against per-pixel masks, OptimalSearch against exhaustive enumeration, BeamSearch against
// a plain beam search written from Mu and Andreas's code, on random probes of many seeds.
import DissectionTestSupport
import Foundation
import TestSupport
import Testing
@testable import Dissection

@Suite struct ExplanationSearchTests {
    /// A random probe's labels and units, gathered as `explain` gathers them.
    struct Case {
        var labels: ProbeLabels
        var units: [UnitPixels]
        var catalog: ConceptCatalog

        var identity: LabelRunFile.Identity

        /// A random probe; `runDirectory`: its labels written to `RUN/explain/labels.runs` there
        /// and mapped (nil: in memory), with `residentBudget` for the mapped pages.
        init(seed: UInt64, N: Int = 7, C: Int = 4, runDirectory: String? = nil, residentBudget: Int = .max) throws {
            let sizes = [(5, 6), (4, 4), (6, 3)]
            let r = RandomProbe(seed: seed, N: N, C: C, sizes: sizes)
            catalog = r.catalog
            var g = SeededGenerator(seed: seed &+ 77)
            // Thresholds from low (large masks) to high (small ones).
            let thresholds = (0..<r.C).map { _ in Float.random(in: 0...1.2, using: &g) }
            let identity = LabelRunFile.Identity(fingerprint: seed, imageCount: N, labelIDs: r.catalog.labels.map { Int32($0.id) },
                                                 maxPixels: sizes.map { $0.0 * $0.1 }.max()!)
            let writer = try runDirectory.map {
                try LabelRunWriter(runDirectory: $0, catalog: r.catalog, identity: identity, residentBudget: residentBudget)
            } ?? LabelRunWriter(catalog: r.catalog, identity: identity)
            var units = [UnitPixels](repeating: UnitPixels(), count: r.C)
            for (i, a) in r.annotations.enumerated() {
                guard let a else { try writer.append(nil); continue }
                let masks = LabelMasks(a, catalog: r.catalog)
                try writer.append(masks)
                let masker = UnitMasker(plan: BilinearPlan(sourceHeight: r.H, sourceWidth: r.W, targetHeight: a.height, targetWidth: a.width))
                r.activations.withUnsafeBufferPointer { b in
                    for u in 0..<r.C {
                        let (area, words) = masker.threshold(b.baseAddress! + (i * r.C + u) * r.H * r.W, thresholds[u])
                        guard area > 0 else { continue }
                        units[u].append(image: i, bits: masker.mask, wordCount: masker.wordCount, pixelCount: a.height * a.width)
                        masker.clear(words)
                    }
                }
            }
            labels = try writer.finish()
            self.units = units
            self.identity = identity
        }
    }

    @Test func formulaTextAndTreeRoundTrip() throws {
        let f = Formula(3).appending(.or, 7).appending(.andNot, 12)
        let names: [Int32: String] = [3: "water", 7: "river", 12: "blue-c"]
        #expect(f.text { names[$0]! } == "(water OR river) AND NOT blue-c")
        #expect(Formula(5).text { _ in "x" } == "x")
        #expect(Formula(tree: f.tree, maxLabel: 12, maxLength: 3) == f)
        #expect(Formula(tree: Formula(4).tree, maxLabel: 4, maxLength: 1) == Formula(4))
        // Refused: too long, unknown labels, bad operators, not left-deep, not JSON, fractions.
        #expect(Formula(tree: f.tree, maxLabel: 12, maxLength: 2) == nil)
        #expect(Formula(tree: f.tree, maxLabel: 11, maxLength: 3) == nil)
        for bad in ["", "[]", "{\"label\":0}", "{\"label\":1.5}", "{\"label\":true}", "{\"label\":\"1\"}",
                    "{\"op\":\"xor\",\"left\":{\"label\":1},\"right\":{\"label\":2}}",
                    "{\"op\":\"or\",\"left\":{\"label\":1},\"right\":{\"op\":\"or\",\"left\":{\"label\":1},\"right\":{\"label\":2}}}",
                    "{\"op\":\"or\",\"left\":{\"label\":1}}", String(repeating: "{\"op\":\"or\",\"left\":", count: 500)] {
            #expect(Formula(tree: bad, maxLabel: 12, maxLength: 3) == nil, "\(bad.prefix(40))")
        }
    }

    @Test func runLengthsRoundTrip() {
        withEvery("seed", in: 0..<50) { seed in
            var g = SeededGenerator(seed: UInt64(seed))
            let pixels = Int.random(in: 1...300, using: &g)
            let wc = Bitset.wordCount(pixels: pixels)
            var bits = [UInt64](repeating: 0, count: wc)
            let density = Int.random(in: 0...10, using: &g)
            for p in 0..<pixels where Int.random(in: 0..<10, using: &g) < density { bits[p >> 6] |= 1 << UInt64(p & 63) }
            var runs: [UInt32] = []
            let n = bits.withUnsafeBufferPointer { RunLength.encode($0.baseAddress!, wordCount: wc, pixels: pixels, into: &runs) }
            #expect(n == bits.reduce(0) { $0 + $1.nonzeroBitCount })
            var back = [UInt64](repeating: 0, count: wc)
            runs.withUnsafeBufferPointer { r in back.withUnsafeMutableBufferPointer { RunLength.decode(r, into: $0.baseAddress!) } }
            #expect(back == bits)
        }
    }

    /// |F|, |F ∩ M| and every extension's counts equal the per-pixel ones.
    @Test func evaluatorCountsEqualPerPixelCounts() {
        var nonEmpty = 0
        withEvery("seed", in: 0..<20) { seed in
            let c = try Case(seed: 500 + UInt64(seed))
            let evaluator = FormulaEvaluator(labels: c.labels)
            var g = SeededGenerator(seed: UInt64(seed))
            let ids = Explainer.candidates(c.labels, minPixels: 1)
            guard !ids.isEmpty else { return }
            for unit in c.units {
                let dense = ExhaustiveSearch.Dense(labels: c.labels, unit: unit)
                let hits = evaluator.labelHits(unit: unit)
                for l in ids { #expect(hits[c.labels.slot(l)] == dense.score(Formula(l)).intersection) }
                for _ in 0..<6 {
                    var f = Formula(ids.randomElement(using: &g)!)
                    for _ in 0..<Int.random(in: 0...3, using: &g) {
                        f = f.appending(FormulaOp.allCases.randomElement(using: &g)!, ids.randomElement(using: &g)!)
                    }
                    let s = dense.score(f)
                    let counts = evaluator.counts(f, unit: unit)
                    #expect(counts.pixels == s.pixels && counts.intersection == s.intersection, "\(f)")
                    if s.intersection > 0 { nonEmpty += 1 }
                    let e = evaluator.extensions(f, unit: unit)
                    #expect(e.pixels == s.pixels && e.intersection == s.intersection)
                    for l in ids {
                        for op in FormulaOp.allCases {
                            let child = dense.score(f.appending(op, l))
                            let s = c.labels.slot(l)
                            let fast = e.child(op, slot: s, labelPixels: c.labels.labelPixels[s], labelHits: hits[s])
                            #expect(fast.pixels == child.pixels && fast.intersection == child.intersection, "\(f) \(op) \(l)")
                        }
                    }
                }
            }
        }
        #expect(nonEmpty > 50, "the random formulas meet the units' masks")
    }

    /// Per-label arrays follow the number of labels, not the largest id: the random probes number
    /// a label 65535 and leave id 4 out, and that label is counted like any other.
    @Test func labelArraysAreIndexedBySlot() {
        var sparseCounted = 0
        withEvery("seed", in: 0..<12) { seed in
            let c = try Case(seed: 900 + UInt64(seed))
            let evaluator = FormulaEvaluator(labels: c.labels, cache: SweepCache())
            #expect(c.labels.labelCount == c.catalog.labels.count)
            #expect(c.labels.labelIDs == c.catalog.labels.map { Int32($0.id) })
            #expect(c.labels.slot(4) == -1 && c.labels.slot(Int32(LabelMap.maxLabel)) == c.labels.labelCount - 1)
            #expect(c.labels.slot(-1) == -1 && c.labels.slot(Int32(LabelMap.maxLabel) + 1) == -1)
            let ids = Explainer.candidates(c.labels, minPixels: 1)
            #expect(ids == ids.sorted() && !ids.contains(4))
            let big = Int32(LabelMap.maxLabel)
            for unit in c.units {
                let dense = ExhaustiveSearch.Dense(labels: c.labels, unit: unit)
                let hits = evaluator.labelHits(unit: unit)
                #expect(hits.count == c.labels.labelCount)
                guard ids.contains(big), let first = ids.first else { continue }
                let e = evaluator.extensions(Formula(first), unit: unit)
                #expect(e.overlap.count == c.labels.labelCount && e.overlapHits.count == c.labels.labelCount)
                let s = c.labels.slot(big)
                #expect(hits[s] == dense.score(Formula(big)).intersection)
                for op in FormulaOp.allCases {
                    let child = dense.score(Formula(first).appending(op, big))
                    let fast = e.child(op, slot: s, labelPixels: c.labels.labelPixels[s], labelHits: hits[s])
                    #expect(fast.pixels == child.pixels && fast.intersection == child.intersection, "\(op)")
                }
                if c.labels.labelPixels[s] > 0 { sparseCounted += 1 }
            }
        }
        #expect(sparseCounted > 5, "label 65535 is on the probes and counted")
    }

    /// OptimalSearch finds exhaustive enumeration's formula (same IoU, same tie-break) for every
    /// length bound.
    @Test func optimalEqualsExhaustive() {
        var compound = 0, explained = 0, cacheHits = 0
        withEvery("seed", in: 0..<16) { seed in
            let c = try Case(seed: 700 + UInt64(seed), N: 5, C: 3)
            // Every other seed shares probe sweeps between the units and length bounds.
            let cache = seed % 2 == 0 ? SweepCache() : nil
            let evaluator = FormulaEvaluator(labels: c.labels, cache: cache)
            let candidates = Explainer.candidates(c.labels, minPixels: seed % 3 == 0 ? 6 : 1)
            guard !candidates.isEmpty else { return }
            for unit in c.units {
                let dense = ExhaustiveSearch.Dense(labels: c.labels, unit: unit)
                let maxLength = 3
                let expected = ExhaustiveSearch.search(dense, candidates: candidates, maxLength: maxLength)
                let hits = evaluator.labelHits(unit: unit)
                for k in 1...maxLength {
                    let found = OptimalSearch.search(unit: unit, evaluator: evaluator, candidates: candidates, hits: hits, maxLength: k)
                    #expect(found == expected[k - 1], "length \(k): \(String(describing: found)) vs \(String(describing: expected[k - 1]))")
                    if let found { explained += 1; if found.formula.length > 1 { compound += 1 } }
                }
            }
            cacheHits += cache?.hits ?? 0
        }
        #expect(explained > 60, "units are explained")
        #expect(cacheHits > 0, "the shared sweeps were used")
        #expect(compound > 20, "formulas of several labels win")
    }

    /// BeamSearch equals the plain reference beam search, for several widths.
    @Test func beamEqualsReferenceBeam() {
        var differsFromOptimal = 0, compared = 0
        withEvery("seed", in: 0..<16) { seed in
            let c = try Case(seed: 300 + UInt64(seed), N: 6, C: 3)
            let evaluator = FormulaEvaluator(labels: c.labels)
            let candidates = Explainer.candidates(c.labels, minPixels: 1)
            guard !candidates.isEmpty else { return }
            for unit in c.units {
                let dense = ExhaustiveSearch.Dense(labels: c.labels, unit: unit)
                let hits = evaluator.labelHits(unit: unit)
                for width in [1, 3, 10] {
                    let fast = BeamSearch.search(unit: unit, evaluator: evaluator, candidates: candidates, hits: hits,
                                                 maxLength: 3, beam: width)
                    let plain = ReferenceBeam.search(dense, candidates: candidates, maxLength: 3, beam: width)
                    #expect(fast == plain, "beam \(width)")
                    if width == 1, let b = fast[2],
                       let o = OptimalSearch.search(unit: unit, evaluator: evaluator, candidates: candidates, hits: hits, maxLength: 3) {
                        compared += 1
                        if Fraction.compare(o.intersection, o.union, b.intersection, b.union) > 0 { differsFromOptimal += 1 }
                        #expect(Fraction.compare(o.intersection, o.union, b.intersection, b.union) >= 0, "optimal is never below beam")
                    }
                }
            }
        }
        #expect(compared > 20)
        #expect(differsFromOptimal > 0, "a beam of 1 misses the optimum somewhere")
    }

    @Test func emptyUnitHasNoExplanation() throws {
        let c = try Case(seed: 11)
        let evaluator = FormulaEvaluator(labels: c.labels)
        let empty = UnitPixels()
        let candidates = Explainer.candidates(c.labels, minPixels: 1)
        let hits = evaluator.labelHits(unit: empty)
        #expect(OptimalSearch.search(unit: empty, evaluator: evaluator, candidates: candidates, hits: hits, maxLength: 3) == nil)
        #expect(BeamSearch.search(unit: empty, evaluator: evaluator, candidates: candidates, hits: hits, maxLength: 2, beam: 5) == [nil, nil])
    }
}

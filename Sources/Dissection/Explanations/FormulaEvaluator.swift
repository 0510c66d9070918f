// Counting a formula against the probe and a unit, and every one-label extension of it at once.
//
// For a formula F and every label L, the searches need |F ∩ L| (over the probe) and |F ∩ L ∩ M|
// (over the unit's mask): from them, with |F|, |F ∩ M|, |L| and |L ∩ M|, each extension's counts
// follow without evaluating it:
//
//     F OR L       |C| = |F| + |L| - |F ∩ L|      |C ∩ M| = |F ∩ M| + |L ∩ M| - |F ∩ L ∩ M|
//     F AND L      |C| = |F ∩ L|                  |C ∩ M| = |F ∩ L ∩ M|
//     F AND NOT L  |C| = |F| - |F ∩ L|            |C ∩ M| = |F ∩ M| - |F ∩ L ∩ M|
//
// So a beam step or a node expansion costs one sweep over the images where F is not empty (for
// |F ∩ L|) and one over the images where the unit fires (for |F ∩ L ∩ M|), whatever the number
// of labels. Each image's formula mask is rebuilt as a packed bitset from the runs of its labels
// and counted by AND + popcount, as the tally counts. One evaluator per worker (it owns scratch).
// Per-label counts are indexed by the label's slot (ProbeLabels.slot), never by its id. When the
// labels are mapped, the evaluator notes the bytes of every image it reads and has the mapping's
// pages dropped past its share of the labels' resident budget (ResidentMeter).

/// Counts formulas over `ProbeLabels` for one worker.
public final class FormulaEvaluator {
    public let labels: ProbeLabels
    /// Probe sweeps shared with other evaluators (nil: none kept).
    public let cache: SweepCache?
    /// Words of the largest image's mask.
    let maxWords: Int
    /// Scratch bitsets: the formula, one label, the unit.
    private let f: UnsafeMutablePointer<UInt64>, t: UnsafeMutablePointer<UInt64>, m: UnsafeMutablePointer<UInt64>

    /// Bytes of the labels read since the last release.
    private var meter: ResidentMeter

    /// An evaluator, one of `readers` sharing the labels' resident budget.
    public init(labels: ProbeLabels, cache: SweepCache? = nil, readers: Int = 1) {
        self.labels = labels
        self.cache = cache
        meter = labels.meter(readers: readers)
        var words = 1
        for i in 0..<labels.imageCount { words = max(words, Bitset.wordCount(pixels: labels.pixelCount(i))) }
        maxWords = words
        f = .allocate(capacity: words); t = .allocate(capacity: words); m = .allocate(capacity: words)
    }

    deinit { f.deallocate(); t.deallocate(); m.deallocate() }

    /// `|F|` and `|F ∩ M|`.
    public func counts(_ formula: Formula, unit: UnitPixels) -> (pixels: Int, intersection: Int) {
        var pixels = 0
        for i in support(formula) { pixels += build(formula, image: Int(i)) }
        var intersection = 0
        for k in unit.images.indices {
            let i = Int(unit.images[k]), wc = Bitset.wordCount(pixels: labels.pixelCount(i))
            guard build(formula, image: i) > 0 else { continue }
            m.update(repeating: 0, count: wc)
            unit.decode(k, into: m)
            intersection += Bitset.intersectionCount(f, m, wc)
        }
        return (pixels, intersection)
    }

    /// `|L ∩ M|` for every label, by slot.
    public func labelHits(unit: UnitPixels) -> [Int] {
        var hits = [Int](repeating: 0, count: labels.labelCount)
        for k in unit.images.indices {
            let i = Int(unit.images[k]), wc = Bitset.wordCount(pixels: labels.pixelCount(i))
            m.update(repeating: 0, count: wc)
            unit.decode(k, into: m)
            let area = Bitset.popcount(m, wc)
            labels.touch(image: i, &meter)
            for e in labels.entries(i) {
                t.update(repeating: 0, count: wc)
                labels.decode(entry: e, into: t)
                hits[labels.entrySlot(e)] += Bitset.intersectionCount(m, t, wc)
            }
            for s in labels.imageLabelSlotsOf(i) { hits[Int(s)] += area }
        }
        return hits
    }

    /// A formula's extensions' ingredients: `|F|`, `|F ∩ M|`, and per label slot `|F ∩ L|` (`overlap`)
    /// and `|F ∩ L ∩ M|` (`overlapHits`).
    public func extensions(_ formula: Formula, unit: UnitPixels) -> Extensions {
        var e = unitSweep(formula, unit: unit)
        probeSweep(formula, into: &e)
        return e
    }

    /// The sweep of the unit's pixels: `|F ∩ M|` and `overlapHits`; `pixels` and `overlap` are
    /// left empty for `probeSweep`.
    public func unitSweep(_ formula: Formula, unit: UnitPixels) -> Extensions {
        var e = Extensions(pixels: 0, intersection: 0, overlap: [],
                           overlapHits: [Int](repeating: 0, count: labels.labelCount))
        for k in unit.images.indices {
            let i = Int(unit.images[k]), wc = Bitset.wordCount(pixels: labels.pixelCount(i))
            guard build(formula, image: i) > 0 else { continue }
            m.update(repeating: 0, count: wc)
            unit.decode(k, into: m)
            for w in 0..<wc { f[w] &= m[w] }
            let area = Bitset.popcount(f, wc)
            guard area > 0 else { continue }
            e.intersection += area
            addOverlaps(image: i, wordCount: wc, area: area, to: &e.overlapHits)
        }
        return e
    }

    /// Adds `|F ∩ L|` on image `i` to `counts[slot of L]` for every label of the image (`F`'s mask in `f`,
    /// `area` pixels; an image-level label covers the whole image).
    private func addOverlaps(image i: Int, wordCount wc: Int, area: Int, to counts: inout [Int]) {
        for entry in labels.entries(i) {
            t.update(repeating: 0, count: wc)
            labels.decode(entry: entry, into: t)
            counts[labels.entrySlot(entry)] += Bitset.intersectionCount(f, t, wc)
        }
        for s in labels.imageLabelSlotsOf(i) { counts[Int(s)] += area }
    }

    /// The sweep of the images where `F` can be non-empty: sets `e.pixels` (`|F|`) and
    /// `e.overlap` (`|F ∩ L|` per label slot).
    public func probeSweep(_ formula: Formula, into e: inout Extensions) {
        if let cache, let hit = cache.get(formula) {
            e.pixels = hit.pixels
            e.overlap = hit.overlap
            return
        }
        defer { cache?.put(formula, pixels: e.pixels, overlap: e.overlap) }
        e.pixels = 0
        e.overlap = [Int](repeating: 0, count: labels.labelCount)
        for i32 in support(formula) {
            let i = Int(i32), wc = Bitset.wordCount(pixels: labels.pixelCount(i))
            let area = build(formula, image: i)
            guard area > 0 else { continue }
            e.pixels += area
            addOverlaps(image: i, wordCount: wc, area: area, to: &e.overlap)
        }
    }

    /// The images where `formula` can be non-empty (a superset), ascending.
    func support(_ formula: Formula) -> [Int32] {
        func carrying(_ id: Int32) -> [Int32] {
            let s = labels.slot(id)
            guard s >= 0 else { return [] }
            labels.touch(imagesOf: s, &meter)
            return Array(labels.images(slot: s))
        }
        var images = carrying(formula.first)
        for step in formula.steps {
            let other = carrying(step.label)
            switch step.op {
            case .or: images = Self.union(images, other)
            case .and: images = Self.intersection(images, other)
            case .andNot: break
            }
        }
        return images
    }

    /// Builds the formula's mask on image `i` into `f`.
    /// - Returns: its pixel count.
    // labels' runs on image i -> f (wordCount(sh * sw))
    @discardableResult
    func build(_ formula: Formula, image i: Int) -> Int {
        let pixels = labels.pixelCount(i), wc = Bitset.wordCount(pixels: pixels)
        labels.touch(image: i, &meter)
        f.update(repeating: 0, count: wc)
        fill(f, label: formula.first, image: i, pixels: pixels)
        for step in formula.steps {
            t.update(repeating: 0, count: wc)
            fill(t, label: step.label, image: i, pixels: pixels)
            switch step.op {
            case .or: for w in 0..<wc { f[w] |= t[w] }
            case .and: for w in 0..<wc { f[w] &= t[w] }
            case .andNot: for w in 0..<wc { f[w] &= ~t[w] }
            }
        }
        return Bitset.popcount(f, wc)
    }

    private func fill(_ bits: UnsafeMutablePointer<UInt64>, label: Int32, image i: Int, pixels: Int) {
        switch labels.coverage(of: label, in: i) {
        case .none: break
        case .whole: RunLength.setRange(bits, 0, pixels)
        case let .entry(e): labels.decode(entry: e, into: bits)
        }
    }

    static func union(_ a: [Int32], _ b: [Int32]) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) { out.append(a[i]); i += 1 }
            else if i == a.count || b[j] < a[i] { out.append(b[j]); j += 1 }
            else { out.append(a[i]); i += 1; j += 1 }
        }
        return out
    }

    static func intersection(_ a: [Int32], _ b: [Int32]) -> [Int32] {
        var out: [Int32] = []
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] < b[j] { i += 1 } else if b[j] < a[i] { j += 1 } else { out.append(a[i]); i += 1; j += 1 }
        }
        return out
    }
}

/// What `FormulaEvaluator.extensions` counts.
public struct Extensions: Sendable {
    /// `|F|`, `|F ∩ M|`.
    public var pixels: Int, intersection: Int
    /// Per label slot: `|F ∩ L|` (empty until `probeSweep`) and `|F ∩ L ∩ M|`.
    public var overlap: [Int], overlapHits: [Int]

    /// `|C ∩ M|` of `C = F op L` (needs only the unit's sweep), given L's slot and `|L ∩ M|`.
    public func childHits(_ op: FormulaOp, slot: Int, labelHits: Int) -> Int {
        switch op {
        case .or: return intersection + labelHits - overlapHits[slot]
        case .and: return overlapHits[slot]
        case .andNot: return intersection - overlapHits[slot]
        }
    }

    /// The counts of `F op L`, given L's slot, `|L|` and `|L ∩ M|` (after both sweeps).
    public func child(_ op: FormulaOp, slot: Int, labelPixels: Int, labelHits: Int) -> (pixels: Int, intersection: Int) {
        switch op {
        case .or: return (pixels + labelPixels - overlap[slot], intersection + labelHits - overlapHits[slot])
        case .and: return (overlap[slot], overlapHits[slot])
        case .andNot: return (pixels - overlap[slot], intersection - overlapHits[slot])
        }
    }
}

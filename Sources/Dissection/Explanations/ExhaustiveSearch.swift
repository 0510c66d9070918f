// The plain specification of the searches: every left-deep formula, evaluated pixel by pixel.
//
// Every label mask and the unit's mask are expanded to one Bool per pixel of the probe, and every
// formula of length 1...n over the candidates (candidates^n * 3^(n-1) of length n, repeats and
// all) is evaluated from them. Only for small probes: tests hold OptimalSearch and the
// FormulaEvaluator's counts against it.

/// Exhaustive enumeration, per pixel.
public enum ExhaustiveSearch {
    /// Dense masks over the whole probe: per label, and the unit's.
    public struct Dense {
        /// Per label slot, one Bool per probe pixel (images concatenated), empty for labels absent.
        public var labels: [[Bool]]
        /// The probe's labels (for their slots).
        public let probe: ProbeLabels
        public var unit: [Bool]
        public var pixels: Int

        /// Expands `labels` and `unit`.
        public init(labels probe: ProbeLabels, unit u: UnitPixels) {
            var offsets = [0]
            for i in 0..<probe.imageCount { offsets.append(offsets[i] + probe.pixelCount(i)) }
            pixels = offsets.last!
            self.probe = probe
            labels = [[Bool]](repeating: [], count: probe.labelCount)
            unit = [Bool](repeating: false, count: pixels)
            let words = (0..<probe.imageCount).map { Bitset.wordCount(pixels: probe.pixelCount($0)) }.max() ?? 1
            var bits = [UInt64](repeating: 0, count: words)
            func expand(_ i: Int, _ fillBits: (UnsafeMutablePointer<UInt64>) -> Void, into target: inout [Bool]) {
                bits.withUnsafeMutableBufferPointer { b in
                    b.update(repeating: 0)
                    fillBits(b.baseAddress!)
                    for p in 0..<probe.pixelCount(i) where Bitset.test(UnsafePointer(b.baseAddress!), p) {
                        target[offsets[i] + p] = true
                    }
                }
            }
            for i in 0..<probe.imageCount {
                for e in probe.entries(i) {
                    let id = probe.entrySlot(e)
                    if labels[id].isEmpty { labels[id] = [Bool](repeating: false, count: pixels) }
                    expand(i, { probe.decode(entry: e, into: $0) }, into: &labels[id])
                }
                for id in probe.imageLabelSlotsOf(i) {
                    if labels[Int(id)].isEmpty { labels[Int(id)] = [Bool](repeating: false, count: pixels) }
                    for p in 0..<probe.pixelCount(i) { labels[Int(id)][offsets[i] + p] = true }
                }
            }
            for (k, i) in u.images.enumerated() {
                expand(Int(i), { u.decode(k, into: $0) }, into: &unit)
            }
        }

        /// The formula's mask, per pixel.
        public func mask(_ f: Formula) -> [Bool] {
            func label(_ id: Int32) -> [Bool] {
                let s = probe.slot(id)
                return s < 0 || labels[s].isEmpty ? [Bool](repeating: false, count: pixels) : labels[s]
            }
            var out = label(f.first)
            for step in f.steps {
                let l = label(step.label)
                for p in 0..<pixels {
                    switch step.op {
                    case .or: out[p] = out[p] || l[p]
                    case .and: out[p] = out[p] && l[p]
                    case .andNot: out[p] = out[p] && !l[p]
                    }
                }
            }
            return out
        }

        /// The formula's counts against the unit.
        public func score(_ f: Formula) -> FormulaScore {
            let mk = mask(f)
            var inter = 0, size = 0, m = 0
            for p in 0..<pixels {
                if mk[p] { size += 1 }
                if unit[p] { m += 1 }
                if mk[p] && unit[p] { inter += 1 }
            }
            return FormulaScore(formula: f, intersection: inter, pixels: size, unitPixels: m)
        }
    }

    /// The best formula of length at most 1, 2, ... `maxLength` (index k - 1) in the total order
    /// of `FormulaScore.beats`; nil when the unit's mask is empty or no candidate meets it.
    public static func search(_ dense: Dense, candidates: [Int32], maxLength: Int) -> [FormulaScore?] {
        let m = dense.unit.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard m > 0, candidates.contains(where: { dense.score(Formula($0)).intersection > 0 }) else {
            return [FormulaScore?](repeating: nil, count: maxLength)
        }
        var bestByLength = [FormulaScore?](repeating: nil, count: maxLength)
        func visit(_ f: Formula) {
            let s = dense.score(f)
            let k = f.length - 1
            if bestByLength[k].map({ s.beats($0) }) ?? true { bestByLength[k] = s }
            guard f.length < maxLength else { return }
            for l in candidates { for op in FormulaOp.allCases { visit(f.appending(op, l)) } }
        }
        for l in candidates { visit(Formula(l)) }
        var results: [FormulaScore?] = []
        var running: FormulaScore?
        for s in bestByLength {
            if let s, running.map({ s.beats($0) }) ?? true { running = s }
            results.append(running)
        }
        return results
    }
}

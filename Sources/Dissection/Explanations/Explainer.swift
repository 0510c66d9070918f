// Explaining units: the candidate labels, the search per unit, one result per formula length.
import Foundation

/// Which search finds a unit's formula.
public enum ExplainSearch: String, Sendable, CaseIterable {
    /// Best-first with an admissible bound: a formula of maximal IoU.
    case optimal
    /// Mu and Andreas's beam search.
    case beam
}

/// What `explain` computes.
public struct ExplainSettings: Sendable, Equatable {
    /// Longest formula, in labels (`--length`).
    public var maxLength: Int
    public var search: ExplainSearch
    /// Beam width (`--beam`; beam search only).
    public var beam: Int
    /// Labels with fewer pixels over the probe are not candidates (`--min-pixels`).
    public var minPixels: Int

    /// The papers' settings: length 3, beam 10, every label the probe holds.
    public init(maxLength: Int = 3, search: ExplainSearch = .optimal, beam: Int = 10, minPixels: Int = 1) {
        self.maxLength = maxLength
        self.search = search
        self.beam = beam
        self.minPixels = minPixels
    }
}

/// One unit's best formula of length at most `length`.
public struct UnitExplanation: Sendable, Equatable {
    public var layer: String
    public var unit: Int
    /// The bound on the formula's length this is the best for (1...maxLength).
    public var length: Int
    public var search: ExplainSearch
    /// nil when no candidate label meets the unit's mask (or the mask is empty).
    public var score: FormulaScore?
    /// `|M|` (also when there is no formula).
    public var unitPixels: Int

    public init(layer: String, unit: Int, length: Int, search: ExplainSearch, score: FormulaScore?, unitPixels: Int) {
        self.layer = layer
        self.unit = unit
        self.length = length
        self.search = search
        self.score = score
        self.unitPixels = unitPixels
    }
}

/// Runs the chosen search for units.
public enum Explainer {
    /// Label ids with at least `minPixels` pixels (and at least one) over the probe, ascending.
    public static func candidates(_ labels: ProbeLabels, minPixels: Int) -> [Int32] {
        labels.labelPixels.indices.filter { labels.labelPixels[$0] >= max(1, minPixels) }.map { labels.labelIDs[$0] }
    }

    /// The best formula of each length bound 1...maxLength for `unit`.
    public static func explain(unit: UnitPixels, evaluator: FormulaEvaluator, candidates: [Int32],
                               settings: ExplainSettings) -> [FormulaScore?] {
        let hits = evaluator.labelHits(unit: unit)
        switch settings.search {
        case .beam:
            return BeamSearch.search(unit: unit, evaluator: evaluator, candidates: candidates, hits: hits,
                                     maxLength: settings.maxLength, beam: settings.beam)
        case .optimal:
            // Each bound is its own search; a longer one starts knowing the shorter one's answer
            // would only save work, never change it.
            return (1...settings.maxLength).map {
                OptimalSearch.search(unit: unit, evaluator: evaluator, candidates: candidates, hits: hits, maxLength: $0)
            }
        }
    }

    /// `explain` for `units` (indices into `inputs.units[layer]`) on `workers` threads, in order.
    /// `cache` keeps probe sweeps between calls (they do not depend on the unit).
    public static func explain(_ inputs: ExplanationInputs, layer: Int, units: [Int], candidates: [Int32],
                               settings: ExplainSettings, workers: Int, cache: SweepCache? = nil) -> [[FormulaScore?]] {
        let evaluators = ThreadEvaluators(labels: inputs.labels, cache: cache, count: max(1, workers))
        return parallelMap(units.count, workers: max(1, workers)) { k in
            evaluators.with { explain(unit: inputs.units[layer][units[k]], evaluator: $0, candidates: candidates, settings: settings) }
        }
    }
}

/// A pool of evaluators, one taken per task (parallelMap runs at most `count` tasks at once).
final class ThreadEvaluators: @unchecked Sendable {
    private let labels: ProbeLabels
    private let cache: SweepCache?
    private var free: [FormulaEvaluator]
    private let lock = NSLock()

    init(labels: ProbeLabels, cache: SweepCache?, count: Int) {
        self.labels = labels
        self.cache = cache
        free = (0..<count).map { _ in FormulaEvaluator(labels: labels, cache: cache, readers: count) }
        readers = count
    }

    private let readers: Int

    func with<T>(_ body: (FormulaEvaluator) -> T) -> T {
        let e = lock.withLock { free.popLast() } ?? FormulaEvaluator(labels: labels, cache: cache, readers: readers)
        defer { lock.withLock { free.append(e) } }
        return body(e)
    }
}

// Which units an ablation removes: a list the user gives, the best detectors of a concept in a
// dissection run, or the units whose single removal hurts a class most (PNAS 2020: rank units by
// their single-unit effect on the class's balanced accuracy, then remove the top N, or keep only
// them and remove the rest).
import Dissection
import Foundation

/// One unit's single-unit ablation effect on a class.
public struct UnitEffect: Sendable, Equatable {
    /// Unit, 0-based.
    public var unit: Int
    /// The class's balanced accuracy with only this unit removed.
    public var balancedAccuracy: Double
    /// Change from the unablated model (negative: the unit helps the class).
    public var change: Double
}

/// A unit chosen for its IoU with a concept in a dissection run.
public struct ConceptUnit: Sendable, Equatable {
    /// Unit, 0-based.
    public var unit: Int
    /// Its IoU with the concept.
    public var iou: Double
    /// Its own best label in the run.
    public var bestLabel: String
}

/// Ways of choosing units.
public enum UnitSelection {
    /// Parses `--units`: comma-separated 1-based unit numbers (as in tally.csv) and ranges `a-b`.
    /// - Returns: 0-based units, ascending.
    public static func parse(_ text: String, units: Int) throws(AblationError) -> [Int] {
        var chosen = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let token = part.trimmingCharacters(in: .whitespaces)
            let bounds = token.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { Int($0) }
            guard !token.isEmpty, bounds.allSatisfy({ $0 != nil }), let a = bounds.first!, let b = bounds.last!, a <= b else {
                throw AblationError("ablate: --units: '\(token)' is not a unit number or a range a-b; units are numbered 1 to \(units) as in tally.csv")
            }
            guard a >= 1, b <= units else {
                throw AblationError("ablate: --units: \(token) is outside 1...\(units), the layer's units (numbered as in tally.csv)")
            }
            for u in a...b { chosen.insert(u - 1) }
        }
        return chosen.sorted()
    }

    /// The `count` units of `layer` in the dissection `run` with the highest IoU for the concept
    /// named `label` (ties to the lower unit), with their IoU.
    /// - Throws: `AblationError` when the run, the layer or the label is missing, or the layer unfinished.
    public static func bestDetectors(of label: String, count: Int, run: String, layer: String) throws(AblationError) -> [ConceptUnit] {
        do {
            let reader = try RunReader.open(run)
            let layers = try reader.layers()
            guard layers.contains(where: { $0.name == layer }) else {
                throw AblationError("\(reader.databasePath): no layer '\(layer)' in this run (it has \(layers.map(\.name).joined(separator: ", "))); dissect the layer you ablate")
            }
            let labels = try reader.labels()
            guard let concept = labels.first(where: { $0.name == label }) ?? labels.first(where: { $0.name.lowercased() == label.lowercased() }) else {
                throw AblationError("\(reader.databasePath): the probe has no concept '\(label)'; give a label name as in tally.csv")
            }
            guard let matrix = try reader.iouMatrix(layer: layer) else {
                throw AblationError("\(reader.databasePath): layer '\(layer)' has no final tally yet; let the dissection finish")
            }
            guard let column = matrix.labelIDs.firstIndex(of: concept.id) else {
                throw AblationError("\(reader.databasePath): the tally of '\(layer)' does not cover concept '\(label)'")
            }
            let n = matrix.labelIDs.count
            let results = try reader.units(layer: layer)
            let best = Dictionary(results.map { ($0.unit, $0.labelName) }, uniquingKeysWith: { a, _ in a })
            let ranked = (0..<matrix.units).map { u in ConceptUnit(unit: u, iou: matrix.values[u * n + column], bestLabel: best[u] ?? "") }
                .sorted { $0.iou != $1.iou ? $0.iou > $1.iou : $0.unit < $1.unit }
            return Array(ranked.prefix(count))
        } catch let error as AblationError {
            throw error
        } catch let error as RunError {
            throw AblationError(error.description)
        } catch {
            throw AblationError("\(run): \(error)")
        }
    }

    /// Every unit's single-unit effect on class `label`, most harmful removal first (ties to the
    /// lower unit). `progress(done, total)` is called after each unit.
    /// - Complexity: one evaluation of the image set per unit.
    public static func rank(_ evaluator: AblationEvaluator, label: Int, baseline: ClassAccuracy,
                            progress: (Int, Int) -> Void = { _, _ in }) throws(AblationError) -> [UnitEffect] {
        guard let base = baseline.score(label) else {
            throw AblationError("ablate: no image of the class to rank units for; add labelled images of it")
        }
        var effects: [UnitEffect] = []
        for u in 0..<evaluator.units {
            let ba = try evaluator.accuracy(ablating: [u]).score(label)?.balancedAccuracy ?? 0
            effects.append(UnitEffect(unit: u, balancedAccuracy: ba, change: ba - base.balancedAccuracy))
            progress(u + 1, evaluator.units)
        }
        return effects.sorted { $0.balancedAccuracy != $1.balancedAccuracy ? $0.balancedAccuracy < $1.balancedAccuracy : $0.unit < $1.unit }
    }
}

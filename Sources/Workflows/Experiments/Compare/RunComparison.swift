// `netdissect compare`: several runs read side by side. For each compared layer, the detector
// counts of every run per category, and, when the layer has the same number of units in every run
// (one architecture: checkpoints, fine-tuning, training conditions), each unit followed across
// them. Runs of different models on the same probe compare by counts only.
import Dissection
import Foundation
import Render

/// Why runs cannot be compared: one line `<file>: <cause>; <hint>`.
public struct CompareError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One run taking part in a comparison.
public struct ComparedRun: Sendable, Equatable {
    /// Short name for column headings (the directory's name, or its path when names repeat).
    public var name: String
    public var directory: String
    /// The run's settings.
    public var configuration: RunConfiguration
    /// Its progress when read.
    public var progress: RunProgress
}

/// One layer compared across the runs.
public struct LayerComparison: Sendable, Equatable {
    /// The layer's name in each run.
    public var layers: [String]
    /// Category names: the first run's order, then any the others add.
    public var categories: [String]
    /// Detector counts in each run.
    public var counts: [DetectorCounts]
    /// Every unit followed across the runs; empty when the unit counts differ.
    public var units: [UnitTrack]

    /// Whether the layer has the same number of units in every run (units can be followed).
    public var sameUnits: Bool { Set(counts.map(\.units)).count == 1 }

    /// How many units had each fate (only fates that occur, in `UnitChange.allCases` order).
    public var changeTally: [(UnitChange, Int)] {
        UnitChange.allCases.compactMap { c in
            let n = units.filter { $0.change == c }.count
            return n > 0 ? (c, n) : nil
        }
    }

    public static func == (a: LayerComparison, b: LayerComparison) -> Bool {
        a.layers == b.layers && a.categories == b.categories && a.counts == b.counts && a.units == b.units
    }
}

/// Runs read side by side.
public struct RunComparison: Sendable, Equatable {
    /// The runs, in the order given.
    public var runs: [ComparedRun]
    public var layers: [LayerComparison]

    /// What makes the runs' counts not directly comparable, one line each: a different probe
    /// dataset, or a different number of images (a `--limit`, a subset). Empty when nothing.
    public var caveats: [String] {
        var lines: [String] = []
        if Set(runs.map(\.configuration.dataset)).count > 1 {
            let each = runs.map { "\($0.name): \($0.configuration.dataset)" }.joined(separator: ", ")
            lines.append("the runs used different probe datasets (\(TerminalText.sanitize(each))); detector counts depend on the probe, compare them with care")
        }
        if Set(runs.map(\.progress.imagesTotal)).count > 1 {
            let each = runs.map { "\($0.name): \($0.progress.imagesTotal)" }.joined(separator: ", ")
            lines.append("the runs used different numbers of images (\(TerminalText.sanitize(each))); IoUs over fewer images are noisier")
        }
        return lines
    }

    /// Reads `paths` (two or more run directories) and compares `layerNames`: empty = every layer
    /// name all runs share (or each run's only layer when they share none); one name = that layer
    /// in every run; one name per run = those layers.
    /// - Throws: `CompareError` naming the run and the layer at fault.
    public static func load(_ paths: [String], layers layerNames: [String] = []) throws(CompareError) -> RunComparison {
        guard paths.count >= 2 else { throw CompareError("compare: give at least two run directories") }
        var readers: [RunReader] = [], runs: [ComparedRun] = []
        var runLayers: [[RunLayer]] = []
        for path in paths {
            do {
                let reader = try RunReader.open(path)
                readers.append(reader)
                runs.append(ComparedRun(name: "", directory: reader.directory, configuration: try reader.configuration(),
                                        progress: try reader.progress()))
                runLayers.append(try reader.layers())
            } catch let error as RunError {
                throw CompareError(error.description)
            } catch {
                throw CompareError("\(path): \(error); is this a run directory written by netdissect dissect?")
            }
        }
        let names = runs.map { ($0.directory as NSString).lastPathComponent }
        for k in runs.indices { runs[k].name = Set(names).count == names.count ? names[k] : paths[k] }

        let selection = try select(layerNames, runs: runs, runLayers: runLayers)
        var comparisons: [LayerComparison] = []
        for chosen in selection {
            do {
                comparisons.append(try compare(chosen, readers: readers, runLayers: runLayers))
            } catch let error as RunError {
                throw CompareError(error.description)
            } catch {
                throw CompareError("compare: \(error)")
            }
        }
        return RunComparison(runs: runs, layers: comparisons)
    }

    /// The layer names to compare in each run (one array per compared layer, one name per run).
    static func select(_ requested: [String], runs: [ComparedRun], runLayers: [[RunLayer]]) throws(CompareError) -> [[String]] {
        func check(_ name: String, in k: Int) throws(CompareError) {
            guard runLayers[k].contains(where: { $0.name == name }) else {
                let known = runLayers[k].map(\.name).joined(separator: ", ")
                throw CompareError("\(runs[k].directory): no layer '\(name)' in this run; its layers are: \(known.isEmpty ? "(none)" : known)")
            }
        }
        switch requested.count {
        case 0:
            let shared = runLayers[0].map(\.name).filter { name in runLayers.allSatisfy { $0.contains { $0.name == name } } }
            if !shared.isEmpty { return shared.map { [String](repeating: $0, count: runs.count) } }
            if runLayers.allSatisfy({ $0.count == 1 }) { return [runLayers.map { $0[0].name }] }
            throw CompareError("compare: the runs share no layer name; name the layer of each run with --layer (once per run, in order)")
        case 1:
            for k in runs.indices { try check(requested[0], in: k) }
            return [[String](repeating: requested[0], count: runs.count)]
        case runs.count:
            for k in runs.indices { try check(requested[k], in: k) }
            return [requested]
        default:
            throw CompareError("compare: give --layer once (the same layer in every run) or once per run (\(runs.count) times), not \(requested.count) times")
        }
    }

    /// Reads one layer of every run.
    static func compare(_ layers: [String], readers: [RunReader], runLayers: [[RunLayer]]) throws -> LayerComparison {
        var categories: [String] = []
        var results: [[UnitResult]] = [], unitCounts: [Int] = []
        for (k, reader) in readers.enumerated() {
            for c in try reader.categories().map(\.name) where !categories.contains(c) { categories.append(c) }
            results.append(try reader.units(layer: layers[k]))
            unitCounts.append(runLayers[k].first { $0.name == layers[k] }!.units)
        }
        let counts = zip(results, unitCounts).map { DetectorCounts.of($0, units: $1, categories: categories) }
        var tracks: [UnitTrack] = []
        if Set(unitCounts).count == 1 {
            let byUnit = results.map { list in Dictionary(list.map { ($0.unit, $0) }, uniquingKeysWith: { a, _ in a }) }
            tracks = (0..<unitCounts[0]).map { u in UnitTrack(unit: u, results: byUnit.map { $0[u] }) }
        }
        return LayerComparison(layers: layers, categories: categories, counts: counts, units: tracks)
    }
}

// View models of the experiment overlays, derived from the state: the selected unit followed
// across the compared runs, and the rotation run's detector counts against α. Pure functions of
// `AppState`; the presenters draw them.

import Dissection
import Foundation
import Workflows

/// The selected unit of the selected layer in the shown run and in every compared run.
public struct CompareView: Sendable, Equatable {
    /// One run's view of the unit.
    public struct Entry: Sendable, Equatable {
        /// The run's short name.
        public var run: String
        /// The unit's result there, or nil (layer missing, unit out of range, not scored yet).
        public var row: UnitRow?
        /// Whether it is a detector there (its run's threshold).
        public var isDetector: Bool
        /// Why there is no result, when there is none.
        public var missing: String?
        /// Detector units and unique concepts of the layer in that run.
        public var detectors: Int, unique: Int
    }

    public var layer: String
    /// The unit, 1-based.
    public var unit: Int
    /// The shown run first, then the compared runs in order.
    public var entries: [Entry]
    /// What happened to the unit from the first run to the last.
    public var change: UnitChange

    /// The view for `state`, or nil without compared runs or a selected unit.
    public static func of(_ state: AppState) -> CompareView? {
        guard !state.experiments.others.isEmpty, let run = state.run, let key = state.selectedUnit else { return nil }
        let main = ComparedRunData(name: ((run.info.directory as NSString).standardizingPath as NSString).lastPathComponent, snapshot: run)
        let entries = ([main] + state.experiments.others).map { entry($0, layer: key.layer, unit: key.unit) }
        let change = UnitChange.of(labels: entries.map { e in e.row.map { (label: $0.category + "/" + $0.label, isDetector: e.isDetector) } })
        return CompareView(layer: key.layer, unit: key.unit, entries: entries, change: change)
    }

    static func entry(_ data: ComparedRunData, layer name: String, unit: Int) -> Entry {
        let threshold = data.snapshot.info.detectorThreshold
        guard let layer = data.snapshot.layers.first(where: { $0.name == name }) else {
            return Entry(run: data.name, row: nil, isDetector: false, missing: "no layer \(name)", detectors: 0, unique: 0)
        }
        let detectors = layer.units.filter { $0.iou >= threshold }
        let unique = Set(detectors.map { $0.category + "/" + $0.label }).count
        guard unit <= layer.unitCount else {
            return Entry(run: data.name, row: nil, isDetector: false, missing: "the layer has \(layer.unitCount) units",
                         detectors: detectors.count, unique: unique)
        }
        let row = layer.units.first { $0.unit == unit }
        return Entry(run: data.name, row: row, isDetector: (row?.iou ?? 0) >= threshold,
                     missing: row == nil ? "not scored yet" : nil, detectors: detectors.count, unique: unique)
    }
}

/// The rotation run's counts against α, as the engine's `RotationResult`.
public enum RotationView {
    /// The result for `state`, or nil when the shown run is not a rotation run.
    public static func of(_ state: AppState) -> RotationResult? {
        guard let manifest = state.experiments.rotation, let run = state.run else { return nil }
        let threshold = run.info.detectorThreshold
        let points = zip(manifest.alphas, manifest.layers).map { alpha, name -> RotationPoint in
            let layer = run.layers.first { $0.name == name }
            let rows = (layer?.units ?? []).map {
                (label: $0.label, category: $0.category, isDetector: $0.iou >= threshold, isFinal: !(layer?.provisional ?? true))
            }
            let counts = DetectorCounts.of(rows, units: layer?.unitCount ?? manifest.units, categories: run.info.categories)
            return RotationPoint(alpha: alpha, layer: name, counts: counts)
        }
        return RotationResult(manifest: manifest, categories: run.info.categories, points: points, iouThreshold: threshold)
    }
}

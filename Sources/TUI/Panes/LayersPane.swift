// The layers pane's view model: one row per layer with its counts.
import Workflows

/// One row of the layers pane.
public struct LayerSummary: Hashable, Sendable {
    /// The layer's name.
    public var name: String
    /// Units in the layer.
    public var units: Int
    /// Units scored so far (less than `units` before the first checkpoint covers them all).
    public var scored: Int
    /// Units whose best IoU reaches the detector threshold.
    public var detectors: Int
    /// Distinct labels among the detectors.
    public var uniqueConcepts: Int
    /// Whether the numbers are provisional.
    public var provisional: Bool

    /// The summary of `layer` at `threshold`.
    public init(_ layer: LayerResult, threshold: Double) {
        name = layer.name
        units = layer.unitCount
        scored = layer.units.count
        let detectorRows = layer.units.filter { $0.iou >= threshold }
        detectors = detectorRows.count
        uniqueConcepts = Set(detectorRows.map(\.label)).count
        provisional = layer.provisional
    }
}

/// The layers pane: rows and cursor.
public struct LayersPane: Hashable, Sendable {
    /// One row per layer, in run order.
    public var rows: [LayerSummary] = []
    /// Selection and scroll.
    public var cursor = ListCursor()

    public init() {}

    /// The selected layer's name.
    public var selectedName: String? {
        rows.indices.contains(cursor.selected) ? rows[cursor.selected].name : nil
    }
}

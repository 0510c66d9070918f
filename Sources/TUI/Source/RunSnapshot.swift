// What the explorer knows about a run at one moment: plain values, independent of where they
// came from (a run directory being written by another process, or a run this process drives).
// Adapters turn the engine's records into these; everything else in the explorer reads only
// these types.

import Foundation

/// A run as seen at one moment: its configuration, progress and per-layer results.
public struct RunSnapshot: Sendable, Hashable {
    /// How the run was set up.
    public var info: RunInfo
    /// Where it is.
    public var progress: ProgressInfo
    /// One entry per dissected layer, in the order the run lists them.
    public var layers: [LayerResult]

    /// A snapshot from its parts.
    public init(info: RunInfo, progress: ProgressInfo, layers: [LayerResult]) {
        self.info = info; self.progress = progress; self.layers = layers
    }
}

/// What was dissected, on what data, with which settings.
public struct RunInfo: Sendable, Hashable {
    /// The run directory.
    public var directory: String
    /// The model file (as given when the run started), or the activations file.
    public var model: String
    /// Whether `model` is a file of precomputed activations rather than a model.
    public var fromActivations = false
    /// The probe dataset's directory.
    public var dataset: String
    /// Images in the probe dataset that the run uses.
    public var imageCount: Int
    /// Concept categories in the dataset's order (`object`, `part`, ...).
    public var categories: [String]
    /// Number of labels (concepts) in the dataset.
    public var labelCount: Int
    /// The top quantile `q` each unit is thresholded at (0.005 = the top 0.5 %).
    public var quantile: Double
    /// A unit is a detector when its best IoU is at least this.
    public var detectorThreshold: Double
    /// Top images kept per unit.
    public var topK: Int

    /// Run information from its parts.
    public init(directory: String, model: String, dataset: String, imageCount: Int,
                categories: [String], labelCount: Int, quantile: Double = 0.005,
                detectorThreshold: Double = 0.04, topK: Int = 10) {
        self.directory = directory; self.model = model; self.dataset = dataset
        self.imageCount = imageCount; self.categories = categories; self.labelCount = labelCount
        self.quantile = quantile; self.detectorThreshold = detectorThreshold; self.topK = topK
    }
}

/// Where a run is.
public struct ProgressInfo: Sendable, Hashable {
    /// The run's state.
    public enum Phase: Sendable, Hashable {
        /// Being computed.
        case running
        /// Paused by the process that drives it.
        case paused
        /// Done: results are final.
        case finished
        /// Stopped before the end by request; results so far are provisional.
        case cancelled
        /// Stopped by an error (one line).
        case failed(String)
        /// No process has reported progress for a while (another process that died, say).
        case stalled
    }

    /// The state.
    public var phase: Phase
    /// The current pass, 1-based (1 = quantiles, 2 = tally, for example).
    public var pass: Int
    /// Passes in all.
    public var passCount: Int
    /// What the current pass does (`quantiles`, `tally`).
    public var passName: String
    /// Images done in this pass.
    public var done: Int
    /// Images in this pass.
    public var total: Int
    /// Images per second, when known.
    public var rate: Double?
    /// Seconds left for the whole run, when known.
    public var eta: Double?
    /// Images skipped so far (unreadable, malformed), with reasons in the run.
    public var skipped: Int

    /// Progress from its parts.
    public init(phase: Phase, pass: Int = 1, passCount: Int = 1, passName: String = "",
                done: Int = 0, total: Int = 0, rate: Double? = nil, eta: Double? = nil, skipped: Int = 0) {
        self.phase = phase; self.pass = pass; self.passCount = passCount; self.passName = passName
        self.done = done; self.total = total; self.rate = rate; self.eta = eta; self.skipped = skipped
    }

    /// Whether results can still change (and the run directory is worth polling).
    public var isLive: Bool {
        switch phase {
        case .running, .paused, .stalled: true
        case .finished, .cancelled, .failed: false
        }
    }

    /// Fraction of the whole run done, counting every pass equally (0...1).
    public var fraction: Double {
        guard passCount > 0 else { return 0 }
        if phase == .finished { return 1 }
        let inPass = total > 0 ? min(Double(done) / Double(total), 1) : 0
        return min(max((Double(max(pass, 1) - 1) + inPass) / Double(passCount), 0), 1)
    }
}

/// The results of one layer.
public struct LayerResult: Sendable, Hashable {
    /// The layer's name (its ONNX value or module path).
    public var name: String
    /// Units (channels) in the layer.
    public var unitCount: Int
    /// One row per unit scored so far (empty before the first checkpoint).
    public var units: [UnitRow]
    /// Whether the scores are provisional (the run has not finished this layer).
    public var provisional: Bool

    /// A layer from its parts.
    public init(name: String, unitCount: Int, units: [UnitRow], provisional: Bool) {
        self.name = name; self.unitCount = unitCount; self.units = units; self.provisional = provisional
    }
}

/// One unit's best label overall and in each category.
public struct UnitRow: Sendable, Hashable, Identifiable {
    /// The unit number, 1-based as in `tally.csv`.
    public var unit: Int
    /// The best label overall.
    public var label: String
    /// That label's (primary) category.
    public var category: String
    /// Its IoU.
    public var iou: Double
    /// The best label of every category, in the dataset's category order.
    public var perCategory: [CategoryBest]

    /// `unit`, for `Identifiable`.
    public var id: Int { unit }

    /// A unit result from its parts.
    public init(unit: Int, label: String, category: String, iou: Double, perCategory: [CategoryBest] = []) {
        self.unit = unit; self.label = label; self.category = category; self.iou = iou
        self.perCategory = perCategory
    }
}

/// The best label of a unit within one category.
public struct CategoryBest: Sendable, Hashable {
    /// The category.
    public var category: String
    /// Its best label for the unit (empty when the category has none).
    public var label: String
    /// The IoU.
    public var iou: Double

    /// A score from its parts.
    public init(category: String, label: String, iou: Double) {
        self.category = category; self.label = label; self.iou = iou
    }
}

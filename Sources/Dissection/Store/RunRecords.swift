// The values RunReader hands out: what a viewer of a run (render, explorer, export) needs.

/// Where a run stands.
public enum RunStatus: String, Sendable, Codable {
    /// A writer is (or was, until it was killed) working on it.
    case running
    /// Paused in-process by its driver.
    case paused
    /// Done: every layer has final results.
    case finished
    /// Stopped by an error (see `RunProgress.message`).
    case failed
    /// Cancelled by its driver; the same command continues it.
    case cancelled
}

/// A run's progress as last checkpointed.
public struct RunProgress: Sendable, Equatable, Codable {
    /// Status.
    public var status: RunStatus
    /// Current pass, 1-based.
    public var pass: Int
    /// `thresholds` (pass 1: quantiles and top images) or `tally` (pass 2).
    public var passName: String
    /// Number of passes, 2.
    public var passes: Int
    /// Images done in the current pass.
    public var imagesDone: Int
    /// Images in a pass.
    public var imagesTotal: Int
    /// Images left out so far (unreadable image or segmentation).
    public var imagesSkipped: Int
    /// Images per second in the current pass, nil before the first checkpoint.
    public var rate: Double?
    /// Seconds until the whole run ends, estimated, nil when unknown.
    public var etaSeconds: Double?
    /// ISO 8601 times.
    public var startedAt: String, updatedAt: String
    /// When the run finished.
    public var finishedAt: String?
    /// The error that stopped a failed run.
    public var message: String?

    /// Whether the run is finished.
    public var isFinished: Bool { status == .finished }

    /// Fraction of the whole run done, 0...1.
    public var fraction: Double {
        guard passes > 0, imagesTotal > 0 else { return status == .finished ? 1 : 0 }
        if status == .finished { return 1 }
        return (Double(pass - 1) + Double(imagesDone) / Double(imagesTotal)) / Double(passes)
    }
}

/// A dissected layer.
public struct RunLayer: Sendable, Equatable, Codable {
    /// Layer name as given on the command line.
    public var name: String
    /// Units `C`, and the activation map size `H x W`.
    public var units: Int, height: Int, width: Int
    /// Whether its final results are in.
    public var finished: Bool
    /// Unique detectors (final), nil until finished.
    public var uniqueDetectors: Int?
}

/// A unit's best label in one category.
public struct CategoryResult: Sendable, Equatable, Codable {
    /// Category id and name.
    public var category: Int, categoryName: String
    /// Best label id (0 when none) and name.
    public var label: Int, labelName: String
    /// IoU, and the sums behind it: `G_l`, `U_uc`, `I_ul`.
    public var iou: Double, truth: Int, activation: Int, intersect: Int
}

/// A unit's result, provisional (from a partial tally) or final.
public struct UnitResult: Sendable, Equatable, Codable {
    /// Layer name and 0-based unit.
    public var layer: String, unit: Int
    /// `T_u`, once pass 1 is done.
    public var threshold: Float?
    /// Best label overall (id 0, name "" before any tally), its category and IoU.
    public var label: Int, labelName: String, category: Int, categoryName: String, iou: Double
    /// Whether IoU >= the detector threshold.
    public var isDetector: Bool
    /// Whether computed from the whole dataset.
    public var isFinal: Bool
    /// Best label per category, in category order (empty before any tally).
    public var perCategory: [CategoryResult]
}

/// One of a unit's top images, with the unit's raw activation map on it.
public struct TopImage: Sendable, Equatable, Codable {
    /// Layer, unit and rank (0 = highest maximum).
    public var layer: String, unit: Int, rank: Int
    /// Image index (index.csv row, 0-based) and its path relative to the dataset's `images/`.
    public var image: Int, path: String
    /// `max A_u(i)`.
    public var maximum: Float
    /// The raw map `A_u(i)`: `mapHeight * mapWidth` values, row-major.
    public var mapHeight: Int, mapWidth: Int, map: [Float]
    /// The unit's threshold `T_u` (nil while pass 1 runs): the mask is `upsample(map) > threshold`.
    public var threshold: Float?
}

/// An input left out of every sum.
public struct SkippedInput: Sendable, Equatable, Codable {
    /// Image index (index.csv row, 0-based) and path.
    public var image: Int, path: String
    /// Why (unreadable file, bad PNG, ...).
    public var reason: String
    /// The pass that found it.
    public var pass: Int
}

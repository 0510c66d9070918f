// One unit followed across runs of one architecture (checkpoints of a training, a model before
// and after fine-tuning): its label and IoU in each run, and what happened to it. Labels are
// compared by name, so runs over different copies of a probe still line up.
import Dissection

/// What happened to a unit between the first and the last run it is followed through.
public enum UnitChange: String, Sendable, Equatable, CaseIterable, Codable {
    /// A detector in every run, always of the same concept.
    case kept
    /// A detector in every run, of another concept in some run ("a dog detector becomes a
    /// waterfall detector").
    case relabelled
    /// Not a detector in the first run, a detector in the last.
    case emerged
    /// A detector in the first run, not in the last.
    case vanished
    /// A detector only in runs between the first and the last.
    case transient
    /// A detector in no run.
    case none

    /// Classifies a unit from its result in each run (nil where a run has no result for it).
    public static func of(_ results: [UnitResult?]) -> UnitChange {
        of(labels: results.map { r in r.map { (label: $0.categoryName + "/" + $0.labelName, isDetector: $0.isDetector) } })
    }

    /// Classifies a unit from its best label and detector status in each run (nil: no result).
    public static func of(labels: [(label: String, isDetector: Bool)?]) -> UnitChange {
        let detector = labels.map { $0?.isDetector ?? false }
        guard let first = detector.first, let last = detector.last else { return .none }
        switch (first, last) {
        case (true, true):
            guard detector.allSatisfy({ $0 }) else { return .relabelled }
            return Set(labels.compactMap { $0?.label }).count == 1 ? .kept : .relabelled
        case (false, true): return .emerged
        case (true, false): return .vanished
        case (false, false): return detector.contains(true) ? .transient : .none
        }
    }

    /// A phrase for tables: `kept`, `relabelled`, ...
    public var phrase: String {
        switch self {
        case .kept: "kept"
        case .relabelled: "relabelled"
        case .emerged: "emerged"
        case .vanished: "vanished"
        case .transient: "transient"
        case .none: "never a detector"
        }
    }
}

/// One unit's results across the compared runs.
public struct UnitTrack: Sendable, Equatable {
    /// Unit index, 0-based (tables print it 1-based, as tally.csv does).
    public var unit: Int
    /// Its result in each run, in the order of the runs (nil: no result yet).
    public var results: [UnitResult?]
    /// What happened to it.
    public var change: UnitChange

    /// Tracks `unit` through `results`.
    public init(unit: Int, results: [UnitResult?]) {
        self.unit = unit
        self.results = results
        self.change = UnitChange.of(results)
    }

    /// Whether the unit is a detector in some run.
    public var isDetectorSomewhere: Bool { results.contains { $0?.isDetector == true } }

    /// IoU in the last run minus IoU in the first (nil when either is missing).
    public var iouChange: Double? {
        guard let a = results.first??.iou, let b = results.last??.iou else { return nil }
        return b - a
    }
}

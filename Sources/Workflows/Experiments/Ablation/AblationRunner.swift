// What `netdissect ablate` does once its arguments are parsed: read the labelled images, choose
// the units, measure per-class accuracy with and without them, and hand back a report.
import Dissection
import Foundation
import Runtime

/// The ablate command's arguments, as typed.
public struct AblateRequest: Sendable {
    /// How the units are chosen.
    public enum Selection: Sendable, Equatable {
        /// `--units`: 1-based numbers and ranges, as typed.
        case units(String)
        /// `--top-units-for LABEL N --run RUN`: the N best detectors of a concept in a dissection.
        case bestDetectors(label: String, count: Int, run: String)
        /// `--rank-for CLASS --top N`: the N units whose single removal hurts the class most.
        case rank(className: String, count: Int)
    }

    public var model: String, layer: String, images: String, labels: String, classNames: String?
    public var selection: Selection
    /// Remove every unit except the chosen ones.
    public var keep: Bool
    public var inputSize: Int?, mean: [Float], std: [Float], bgr: Bool, preprocessing: ClassifierPreprocessing
    public var batch: Int, threads: Int

    public init(model: String, layer: String, images: String, labels: String, classNames: String? = nil,
                selection: Selection, keep: Bool = false, inputSize: Int? = nil,
                mean: [Float] = RunConfiguration.imagenetMean, std: [Float] = RunConfiguration.imagenetStd, bgr: Bool = false,
                preprocessing: ClassifierPreprocessing = .centerCrop, batch: Int = 8, threads: Int = 0) {
        self.model = model; self.layer = layer; self.images = images; self.labels = labels; self.classNames = classNames
        self.selection = selection; self.keep = keep; self.inputSize = inputSize; self.mean = mean; self.std = std
        self.bgr = bgr; self.preprocessing = preprocessing; self.batch = batch; self.threads = threads
    }
}

/// The outcome of an ablation.
public struct AblationReport: Sendable {
    /// The model file and the ablated layer.
    public var model: String, layer: String
    /// Units in the layer.
    public var units: Int
    /// Labelled images used.
    public var images: Int
    /// Class names by output index.
    public var classNames: [String]
    /// The chosen units (0-based, in the order they were chosen).
    public var chosen: [Int]
    /// The units zeroed: the chosen ones, or all the others with `keep`.
    public var ablated: [Int]
    /// Whether only the chosen units were kept.
    public var keep: Bool
    /// For a concept selection: the concept and its units' IoU.
    public var concept: (label: String, run: String, units: [ConceptUnit])?
    /// For a ranking: the class and every unit's single-unit effect, most harmful first.
    public var ranking: (label: Int, effects: [UnitEffect])?
    /// Accuracy of the model as it is, and with the units ablated.
    public var baseline: ClassAccuracy, ablatedAccuracy: ClassAccuracy
}

/// Runs `netdissect ablate`.
public enum AblationRunner {
    /// Reads, chooses, measures. `progress` receives one-line notes (ranking progress).
    /// - Throws: `AblationError` (one line).
    public static func run(_ r: AblateRequest, progress: (String) -> Void = { _ in }) throws(AblationError) -> AblationReport {
        guard r.batch >= 1, r.batch <= 1024 else { throw AblationError("ablate: --batch must lie in [1, 1024]") }
        guard r.threads >= 0, r.threads <= 1024 else { throw AblationError("ablate: --threads must lie in [0, 1024]") }
        guard r.mean.count == 3, r.std.count == 3, r.std.allSatisfy({ $0 != 0 && $0.isFinite }) else {
            throw AblationError("ablate: --mean and --std take three numbers each, std non-zero")
        }
        if let size = r.inputSize, !(8...4096).contains(size) { throw AblationError("ablate: --input-size must lie in [8, 4096]") }
        // Model first: the number of classes decides how class names read.
        let classes: Int
        do {
            let model = try ONNXModel.load(path: r.model)
            let size = r.inputSize ?? model.declaredInputSize?.height ?? 224
            let session = try model.session(height: size, width: size)
            classes = (session.outputShapes[session.outputNames[0]] ?? []).reduce(1, *)
        } catch {
            throw AblationError("\(error)")
        }
        let names = try r.classNames.map { path throws(AblationError) in try LabelledImages.readNames(path) }
        let set = try LabelledImages.read(labelsFile: r.labels, directory: r.images, classes: classes, names: names)
        let workers = r.threads > 0 ? r.threads : max(1, ProcessInfo.processInfo.activeProcessorCount)
        let evaluator = try AblationEvaluator(
            modelPath: r.model, layer: r.layer, set: set, inputSize: r.inputSize,
            normalization: ImageNormalization(mean: r.mean, std: r.std, bgr: r.bgr),
            preprocessing: r.preprocessing, workers: workers, batch: r.batch)
        // Every selection is checked before the first pass over the images, so a typo in a unit
        // list, a class name or a run fails at once rather than after the baseline.
        var chosen: [Int] = []
        var concept: (label: String, run: String, units: [ConceptUnit])?
        var rankLabel: Int?
        switch r.selection {
        case let .units(text):
            chosen = try UnitSelection.parse(text, units: evaluator.units)
        case let .bestDetectors(label, count, run):
            guard count >= 1, count <= evaluator.units else {
                throw AblationError("ablate: --top-units-for \(label) \(count): N must lie in 1...\(evaluator.units), the layer's units")
            }
            let units = try UnitSelection.bestDetectors(of: label, count: count, run: run, layer: r.layer)
            chosen = units.map(\.unit)
            concept = (label, run, units)
        case let .rank(className, count):
            guard count >= 1, count <= evaluator.units else {
                throw AblationError("ablate: --top \(count) must lie in 1...\(evaluator.units), the layer's units")
            }
            rankLabel = try classIndex(className, names: set.classNames)
        }
        let baseline = try evaluator.accuracy(ablating: [])
        var ranking: (label: Int, effects: [UnitEffect])?
        if let label = rankLabel, case let .rank(_, count) = r.selection {
            let effects = try UnitSelection.rank(evaluator, label: label, baseline: baseline) { done, total in
                if done % 8 == 0 || done == total { progress("ranking units by single-unit effect: \(done)/\(total)") }
            }
            chosen = effects.prefix(count).map(\.unit)
            ranking = (label, effects)
        }
        let chosenSet = Set(chosen)
        let ablated = r.keep ? (0..<evaluator.units).filter { !chosenSet.contains($0) } : chosen.sorted()
        let after = try evaluator.accuracy(ablating: Set(ablated))
        return AblationReport(model: r.model, layer: r.layer, units: evaluator.units, images: set.images.count,
                              classNames: set.classNames, chosen: chosen, ablated: ablated, keep: r.keep,
                              concept: concept, ranking: ranking, baseline: baseline, ablatedAccuracy: after)
    }

    /// A class given by index or (case-insensitive, unambiguous) name.
    static func classIndex(_ text: String, names: [String]) throws(AblationError) -> Int {
        if let k = Int(text) {
            guard names.indices.contains(k) else { throw AblationError("ablate: class \(k) is out of range 0...\(names.count - 1)") }
            return k
        }
        let matches = names.indices.filter { names[$0].lowercased() == text.lowercased() }
        guard matches.count == 1 else {
            throw AblationError(matches.isEmpty ? "ablate: no class named '\(text)'; give its index or its name as in the class list"
                                                : "ablate: class name '\(text)' is shared by classes \(matches.map(String.init).joined(separator: ", ")); give the index")
        }
        return matches[0]
    }
}

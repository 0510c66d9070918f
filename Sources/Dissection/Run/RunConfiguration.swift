// What a run computes: everything that changes its numbers, stored in the run database so that a
// resumed run is refused when the command asks for something different.
import Foundation

/// The settings that define a run's results (batch size and threads do not, and are not stored).
public struct RunConfiguration: Codable, Equatable, Sendable {
    /// Absolute path of the ONNX model, or nil when activations come from a file.
    public var model: String?
    /// Absolute path of a float32 `(N, C, H, W)` .npy of precomputed activations, or nil.
    public var activations: String?
    /// Absolute path of the probe dataset directory.
    public var dataset: String
    /// Layers to dissect, in order.
    public var layers: [String]
    /// `q`: each unit's threshold is its `1 - q` quantile.
    public var quantile: Double
    /// IoU at or above which a unit is a detector.
    public var iouThreshold: Double
    /// Categories scored, by name, in category.csv order; nil means all of the dataset's.
    public var categories: [String]?
    public var union: UnionRule
    /// Top images kept per unit.
    public var topK: Int
    /// Only the first `limit` images of index.csv, or nil for all.
    public var limit: Int?
    /// Input normalisation: per-channel mean and std (after scaling to [0, 1]) and channel order.
    public var mean: [Float]
    /// Standard deviation per channel.
    public var std: [Float]
    /// Whether the model expects BGR.
    public var bgr: Bool

    /// The torchvision ImageNet convention.
    public static let imagenetMean: [Float] = [0.485, 0.456, 0.406]
    /// The torchvision ImageNet convention.
    public static let imagenetStd: [Float] = [0.229, 0.224, 0.225]

    /// Creates a configuration; the defaults are those of docs/method.md.
    public init(model: String? = nil, activations: String? = nil, dataset: String, layers: [String],
                quantile: Double = 0.005, iouThreshold: Double = 0.04, categories: [String]? = nil,
                union: UnionRule = .original, topK: Int = 10, limit: Int? = nil,
                mean: [Float] = RunConfiguration.imagenetMean, std: [Float] = RunConfiguration.imagenetStd,
                bgr: Bool = false) {
        self.model = model
        self.activations = activations
        self.dataset = dataset
        self.layers = layers
        self.quantile = quantile
        self.iouThreshold = iouThreshold
        self.categories = categories
        self.union = union
        self.topK = topK
        self.limit = limit
        self.mean = mean
        self.std = std
        self.bgr = bgr
    }

    /// Canonical JSON (sorted keys): two configurations are the same run when these are equal.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Human-readable differences from `other`, one `key: stored -> requested` per entry.
    public func differences(from other: RunConfiguration) -> [String] {
        func pairs(_ c: RunConfiguration) -> [String: String] {
            let data = (try? JSONEncoder().encode(c)) ?? Data()
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            return object.mapValues { "\($0)" }
        }
        let a = pairs(self), b = pairs(other)
        return Set(a.keys).union(b.keys).sorted().compactMap { key in
            a[key] == b[key] ? nil : "\(key): \(a[key] ?? "none") -> \(b[key] ?? "none")"
        }
    }

    /// Validates the numbers a user typed.
    public func validate() throws {
        guard quantile > 0 && quantile < 1 else { throw RunError.badSetting("--quantile \(quantile) must lie in (0, 1), e.g. 0.005") }
        guard iouThreshold >= 0 && iouThreshold <= 1 else { throw RunError.badSetting("--iou-threshold \(iouThreshold) must lie in [0, 1]") }
        guard topK >= 0 && topK <= 10_000 else { throw RunError.badSetting("--top-k \(topK) must lie in [0, 10000]") }
        if let limit, limit < 1 { throw RunError.badSetting("--limit \(limit) must be at least 1") }
        guard mean.count == 3, std.count == 3, std.allSatisfy({ $0 != 0 && $0.isFinite }) else {
            throw RunError.badSetting("--mean and --std take three numbers each, std non-zero")
        }
        guard !layers.isEmpty else { throw RunError.badSetting("name at least one --layer") }
        guard Set(layers).count == layers.count else { throw RunError.badSetting("a --layer is named twice") }
        guard (model == nil) != (activations == nil) else {
            throw RunError.badSetting("give either --model or --activations")
        }
    }
}

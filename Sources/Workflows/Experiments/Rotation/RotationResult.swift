// The outcome of a rotation run, read back from its directory: detector counts at every α.
import Dissection
import Foundation

/// The detector counts of the rotated layer at one α.
public struct RotationPoint: Sendable, Equatable {
    /// The power of the rotation.
    public var alpha: Double
    /// The run's layer holding it.
    public var layer: String
    /// Its detector counts (provisional while the run is going).
    public var counts: DetectorCounts

    /// A point from its parts.
    public init(alpha: Double, layer: String, counts: DetectorCounts) {
        self.alpha = alpha
        self.layer = layer
        self.counts = counts
    }
}

/// A rotation run's detector counts against α.
public struct RotationResult: Sendable, Equatable {
    /// The rotation settings.
    public var manifest: RotationManifest
    /// Category names in the run's order.
    public var categories: [String]
    /// One point per α, ascending.
    public var points: [RotationPoint]
    /// The run's detector threshold on IoU.
    public var iouThreshold: Double

    public init(manifest: RotationManifest, categories: [String], points: [RotationPoint], iouThreshold: Double) {
        self.manifest = manifest
        self.categories = categories
        self.points = points
        self.iouThreshold = iouThreshold
    }

    /// Reads the rotation run in `directory`.
    /// - Throws: `RunError` when it is not a run, not a rotation run, or unreadable.
    public static func read(directory: String) throws -> RotationResult {
        let reader = try RunReader.open(directory)
        guard let result = try read(reader) else {
            throw RunError.input(path: (reader.directory as NSString).appendingPathComponent(RotationManifest.fileName),
                                 reason: "is missing: this run was not made by netdissect rotate",
                                 hint: "use netdissect summary for a plain dissection")
        }
        return result
    }

    /// The rotation result of the run `reader` reads, or nil when it is not a rotation run.
    public static func read(_ reader: RunReader) throws -> RotationResult? {
        guard let manifest = try RotationManifest.read(directory: reader.directory) else { return nil }
        let categories = try reader.categories().map(\.name)
        let layers = try reader.layers()
        let configuration = try reader.configuration()
        var points: [RotationPoint] = []
        for (alpha, name) in zip(manifest.alphas, manifest.layers) {
            guard let layer = layers.first(where: { $0.name == name }) else {
                throw RunError.corruptState(path: reader.databasePath,
                                            reason: "the rotation names layer '\(name)', which the run does not hold")
            }
            let counts = DetectorCounts.of(try reader.units(layer: name), units: layer.units, categories: categories)
            points.append(RotationPoint(alpha: alpha, layer: name, counts: counts))
        }
        return RotationResult(manifest: manifest, categories: categories, points: points,
                              iouThreshold: configuration.iouThreshold)
    }

    /// Categories with a detector at some α (the rest would be empty columns).
    public var activeCategories: [String] {
        categories.filter { name in points.contains { $0.counts.category(name).detectors > 0 } }
    }
}

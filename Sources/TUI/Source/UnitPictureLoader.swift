// One top image of a unit, as the explorer shows it: the probe image decoded, the unit's mask
// (its raw activation map upsampled to the image and thresholded, docs/method.md#unit-masks)
// overlaid by Render with the outside dimmed and the edge outlined. Before pass 1 ends there is
// no threshold yet and the image is shown as it is.

import Dissection
import Foundation
import Render
import Workflows

/// Why a top image could not be shown.
public struct UnitPictureError: Error, CustomStringConvertible, Sendable {
    /// The image file.
    public var path: String
    /// Why.
    public var reason: String
    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
}

/// Reads top images from a probe dataset and overlays masks on them.
public struct UnitPictureLoader: Sendable {
    /// The probe dataset directory.
    public var dataset: String

    /// A loader for `dataset`.
    public init(dataset: String) { self.dataset = dataset }

    /// The overlaid picture of `top`.
    public func picture(for top: TopImage) throws -> UnitImage {
        guard !top.path.isEmpty else {
            let missing = PictureError.noPath(top)
            throw UnitPictureError(path: missing.file, reason: missing.cause)
        }
        let file = ProbePaths.join(ProbePaths.join(dataset, "images"), top.path)
        let bytes: [UInt8]
        do { bytes = try ProbePaths.read("images/" + top.path, in: dataset) } catch {
            throw UnitPictureError(path: file, reason: error.description)
        }
        let image: RGBImage
        do {
            image = top.path.lowercased().hasSuffix(".png") ? try PNG.decodeRGB(bytes) : try JPEG.decode(bytes)
        } catch {
            throw UnitPictureError(path: file, reason: error.description)
        }
        guard top.mapHeight > 0, top.mapWidth > 0, top.map.count == top.mapHeight * top.mapWidth else {
            throw UnitPictureError(path: file, reason: "the stored activation map is malformed")
        }
        var picture = image, fraction = 0.0
        if let threshold = top.threshold {
            // Render's overlay upsamples the raw map with the engine's convention (docs/method.md#unit-masks).
            let activation = FloatMap(width: top.mapWidth, height: top.mapHeight, values: top.map)
            let mask = Mask(activation: activation, threshold: threshold, width: image.width, height: image.height)
            picture = image.maskOverlay(mask)
            fraction = mask.coverage
        }
        return UnitImage(rank: top.rank, imageIndex: top.image, path: top.path, maxActivation: Double(top.maximum),
                         maskFraction: fraction, picture: picture)
    }
}

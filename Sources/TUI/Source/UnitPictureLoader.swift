// One top image of a unit, as the explorer shows it: the probe image decoded, the unit's mask
// (its raw activation map upsampled to the image and thresholded, dissection.md section 3)
// overlaid with the outside dimmed and the edge outlined.

import Dissection
import Foundation
import Render

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
        if let refusal = ProbePaths.refusal(top.path) { throw UnitPictureError(path: top.path, reason: refusal) }
        let file = ProbePaths.join(ProbePaths.join(dataset, "images"), top.path)
        let bytes: [UInt8]
        do { bytes = try ProbePaths.read(file) } catch { throw UnitPictureError(path: file, reason: error.description) }
        let image: RGBImage
        do {
            image = top.path.lowercased().hasSuffix(".png") ? try PNG.decodeRGB(bytes) : try JPEG.decode(bytes)
        } catch {
            throw UnitPictureError(path: file, reason: error.description)
        }
        guard top.mapHeight > 0, top.mapWidth > 0, top.map.count == top.mapHeight * top.mapWidth else {
            throw UnitPictureError(path: file, reason: "the stored activation map is malformed")
        }
        let (picture, fraction) = Self.overlay(image, map: top.map, mapHeight: top.mapHeight, mapWidth: top.mapWidth,
                                               threshold: top.threshold)
        return UnitImage(rank: top.rank, imageIndex: top.image, path: top.path, maxActivation: Double(top.maximum),
                         maskFraction: fraction, picture: picture)
    }

    /// `image` with the mask `upsample(map) > threshold` shown: outside dimmed, edge outlined.
    /// Without a threshold (pass 1 still running) the image is returned as it is.
    static func overlay(_ image: RGBImage, map: [Float], mapHeight: Int, mapWidth: Int,
                        threshold: Float?) -> (RGBImage, Double) {
        guard let threshold, image.width > 0, image.height > 0 else { return (image, 0) }
        let plan = BilinearPlan(sourceHeight: mapHeight, sourceWidth: mapWidth,
                                targetHeight: image.height, targetWidth: image.width)
        let up = plan.upsample(map)
        let w = image.width, h = image.height
        var inside = [Bool](repeating: false, count: w * h)
        var count = 0
        for i in 0..<(w * h) where up[i] > threshold { inside[i] = true; count += 1 }
        var out = image
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                let p = i * 3
                if inside[i] {
                    let edge = (x > 0 && !inside[i - 1]) || (x < w - 1 && !inside[i + 1])
                        || (y > 0 && !inside[i - w]) || (y < h - 1 && !inside[i + w])
                    if edge { out.pixels[p] = 255; out.pixels[p + 1] = 214; out.pixels[p + 2] = 0 }
                } else {
                    for c in 0..<3 { out.pixels[p + c] = UInt8(Int(image.pixels[p + c]) * 3 / 10) }
                }
            }
        }
        return (out, Double(count) / Double(w * h))
    }
}

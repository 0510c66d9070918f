// From a run's top images to pictures: each top image is read from the probe dataset (found
// through the directory stored in the run's configuration, or one the user names), and the
// unit's mask is laid over it. The mask is computed exactly as the tally computed it: the raw
// activation map stored with the top image, upsampled with the engine's taps to the image's size,
// `> T_u` (Render's `Mask(activation:threshold:width:height:)`).
//
// A missing or unreadable image does not stop anything: it becomes a placeholder tile and a
// one-line problem the caller reports.
import Dissection
import Render

/// One top image, drawn.
public struct UnitPicture: Sendable {
    /// What the run stored about the image.
    public var top: TopImage
    /// The image with the unit's mask (or, before thresholds exist, its heatmap) overlaid;
    /// a dark placeholder when the image could not be read.
    public var image: RGBImage
    /// Fraction of the image inside the mask (nil without a threshold or an image).
    public var maskCoverage: Double?
    /// Why the image could not be drawn, or nil.
    public var problem: String?
}

/// Draws a run's top images with their unit masks.
public struct UnitPictures: Sendable {
    /// The probe dataset directory (holding `images/`).
    public let datasetDirectory: String
    /// How masks are drawn.
    public var style: MaskOverlayStyle

    /// Pictures from the dataset at `datasetDirectory`.
    public init(datasetDirectory: String, style: MaskOverlayStyle = MaskOverlayStyle()) {
        self.datasetDirectory = datasetDirectory
        self.style = style
    }

    /// Reads the image of `top` from `images/`, through `ProbePaths.read` (a regular file whose
    /// real path lies inside the dataset, as the dissection read it).
    /// - Throws: a one-line `<file>: <cause>` description as `PictureError`.
    public func sourceImage(_ top: TopImage) throws(PictureError) -> RGBImage {
        guard !top.path.isEmpty else { throw PictureError.noPath(top) }
        let path = ProbePaths.join(ProbePaths.join(datasetDirectory, "images"), ProbeText.shown(top.path))
        let bytes: [UInt8]
        do { bytes = try ProbePaths.read("images/" + top.path, in: datasetDirectory, maxBytes: 64 << 20) } catch {
            throw PictureError(file: path, cause: error.reason)
        }
        let limits = ImageLimits(maxSide: 4096, maxPixels: 4096 * 4096)
        do { return try JPEG.decode(bytes, limits: limits) } catch {
            if case .notThisFormat = error, let png = try? PNG.decodeRGB(bytes, limits: limits) { return png }
            throw PictureError(file: path, cause: error.description)
        }
    }

    /// The unit's mask on an image of `width x height`, as the tally saw it; nil before the
    /// threshold is known or when the stored map is damaged.
    public static func mask(_ top: TopImage, width: Int, height: Int) -> Mask? {
        guard let threshold = top.threshold, top.mapHeight > 0, top.mapWidth > 0,
              top.map.count == top.mapHeight * top.mapWidth, width > 0, height > 0 else { return nil }
        return Mask(activation: FloatMap(width: top.mapWidth, height: top.mapHeight, values: top.map),
                    threshold: threshold, width: width, height: height)
    }

    /// `top` drawn: its image with the mask overlaid (a heatmap while the threshold is not yet
    /// known), or a placeholder with the problem.
    public func picture(_ top: TopImage) -> UnitPicture {
        let image: RGBImage
        do { image = try sourceImage(top) } catch {
            return UnitPicture(top: top, image: RGBImage(width: 224, height: 224, color: RGBColor(48, 48, 52)),
                               maskCoverage: nil, problem: error.description)
        }
        if let mask = UnitPictures.mask(top, width: image.width, height: image.height) {
            return UnitPicture(top: top, image: image.maskOverlay(mask, style: style),
                               maskCoverage: mask.coverage, problem: nil)
        }
        guard top.map.count == top.mapHeight * top.mapWidth, top.mapWidth > 0 else {
            return UnitPicture(top: top, image: image, maskCoverage: nil, problem: nil)
        }
        let map = FloatMap(width: top.mapWidth, height: top.mapHeight, values: top.map)
        return UnitPicture(top: top, image: image.heatmapOverlay(activation: map), maskCoverage: nil, problem: nil)
    }

    /// Every one of `tops` drawn, in order.
    public func pictures(_ tops: [TopImage]) -> [UnitPicture] { tops.map(picture) }

    /// A strip (or grid of `columns`) of `pictures` in cells of `cell` pixels, each captioned
    /// with its rank and maximum activation when `captions` is true.
    public static func montage(_ pictures: [UnitPicture], cell: Int, columns: Int? = nil,
                               captions: Bool = true) -> RGBImage {
        let tiles = pictures.enumerated().map { k, p in
            MontageTile(image: p.image, caption: captions ? "#\(k + 1) max \(shortNumber(p.top.maximum))" : nil)
        }
        let style = MontageStyle(cellWidth: cell, cellHeight: cell, gap: max(2, cell / 40))
        return Montage.grid(tiles, columns: columns ?? max(1, tiles.count), style: style)
    }
}

/// A top image could not be read.
public struct PictureError: Error, CustomStringConvertible, Sendable {
    /// The file.
    public let file: String
    /// Why.
    public let cause: String
    public var description: String { "\(file): \(cause)" }

    /// A top image whose index has no path in the run's `images` table.
    public static func noPath(_ top: TopImage) -> PictureError {
        PictureError(file: "run.sqlite",
                     cause: "top image \(top.rank + 1) of unit \(top.unit + 1) is image \(top.image), which the images table does not list")
    }
}

/// A number in at most four significant digits (`12.35`, `0.003`, `1.2e+05`).
public func shortNumber(_ v: Float) -> String {
    guard v.isFinite else { return "\(v)" }
    let a = abs(v)
    if a != 0 && (a >= 100_000 || a < 0.001) {
        var e = 0; var m = Double(a)
        while m >= 10 { m /= 10; e += 1 }
        while m < 1 { m *= 10; e -= 1 }
        let mant = (m * 10).rounded() / 10
        return "\(v < 0 ? "-" : "")\(mant)e\(e >= 0 ? "+" : "")\(e)"
    }
    let decimals = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : 3
    var p: Double = 1
    for _ in 0..<decimals { p *= 10 }
    let r = (Double(v) * p).rounded() / p
    var s = "\(r)"
    if s.hasSuffix(".0") { s.removeLast(2) }
    return s
}

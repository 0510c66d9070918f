// Reading one record's image and segmentations: what the loader does on each worker, and what
// callers who want a single image use directly.
import Render

/// One decoded probe image with its annotations.
public struct ProbeSample: Sendable {
    /// The index row the sample comes from.
    public let record: ProbeRecord
    /// The decoded image, `record.imageWidth x record.imageHeight`.
    public let image: RGBImage
    /// Per category (in `categories` order): its segmentation layers, each `sw x sh`; empty for
    /// image-level categories and for categories the image has no annotation of.
    public let layers: [[LabelMap]]
    /// Per category: its image-level label ids, 0 removed; empty for pixel categories.
    public let imageLabels: [[Int]]
}

/// Why a record's files could not be used; the loader yields it as a skip.
public struct SampleError: Error, Equatable, CustomStringConvertible {
    /// The file concerned, relative to the dataset directory (`images/ade20k/x.jpg`), or
    /// `index.csv` for a defective row.
    public var file: String
    /// The 1-based line of the record in index.csv.
    public var line: Int
    /// What is wrong.
    public var reason: String

    /// `file (index.csv:line): reason`, safe to print.
    public var description: String { TerminalText.sanitize("\(file) (index.csv:\(line)): \(reason)") }
}

extension ProbeDataset {
    /// Reads and decodes the image and every segmentation layer of `record`.
    ///
    /// - Throws: `SampleError` when the record is defective, a file is missing or cannot be
    ///   decoded, or a decoded size disagrees with the row (`ih x iw`, `sh x sw`).
    public func sample(_ record: ProbeRecord) throws(SampleError) -> ProbeSample {
        if let defect = record.defect {
            throw SampleError(file: "index.csv", line: record.line, reason: defect)
        }
        let image = try decodeImage(record)
        var layers: [[LabelMap]] = []
        var imageLabels: [[Int]] = []
        layers.reserveCapacity(categories.count)
        for category in categories {
            switch record.cells[category.index] {
            case let .layers(paths):
                var maps: [LabelMap] = []
                for path in paths { maps.append(try decodeSegmentation(path, record)) }
                layers.append(maps)
                imageLabels.append([])
            case let .labels(ids):
                layers.append([])
                imageLabels.append(ids)
            }
        }
        return ProbeSample(record: record, image: image, layers: layers, imageLabels: imageLabels)
    }

    /// Reads and decodes the JPEG of `record`, checking its size against `ih x iw`.
    public func decodeImage(_ record: ProbeRecord) throws(SampleError) -> RGBImage {
        let bytes = try readBytes(record.image, record)
        let image: RGBImage
        do {
            image = try JPEG.decode(bytes, limits: Self.limits)
        } catch {
            // Some copies hold PNGs under image names; accept any image the codecs can read.
            guard case .notThisFormat = error, let png = try? PNG.decodeRGB(bytes, limits: Self.limits) else {
                throw SampleError(file: Self.shownPath(record.image), line: record.line, reason: error.description)
            }
            image = png
        }
        guard image.height == record.imageHeight && image.width == record.imageWidth else {
            throw SampleError(file: Self.shownPath(record.image), line: record.line,
                              reason: "image is \(image.height)x\(image.width) (h x w) but the row says ih x iw = \(record.imageHeight)x\(record.imageWidth)")
        }
        return image
    }

    /// Reads and decodes one segmentation PNG of `record`, checking its size against `sh x sw`.
    public func decodeSegmentation(_ path: String, _ record: ProbeRecord) throws(SampleError) -> LabelMap {
        let bytes = try readBytes(path, record)
        let rgb: RGBImage
        do { rgb = try PNG.decodeRGB(bytes, limits: Self.limits) } catch {
            throw SampleError(file: Self.shownPath(path), line: record.line, reason: error.description)
        }
        guard rgb.height == record.segmentationHeight && rgb.width == record.segmentationWidth else {
            throw SampleError(file: Self.shownPath(path), line: record.line,
                              reason: "segmentation is \(rgb.height)x\(rgb.width) (h x w) but the row says sh x sw = \(record.segmentationHeight)x\(record.segmentationWidth)")
        }
        return LabelMap(rgEncoded: rgb)
    }

    /// Size limits for probe images: a probe image is never larger than 4096 pixels a side.
    static let limits = ImageLimits(maxSide: 4096, maxPixels: 4096 * 4096)

    private func readBytes(_ relative: String, _ record: ProbeRecord) throws(SampleError) -> [UInt8] {
        precondition(ProbePaths.refusal(relative) == nil, "ProbeDataset: unchecked path \(relative)")
        do { return try readImageFile(relative, maxBytes: 64 << 20) } catch {
            throw SampleError(file: Self.shownPath(relative), line: record.line, reason: error.reason)
        }
    }

    /// A file of the dataset as an error names it. Made only for an error: cleaning a name for
    /// the terminal looks up every character's Unicode properties, twice per image otherwise.
    static func shownPath(_ relative: String) -> String { "images/" + ProbeText.shown(relative) }
}

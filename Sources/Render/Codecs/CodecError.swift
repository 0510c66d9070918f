// Errors and size limits shared by the JPEG and PNG codecs.
//
// Every size read from a file header is checked against `ImageLimits` before a byte is
// allocated for the pixels, so a hostile header claiming 100000 x 100000 is refused up front
// instead of asking the allocator for 30 GB.

/// Largest image the codecs will decode or encode.
public struct ImageLimits: Sendable, Equatable {
    /// Largest accepted width or height, in pixels.
    public var maxSide: Int
    /// Largest accepted `width * height`.
    public var maxPixels: Int

    /// Creates limits; both must be positive.
    public init(maxSide: Int, maxPixels: Int) {
        precondition(maxSide > 0 && maxPixels > 0, "ImageLimits: limits must be positive")
        self.maxSide = maxSide
        self.maxPixels = maxPixels
    }

    /// 16384 pixels a side and 64 megapixels: far above any probe image, far below a hostile one.
    public static let standard = ImageLimits(maxSide: 16_384, maxPixels: 1 << 26)

    /// Throws `CodecError.tooLarge` when `width x height` is empty or exceeds the limits.
    public func check(width: Int, height: Int, format: ImageFormat) throws(CodecError) {
        guard width > 0, height > 0 else {
            throw .malformed(format: format, reason: "the header gives an empty size \(width)x\(height)")
        }
        guard width <= maxSide, height <= maxSide, width * height <= maxPixels else {
            throw .tooLarge(format: format, width: width, height: height, limits: self)
        }
    }
}

/// The two image formats the codecs speak.
public enum ImageFormat: String, Sendable, Equatable {
    case jpeg = "JPEG"
    case png = "PNG"
}

/// Why an image could not be decoded or encoded.
public enum CodecError: Error, Equatable, CustomStringConvertible {
    /// No bytes at all.
    case empty(format: ImageFormat)
    /// The bytes do not start like a file of this format.
    case notThisFormat(format: ImageFormat)
    /// The header claims a size beyond the limits.
    case tooLarge(format: ImageFormat, width: Int, height: Int, limits: ImageLimits)
    /// The file ends before the image does.
    case truncated(format: ImageFormat, reason: String)
    /// The header or the data is damaged; `reason` is the library's own words.
    case malformed(format: ImageFormat, reason: String)
    /// The library refused to encode.
    case encodeFailed(format: ImageFormat, reason: String)
    /// A PNG of another colour type (2 truecolour, 4 grey+alpha, 6 truecolour+alpha) where a
    /// greyscale or palette PNG of class indices is needed (`PNG.decodeIndexed`).
    case notIndexed(colorType: Int)

    public var description: String {
        switch self {
        case let .empty(format):
            return "empty file, expected a \(format.rawValue) image"
        case let .notThisFormat(format):
            return "not a \(format.rawValue) image (its first bytes are not a \(format.rawValue) signature)"
        case let .tooLarge(format, width, height, limits):
            return "\(format.rawValue) header claims \(width)x\(height) pixels, more than the limit of "
                + "\(limits.maxSide) a side and \(limits.maxPixels) pixels"
        case let .truncated(format, reason):
            return "truncated \(format.rawValue) image: \(reason)"
        case let .malformed(format, reason):
            return "corrupt \(format.rawValue) image: \(reason)"
        case let .encodeFailed(format, reason):
            return "cannot encode \(format.rawValue): \(reason)"
        case let .notIndexed(colorType):
            let kind = [2: "truecolour (RGB)", 4: "greyscale with alpha", 6: "truecolour with alpha (RGBA)"][colorType] ?? "colour type \(colorType)"
            return "a \(kind) PNG, not a mask of class indices (a greyscale or palette-indexed PNG); convert the masks to indexed PNGs"
        }
    }
}

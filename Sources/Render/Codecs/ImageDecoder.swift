// Decoding an image whose format only its bytes tell (a photo to classify, an ablation's labelled
// image): JPEG and PNG told apart by their signatures. This is the one place a format is sniffed;
// each codec still checks its own signature and refuses other bytes with `.notThisFormat`.

extension ImageFormat {
    /// The format whose signature `bytes` start with (PNG: `89 50 4E 47`, JPEG: `FF D8`), or nil.
    public init?(signatureOf bytes: [UInt8]) {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            self = .png
        } else if bytes.starts(with: [0xFF, 0xD8]) {
            self = .jpeg
        } else {
            return nil
        }
    }
}

/// Why bytes of an unknown format could not be decoded.
public enum ImageDecodingError: Error, Equatable, CustomStringConvertible {
    /// No bytes at all.
    case empty
    /// Neither a JPEG nor a PNG signature.
    case unknownFormat
    /// The codec of the format found refused the image.
    case codec(CodecError)

    public var description: String {
        switch self {
        case .empty: return "the file is empty"
        case .unknownFormat: return "not a JPEG or PNG image"
        case let .codec(error): return error.description
        }
    }
}

/// Decoding JPEG or PNG bytes, whichever they are.
public enum ImageDecoder {
    /// Decodes `bytes` with the codec their signature names.
    ///
    /// - Parameter limits: the largest size accepted; checked before the pixels are allocated.
    /// - Throws: `ImageDecodingError` (empty, neither format, or the codec's own error).
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .standard) throws(ImageDecodingError) -> RGBImage {
        guard let format = ImageFormat(signatureOf: bytes) else { throw bytes.isEmpty ? .empty : .unknownFormat }
        do {
            switch format {
            case .png: return try PNG.decodeRGB(bytes, limits: limits)
            case .jpeg: return try JPEG.decode(bytes, limits: limits)
            }
        } catch {
            throw .codec(error)
        }
    }
}

// Reading a photo whatever its format (`classify`'s images, an ablation's labelled images): only
// a regular file is opened (a FIFO or a device is refused without blocking), at most `maxBytes`
// of it is read, and Render's `ImageDecoder` picks the codec from the bytes' signature.
import Render
import Runtime

/// Reading an image file, JPEG or PNG.
public enum ImageFile {
    /// Largest photo file read (a 24-megapixel JPEG is about 10 MB).
    public static let maxBytes = 256 << 20

    /// Decodes the JPEG or PNG file at `path`.
    /// - Throws: `RegularFile.Failure` when it cannot be read, `ImageDecodingError` when it is
    ///   not a readable JPEG or PNG; each describes itself in one line without the path.
    public static func decode(_ path: String, limits: ImageLimits = .standard) throws -> RGBImage {
        let bytes = try RegularFile.contents(of: path, maxBytes: maxBytes)
        return try ImageDecoder.decode(bytes, limits: limits)
    }
}

// PNG decoding and encoding through libspng, to and from `RGBImage`.
//
// Any PNG colour type and bit depth decodes to RGB8 (palette expanded, grey replicated, alpha
// dropped, 16-bit reduced to its high byte). Segmentation PNGs in Broden are 8-bit truecolour,
// for which decoding is exact: the label of a pixel is `R + 256 * G`.
import CSpng

/// PNG images through libspng.
public enum PNG {
    /// The IHDR facts of a PNG, read without decoding the pixels.
    public struct Header: Sendable, Equatable {
        /// Width in pixels.
        public var width: Int
        /// Height in pixels.
        public var height: Int
        /// Bits per sample (1, 2, 4, 8 or 16).
        public var bitDepth: Int
        /// PNG colour type: 0 grey, 2 truecolour, 3 palette, 4 grey+alpha, 6 truecolour+alpha.
        public var colorType: Int
    }

    /// Largest chunk accepted (IDAT chunks of real files are at most a few MB).
    static let maxChunkBytes = 64 << 20
    /// Largest total of cached ancillary chunks accepted.
    static let maxCacheBytes = 64 << 20

    /// Reads the IHDR of `bytes`.
    ///
    /// - Throws: `CodecError` when the bytes are not a PNG or the header is damaged.
    public static func header(of bytes: [UInt8]) throws(CodecError) -> Header {
        let context = try SpngContext(.decode)
        return try readHeader(bytes, context, limits: nil)
    }

    /// Decodes any PNG into RGB8.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - limits: the largest size accepted; checked before the pixels are allocated.
    /// - Throws: `CodecError` naming the cause (not a PNG, too large, truncated, corrupt).
    public static func decodeRGB(_ bytes: [UInt8], limits: ImageLimits = .standard) throws(CodecError) -> RGBImage {
        try checkSignature(bytes)
        let context = try SpngContext(.decode)
        return try bytes.withUnsafeBufferPointer { (src) throws(CodecError) -> RGBImage in
            try context.check(spng_set_png_buffer(context.raw, src.baseAddress, src.count))
            let header = try readHeader(context, limits: limits)
            let format = Int32(SPNG_FMT_RGB8.rawValue)
            var size = 0
            try context.check(spng_decoded_image_size(context.raw, format, &size))
            guard size == header.width * header.height * 3 else {
                throw .malformed(format: .png, reason: "decoded size \(size) does not match \(header.width)x\(header.height) RGB")
            }
            // libspng writes every byte or fails, so the array is not zero-filled first (a
            // decode that fails is thrown away).
            var code: Int32 = 0
            let pixels = [UInt8](unsafeUninitializedCapacity: size) { dst, initialized in
                code = spng_decode_image(context.raw, dst.baseAddress, size, format, 0)
                initialized = code == 0 ? size : 0
            }
            try context.check(code)
            return RGBImage(width: header.width, height: header.height, pixels: pixels)
        }
    }

    /// Encodes `image` as an 8-bit truecolour PNG.
    ///
    /// - Parameter compressionLevel: zlib level, 0 (none, fastest) to 9 (smallest).
    public static func encode(_ image: RGBImage, compressionLevel: Int = 6,
                              limits: ImageLimits = .standard) throws(CodecError) -> [UInt8] {
        precondition((0...9).contains(compressionLevel), "PNG.encode: compression level \(compressionLevel) is not in 0...9")
        try limits.check(width: image.width, height: image.height, format: .png)
        let context = try SpngContext(.encode)
        try context.check(spng_set_option(context.raw, SPNG_ENCODE_TO_BUFFER, 1))
        try context.check(spng_set_option(context.raw, SPNG_IMG_COMPRESSION_LEVEL, Int32(compressionLevel)))
        var ihdr = spng_ihdr(width: UInt32(image.width), height: UInt32(image.height), bit_depth: 8,
                             color_type: UInt8(SPNG_COLOR_TYPE_TRUECOLOR.rawValue),
                             compression_method: 0, filter_method: 0, interlace_method: 0)
        try context.check(spng_set_ihdr(context.raw, &ihdr))
        return try finishEncoding(context, samples: image.pixels)
    }

    /// Encodes `samples` (laid out as the header set on `context` says) and returns the file.
    static func finishEncoding(_ context: SpngContext, samples: [UInt8]) throws(CodecError) -> [UInt8] {
        let code = samples.withUnsafeBytes { src in
            spng_encode_image(context.raw, src.baseAddress, src.count, Int32(SPNG_FMT_PNG.rawValue),
                              Int32(SPNG_ENCODE_FINALIZE.rawValue))
        }
        try context.check(code)
        var length = 0
        var error: Int32 = 0
        let buffer = spng_get_png_buffer(context.raw, &length, &error)
        defer { spngFree(buffer) }
        try context.check(error)
        guard let buffer else { throw .encodeFailed(format: .png, reason: "libspng returned no data") }
        return Array(UnsafeRawBufferPointer(start: buffer, count: length))
    }

    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    private static func checkSignature(_ bytes: [UInt8]) throws(CodecError) {
        guard !bytes.isEmpty else { throw .empty(format: .png) }
        guard bytes.count >= 8, bytes.prefix(8).elementsEqual(signature) else { throw .notThisFormat(format: .png) }
    }

    private static func readHeader(_ bytes: [UInt8], _ context: SpngContext,
                                   limits: ImageLimits?) throws(CodecError) -> Header {
        try checkSignature(bytes)
        return try bytes.withUnsafeBufferPointer { (src) throws(CodecError) -> Header in
            try context.check(spng_set_png_buffer(context.raw, src.baseAddress, src.count))
            return try readHeader(context, limits: limits)
        }
    }

    /// Reads the IHDR of the buffer already set on `context`, and checks it against `limits` if given.
    private static func readHeader(_ context: SpngContext, limits: ImageLimits?) throws(CodecError) -> Header {
        // The size limits are ours (checked below, before any pixel is allocated): reading
        // the IHDR allocates nothing, and our check names the size the header claims.
        try context.check(spng_set_chunk_limits(context.raw, maxChunkBytes, maxCacheBytes))
        var ihdr = spng_ihdr()
        try context.check(spng_get_ihdr(context.raw, &ihdr))
        let header = Header(width: Int(ihdr.width), height: Int(ihdr.height),
                            bitDepth: Int(ihdr.bit_depth), colorType: Int(ihdr.color_type))
        try limits?.check(width: header.width, height: header.height, format: .png)
        return header
    }
}

// JPEG decoding and encoding through TurboJPEG, to and from `RGBImage`.
import CTurboJPEG

/// JPEG images through libjpeg-turbo.
public enum JPEG {
    /// The width and height stated by a JPEG's header, without decoding the pixels.
    ///
    /// - Throws: `CodecError` when the bytes are not a readable JPEG header.
    public static func size(of bytes: [UInt8]) throws(CodecError) -> (width: Int, height: Int) {
        let handle = try TurboJPEGHandle(.decompress)
        return try header(bytes, handle).size
    }

    /// Decodes a baseline or progressive JPEG (greyscale, YCbCr or CMYK) into RGB8.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - limits: the largest size accepted; checked before the pixels are allocated.
    /// - Throws: `CodecError` naming the cause (not a JPEG, too large, truncated, corrupt).
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .standard) throws(CodecError) -> RGBImage {
        let handle = try TurboJPEGHandle(.decompress)
        let (width, height) = try header(bytes, handle).size
        try limits.check(width: width, height: height, format: .jpeg)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let result: Int32 = bytes.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                tjDecompress2(handle.raw, src.baseAddress, UInt(src.count),
                              dst.baseAddress, Int32(width), Int32(width * 3), Int32(height),
                              Int32(TJPF_RGB.rawValue), TJFLAG_LIMITSCANS)
            }
        }
        try handle.checkDecode(result)
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Encodes `image` as a baseline JPEG with 4:2:0 chroma subsampling.
    ///
    /// - Parameter quality: 1 (smallest) to 100 (best); Broden's images are about 90.
    public static func encode(_ image: RGBImage, quality: Int = 90,
                              limits: ImageLimits = .standard) throws(CodecError) -> [UInt8] {
        precondition((1...100).contains(quality), "JPEG.encode: quality \(quality) is not in 1...100")
        try limits.check(width: image.width, height: image.height, format: .jpeg)
        let handle = try TurboJPEGHandle(.compress)
        var output: UnsafeMutablePointer<UInt8>? = nil
        var outputSize: UInt = 0
        defer { if let output { tjFree(output) } }
        let result: Int32 = image.pixels.withUnsafeBufferPointer { src in
            tjCompress2(handle.raw, src.baseAddress, Int32(image.width), Int32(image.width * 3),
                        Int32(image.height), Int32(TJPF_RGB.rawValue), &output, &outputSize,
                        Int32(TJSAMP_420.rawValue), Int32(quality), 0)
        }
        try handle.checkEncode(result)
        guard let output else { throw .encodeFailed(format: .jpeg, reason: "the library returned no data") }
        return Array(UnsafeBufferPointer(start: output, count: Int(outputSize)))
    }

    /// Reads the header; the size is returned as the header states it, unchecked.
    private static func header(_ bytes: [UInt8], _ handle: TurboJPEGHandle)
        throws(CodecError) -> (size: (width: Int, height: Int), subsampling: Int32) {
        guard !bytes.isEmpty else { throw .empty(format: .jpeg) }
        guard bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF else {
            throw .notThisFormat(format: .jpeg)
        }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let result: Int32 = bytes.withUnsafeBufferPointer { src in
            tjDecompressHeader3(handle.raw, src.baseAddress, UInt(src.count),
                                &width, &height, &subsampling, &colorspace)
        }
        if result != 0 {
            let message = handle.lastMessage
            // A file cut inside its header cannot be read at all: name that as truncation.
            if message.contains("Premature end") || message.contains("insufficient data") {
                throw .truncated(format: .jpeg, reason: message)
            }
            throw .malformed(format: .jpeg, reason: message)
        }
        return ((Int(width), Int(height)), subsampling)
    }
}

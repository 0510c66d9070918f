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
        let header = try header(bytes, handle)
        let (width, height) = header.size
        try limits.check(width: width, height: height, format: .jpeg)
        // CMYK and YCCK (Photoshop's, print workflows') cannot be converted to RGB by the library:
        // decode the inks and convert them here.
        let cmyk = header.colorspace == Int32(TJCS_CMYK.rawValue) || header.colorspace == Int32(TJCS_YCCK.rawValue)
        let channels = cmyk ? 4 : 3
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        let format = cmyk ? TJPF_CMYK : TJPF_RGB
        func decompress(_ flags: Int32) -> Int32 {
            bytes.withUnsafeBufferPointer { src in
                pixels.withUnsafeMutableBufferPointer { dst in
                    tjDecompress2(handle.raw, src.baseAddress, UInt(src.count),
                                  dst.baseAddress, Int32(width), Int32(width * channels), Int32(height),
                                  Int32(format.rawValue), flags)
                }
            }
        }
        // TurboJPEG reports a fatal error that follows a warning as a warning (its error code
        // says whether a warning happened, not how the call ended), so a file damaged past a
        // harmless defect would pass half decoded. Decoded first stopping at the first warning,
        // a file without any (nearly all) costs nothing more; one with a warning is decoded again
        // past it, and kept only if the last message is still that warning (a fatal error writes
        // its own; libjpeg repeats no later warning).
        var result = decompress(TJFLAG_LIMITSCANS | TJFLAG_STOPONWARNING)
        if result != 0 && tjGetErrorCode(handle.raw) == Int32(TJERR_WARNING.rawValue) {
            let warning = handle.lastMessage
            result = decompress(TJFLAG_LIMITSCANS)
            if result != 0 {
                let last = handle.lastMessage
                if last != warning { throw .malformed(format: .jpeg, reason: last) }
            }
        }
        try handle.checkDecode(result)
        guard cmyk else { return RGBImage(width: width, height: height, pixels: pixels) }
        return RGBImage(width: width, height: height,
                        pixels: rgb(fromCMYK: pixels, inverted: hasAdobeMarker(bytes)))
    }

    /// RGB8 from CMYK8 (4 bytes a pixel) with the naive conversion `R = (1 - C)(1 - K)`, as
    /// Pillow does. Photoshop, and every file with an Adobe APP14 marker, stores the inks
    /// inverted (0 = full ink): then `R = C'K'` in the stored values.
    static func rgb(fromCMYK cmyk: [UInt8], inverted: Bool) -> [UInt8] {
        let n = cmyk.count / 4
        var rgb = [UInt8](repeating: 0, count: n * 3)
        for i in 0..<n {
            var k = Int(cmyk[4 * i + 3])
            if !inverted { k = 255 - k }
            for c in 0..<3 {
                var v = Int(cmyk[4 * i + c])
                if !inverted { v = 255 - v }
                rgb[3 * i + c] = UInt8((v * k + 127) / 255)
            }
        }
        return rgb
    }

    /// Whether the file has an Adobe APP14 segment (`FF EE` ... `Adobe`) before its image data,
    /// looked for among the segments of the header only.
    static func hasAdobeMarker(_ bytes: [UInt8]) -> Bool {
        var i = 2
        while i + 4 <= bytes.count, bytes[i] == 0xFF {
            let marker = bytes[i + 1]
            if marker == 0xDA || marker == 0xD9 { return false }   // start of scan, end of image
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 2 else { return false }
            if marker == 0xEE, i + 9 <= bytes.count, Array(bytes[(i + 4)..<(i + 9)]) == Array("Adobe".utf8) { return true }
            i += 2 + length
        }
        return false
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
        throws(CodecError) -> (size: (width: Int, height: Int), subsampling: Int32, colorspace: Int32) {
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
            // A warning (stray bytes between segments, as some cameras write them) leaves the
            // header read, as libjpeg and Pillow read it; the size is set only when the header
            // was read to its end, so a fatal error after a warning (reported as a warning too)
            // leaves it 0.
            let warned = tjGetErrorCode(handle.raw) == Int32(TJERR_WARNING.rawValue)
            guard warned && width > 0 && height > 0 else { throw .malformed(format: .jpeg, reason: message) }
        }
        return ((Int(width), Int(height)), subsampling, colorspace)
    }
}

// Sixel back to pixels through libsixel's `sixel_decode_raw`: how tests (and the end-to-end
// check) see what a terminal would draw from our bytes.
import CSixel

/// Decoding sixel strings.
public enum SixelDecoder {
    /// The image a sixel string draws (unpainted pixels take palette entry 0's colour).
    public static func decode(_ sixel: [UInt8]) throws(SixelError) -> RGBImage {
        var allocator: OpaquePointer?
        try sixelCheck("sixel_allocator_new", sixel_allocator_new(&allocator, nil, nil, nil, nil))
        defer { sixel_allocator_unref(allocator) }
        var input = sixel                      // the decoder takes a mutable pointer
        var pixels: UnsafeMutablePointer<UInt8>?
        var palette: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0, colors: Int32 = 0
        try input.withUnsafeMutableBufferPointer { (buffer) throws(SixelError) in
            try sixelCheck("sixel_decode_raw", sixel_decode_raw(
                buffer.baseAddress, Int32(buffer.count), &pixels, &width, &height, &palette, &colors, allocator))
        }
        defer {
            sixel_allocator_free(allocator, pixels)
            sixel_allocator_free(allocator, palette)
        }
        guard let pixels, let palette, width > 0, height > 0, colors > 0 else {
            throw SixelError(call: "sixel_decode_raw", status: SIXEL_BAD_INPUT, message: "empty picture")
        }
        var out = [UInt8](repeating: 0, count: Int(width) * Int(height) * 3)
        for i in 0..<(Int(width) * Int(height)) {
            let index = Int(pixels[i])
            guard index < Int(colors) else { continue }
            out[i * 3] = palette[index * 3]
            out[i * 3 + 1] = palette[index * 3 + 1]
            out[i * 3 + 2] = palette[index * 3 + 2]
        }
        return RGBImage(width: Int(width), height: Int(height), pixels: out)
    }
}

// Indexed PNGs: one integer per pixel, as the segmentation datasets store class ids.
//
// Class-index masks come in two PNG kinds: greyscale, whose sample is the class (ADE20K, COCO-Stuff,
// Cityscapes' `*_labelIds.png`), and palette-indexed, whose palette index is the class while the
// palette only colours it for viewing (Pascal VOC's `SegmentationClass`). Expanding either to RGB
// (`decodeRGB`) loses the class: the palette maps indices to colours that are not unique in general,
// and grey replicated into three channels says nothing of a 16-bit id. `decodeIndexed` therefore
// returns the stored values themselves: the grey sample (1, 2, 4, 8 or 16 bits) or the palette
// index (1, 2, 4 or 8 bits), unpacked to one `UInt16` per pixel. Truecolour and alpha PNGs are
// refused, with a cause saying so.
import CSpng

/// One integer per pixel, rows top to bottom: a grey sample or a palette index.
public struct IndexedImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width * height` values.
    public var values: [UInt16]

    /// Wraps `values`, which must hold exactly `width * height` entries.
    public init(width: Int, height: Int, values: [UInt16]) {
        precondition(width >= 0 && height >= 0 && values.count == width * height,
                     "IndexedImage: \(width)x\(height) needs \(width * height) values, got \(values.count)")
        self.width = width
        self.height = height
        self.values = values
    }
}

extension PNG {
    /// How an indexed PNG stores its values.
    public enum IndexedKind: Sendable, Equatable {
        /// Greyscale of 1, 2, 4, 8 or 16 bits: the sample is the value.
        case grey(bits: Int)
        /// Palette-indexed of 1, 2, 4 or 8 bits: the index is the value; the palette's colours.
        case palette(bits: Int, colors: [(UInt8, UInt8, UInt8)])

        public static func == (a: IndexedKind, b: IndexedKind) -> Bool {
            switch (a, b) {
            case let (.grey(x), .grey(y)): return x == y
            case let (.palette(x, p), .palette(y, q)):
                return x == y && p.count == q.count && zip(p, q).allSatisfy { $0 == $1 }
            default: return false
            }
        }
    }

    /// Decodes a greyscale or palette PNG into its stored values (see the file's comment).
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - limits: the largest size accepted; checked before the pixels are allocated.
    /// - Returns: the values and how the file stores them.
    /// - Throws: `CodecError` naming the cause; `.notIndexed` for a truecolour or alpha PNG.
    public static func decodeIndexed(_ bytes: [UInt8], limits: ImageLimits = .standard)
        throws(CodecError) -> (image: IndexedImage, kind: IndexedKind) {
        let header = try PNG.header(of: bytes)
        guard header.colorType == 0 || header.colorType == 3 else {
            throw .notIndexed(colorType: header.colorType)
        }
        try limits.check(width: header.width, height: header.height, format: .png)
        let context = try SpngContext(.decode)
        return try bytes.withUnsafeBufferPointer { (src) throws(CodecError) -> (image: IndexedImage, kind: IndexedKind) in
            try context.check(spng_set_png_buffer(context.raw, src.baseAddress, src.count))
            try context.check(spng_set_chunk_limits(context.raw, maxChunkBytes, maxCacheBytes))
            let format = Int32(SPNG_FMT_PNG.rawValue)
            var size = 0
            try context.check(spng_decoded_image_size(context.raw, format, &size))
            let bits = header.bitDepth
            // Rows are packed at the file's depth (16-bit samples host-endian), without filter bytes.
            let rowBytes = (header.width * bits + 7) / 8
            guard [1, 2, 4, 8, 16].contains(bits), size == rowBytes * header.height else {
                throw .malformed(format: .png, reason: "decoded size \(size) does not match \(header.width)x\(header.height) at \(bits) bits")
            }
            var raw = [UInt8](repeating: 0, count: size)
            let code = raw.withUnsafeMutableBytes { dst in
                spng_decode_image(context.raw, dst.baseAddress, dst.count, format, 0)
            }
            try context.check(code)
            let values = unpack(raw, width: header.width, height: header.height, bits: bits, rowBytes: rowBytes)
            let kind: IndexedKind
            if header.colorType == 3 {
                var plte = spng_plte()
                try context.check(spng_get_plte(context.raw, &plte))
                let count = min(Int(plte.n_entries), 256)
                var colors: [(UInt8, UInt8, UInt8)] = []
                withUnsafeBytes(of: &plte.entries) { (raw: UnsafeRawBufferPointer) in
                    for i in 0..<count {
                        let entry: (UInt8, UInt8, UInt8) = (raw[4 * i], raw[4 * i + 1], raw[4 * i + 2])
                        colors.append(entry)
                    }
                }
                kind = .palette(bits: bits, colors: colors)
            } else {
                kind = .grey(bits: bits)
            }
            return (IndexedImage(width: header.width, height: header.height, values: values), kind)
        }
    }

    /// One value per pixel from rows packed at `bits` per sample (most significant bits first;
    /// 16-bit samples host-endian, as libspng's `SPNG_FMT_PNG` gives them).
    // raw (H, rowBytes) u8 -> values (H, W) u16
    static func unpack(_ raw: [UInt8], width: Int, height: Int, bits: Int, rowBytes: Int) -> [UInt16] {
        precondition(raw.count == rowBytes * height, "PNG.unpack: \(raw.count) bytes for \(height) rows of \(rowBytes)")
        var values = [UInt16](repeating: 0, count: width * height)
        raw.withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    let row = y * rowBytes
                    switch bits {
                    case 16:
                        UnsafeRawPointer(src.baseAddress! + row).withMemoryRebound(to: UInt16.self, capacity: width) { samples in
                            for x in 0..<width { out[y * width + x] = samples[x] }
                        }
                    case 8:
                        for x in 0..<width { out[y * width + x] = UInt16(src[row + x]) }
                    default:
                        let perByte = 8 / bits, mask = UInt8((1 << bits) - 1)
                        for x in 0..<width {
                            let byte = src[row + x / perByte]
                            let shift = 8 - bits * (x % perByte + 1)
                            out[y * width + x] = UInt16((byte >> UInt8(shift)) & mask)
                        }
                    }
                }
            }
        }
        return values
    }

    /// Encodes `image` as an indexed PNG: greyscale of 8 or 16 bits, or palette-indexed of 8
    /// bits with `palette` (at most 256 colours; every value must be below its count).
    public static func encodeIndexed(_ image: IndexedImage, kind: IndexedKind, compressionLevel: Int = 6,
                                     limits: ImageLimits = .standard) throws(CodecError) -> [UInt8] {
        precondition((0...9).contains(compressionLevel), "PNG.encodeIndexed: compression level \(compressionLevel) is not in 0...9")
        try limits.check(width: image.width, height: image.height, format: .png)
        let bits: Int, colorType: UInt32
        var samples: [UInt8]
        switch kind {
        case let .grey(b):
            precondition(b == 8 || b == 16, "PNG.encodeIndexed: grey of \(b) bits (8 or 16 are written)")
            bits = b; colorType = SPNG_COLOR_TYPE_GRAYSCALE.rawValue
            if b == 8 {
                samples = image.values.map { v in
                    precondition(v < 256, "PNG.encodeIndexed: value \(v) in an 8-bit PNG"); return UInt8(v)
                }
            } else {
                samples = [UInt8](repeating: 0, count: image.values.count * 2)
                samples.withUnsafeMutableBytes { out in
                    for (i, v) in image.values.enumerated() { out.storeBytes(of: v, toByteOffset: 2 * i, as: UInt16.self) }
                }
            }
        case let .palette(b, colors):
            precondition(b == 8 && !colors.isEmpty && colors.count <= 256, "PNG.encodeIndexed: an 8-bit palette of 1 to 256 colours")
            bits = 8; colorType = SPNG_COLOR_TYPE_INDEXED.rawValue
            samples = image.values.map { v in
                precondition(Int(v) < colors.count, "PNG.encodeIndexed: index \(v) beyond the palette of \(colors.count)"); return UInt8(v)
            }
        }
        let context = try SpngContext(.encode)
        try context.check(spng_set_option(context.raw, SPNG_ENCODE_TO_BUFFER, 1))
        try context.check(spng_set_option(context.raw, SPNG_IMG_COMPRESSION_LEVEL, Int32(compressionLevel)))
        var ihdr = spng_ihdr(width: UInt32(image.width), height: UInt32(image.height), bit_depth: UInt8(bits),
                             color_type: UInt8(colorType), compression_method: 0, filter_method: 0, interlace_method: 0)
        try context.check(spng_set_ihdr(context.raw, &ihdr))
        if case let .palette(_, colors) = kind {
            var plte = spng_plte()
            plte.n_entries = UInt32(colors.count)
            withUnsafeMutableBytes(of: &plte.entries) { raw in
                for (i, c) in colors.enumerated() { raw[4 * i] = c.0; raw[4 * i + 1] = c.1; raw[4 * i + 2] = c.2; raw[4 * i + 3] = 255 }
            }
            try context.check(spng_set_plte(context.raw, &plte))
        }
        return try finishEncoding(context, samples: samples)
    }
}

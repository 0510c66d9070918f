// The sixel encoder: libsixel's output and dither objects held across pictures, so that a fixed
// or reused palette (and libsixel's colour lookup cache inside the dither) is built once.
//
// libsixel objects are not thread-safe; one encoder serialises its calls with a lock, and callers
// that encode in parallel make one encoder per worker.
import CSixel
import Foundation

/// Turns RGB images into sixel byte strings.
public final class SixelEncoder: @unchecked Sendable {
    /// The options every picture from this encoder uses.
    public let options: SixelOptions
    private let lock = NSLock()
    /// The dither kept between pictures (fixed and reused palettes); nil until needed.
    private var keptDither: OpaquePointer?

    public init(options: SixelOptions = SixelOptions()) {
        if case .adaptive(let n) = options.palette { precondition((2...256).contains(n), "SixelEncoder: \(n) colours") }
        if case .reused(let n) = options.palette { precondition((2...256).contains(n), "SixelEncoder: \(n) colours") }
        self.options = options
    }

    deinit {
        if let keptDither { sixel_dither_unref(keptDither) }
    }

    /// Computes the reused palette from `sample` now (for example a strip of all the pictures
    /// about to be shown) instead of from the first picture encoded. No effect for other
    /// palette policies.
    public func prepare(sample: RGBImage) throws(SixelError) {
        guard case .reused(let n) = options.palette else { return }
        lock.lock(); defer { lock.unlock() }
        if let keptDither { sixel_dither_unref(keptDither); self.keptDither = nil }
        keptDither = try makeAdaptiveDither(for: sample, colors: n)
    }

    /// Forgets a reused palette, so the next picture computes a new one.
    public func resetPalette() {
        lock.lock(); defer { lock.unlock() }
        if case .reused = options.palette, let keptDither {
            sixel_dither_unref(keptDither)
            self.keptDither = nil
        }
    }

    /// The complete sixel string (`ESC P ... ESC \`) for `image`. A picture less than six
    /// pixels tall is padded to six rows by repeating its last row.
    ///
    /// Complexity: O(width * height), plus a histogram pass for an adaptive palette.
    public func encode(_ image: RGBImage) throws(SixelError) -> [UInt8] {
        precondition(image.width > 0 && image.height > 0, "SixelEncoder.encode: empty image")
        lock.lock(); defer { lock.unlock() }
        let dither = try ditherFor(image)
        defer { if case .adaptive = options.palette { sixel_dither_unref(dither) } }
        sixel_dither_set_diffusion_type(dither, options.dither.libsixelValue)

        let sink = SixelSink()
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        var output: OpaquePointer?
        try sixelCheck("sixel_output_new", sixel_output_new(&output, sixelSinkWrite, context.toOpaque(), nil))
        defer { sixel_output_unref(output) }
        sixel_output_set_encode_policy(output, options.smallestOutput ? SIXEL_ENCODEPOLICY_SIZE : SIXEL_ENCODEPOLICY_FAST)

        // sixel_encode overwrites the pixels it is given: hand it a copy. libsixel 1.10 starts a
        // picture shorter than one six-pixel band with a stray graphics newline (it would be
        // drawn a band too low), so such pictures are padded to six rows with their last row.
        var scratch = image.pixels
        let rows = max(image.height, 6)
        if rows > image.height {
            let last = image.pixels[((image.height - 1) * image.width * 3)...]
            for _ in image.height..<rows { scratch += last }
        }
        try scratch.withUnsafeMutableBufferPointer { (buffer) throws(SixelError) in
            try sixelCheck("sixel_encode", sixel_encode(buffer.baseAddress, Int32(image.width),
                                                         Int32(rows), 3, dither, output))
        }
        return sink.bytes
    }

    /// The dither for `image` under the palette policy (caller holds the lock).
    private func ditherFor(_ image: RGBImage) throws(SixelError) -> OpaquePointer {
        switch options.palette {
        case .adaptive(let n):
            return try makeAdaptiveDither(for: image, colors: n)
        case .fixedXTerm256:
            if let keptDither { return keptDither }
            guard let d = sixel_dither_get(SIXEL_BUILTIN_XTERM256) else {
                throw SixelError(call: "sixel_dither_get", status: SIXEL_BAD_ALLOCATION, message: "no built-in palette")
            }
            sixel_dither_set_pixelformat(d, SIXEL_PIXELFORMAT_RGB888)
            keptDither = d
            return d
        case .reused(let n):
            if let keptDither { return keptDither }
            let d = try makeAdaptiveDither(for: image, colors: n)
            keptDither = d
            return d
        }
    }

    /// A new dither whose palette is a median cut of `image`'s colours.
    private func makeAdaptiveDither(for image: RGBImage, colors: Int) throws(SixelError) -> OpaquePointer {
        var made: OpaquePointer?
        try sixelCheck("sixel_dither_new", sixel_dither_new(&made, Int32(colors), nil))
        guard let dither = made else {
            throw SixelError(call: "sixel_dither_new", status: SIXEL_BAD_ALLOCATION, message: "no dither")
        }
        // libsixel's histogram samples the pixels: every sixth one for images under 18383
        // pixels. Small images are therefore handed over with every pixel repeated six times
        // along its row, so that each one is counted (a thumbnail with a thin outline would
        // otherwise lose the outline's colour).
        let repeats = image.width * image.height < 18383 ? 6 : 1
        var scratch: [UInt8]
        if repeats == 1 {
            scratch = image.pixels          // sixel_dither_initialize may touch its input too
        } else {
            scratch = []
            scratch.reserveCapacity(image.pixels.count * repeats)
            for i in stride(from: 0, to: image.pixels.count, by: 3) {
                for _ in 0..<repeats { scratch += image.pixels[i..<(i + 3)] }
            }
        }
        do {
            try scratch.withUnsafeMutableBufferPointer { (buffer) throws(SixelError) in
                try sixelCheck("sixel_dither_initialize", sixel_dither_initialize(
                    dither, buffer.baseAddress, Int32(image.width * repeats), Int32(image.height),
                    SIXEL_PIXELFORMAT_RGB888, SIXEL_LARGE_AUTO, SIXEL_REP_AUTO, SIXEL_QUALITY_LOW))
            }
        } catch {
            sixel_dither_unref(dither)
            throw error
        }
        return dither
    }
}

/// Collects libsixel's output packets.
final class SixelSink {
    var bytes: [UInt8] = []
}

/// libsixel's write callback: appends one packet to the `SixelSink` passed as `priv`.
/// (A top-level function: a closure stored globally would be actor-isolated in Swift 6.)
func sixelSinkWrite(_ data: UnsafeMutablePointer<CChar>?, _ size: Int32,
                    _ priv: UnsafeMutableRawPointer?) -> Int32 {
    guard let data, let priv, size > 0 else { return 0 }
    let sink = Unmanaged<SixelSink>.fromOpaque(priv).takeUnretainedValue()
    data.withMemoryRebound(to: UInt8.self, capacity: Int(size)) { p in
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: p, count: Int(size)))
    }
    return size
}

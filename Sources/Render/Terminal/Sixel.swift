// Sixel encoding through libsixel: options, errors, and the one checking wrapper every libsixel
// call goes through.
//
// A sixel picture is a DCS string (`ESC P q ... ESC \`) holding a palette of at most 256 colours
// and six-pixel-high bands of indexed pixels. Most of the cost is choosing the palette (a median
// cut over the image's histogram) and mapping pixels to it, so the encoder offers three palette
// policies: adaptive (a fresh palette per image; best colour, slowest, largest), fixed (the xterm
// 256-colour palette; fastest, smallest, coarse gradients), and reused (one adaptive palette
// computed once, then applied to every later image; nearly adaptive quality at fixed-palette
// cost when the images are alike, as a unit's top images are).
import CSixel

/// Which palette a sixel picture uses.
public enum SixelPalette: Sendable, Hashable, CustomStringConvertible {
    /// A palette of `colors` chosen for each image (median cut).
    case adaptive(colors: Int)
    /// The xterm 256-colour palette, the same for every image.
    case fixedXTerm256
    /// A palette of `colors` chosen from the first image encoded (or from `prepare(sample:)`)
    /// and applied to every later one.
    case reused(colors: Int)

    public var description: String {
        switch self {
        case .adaptive(let n): return "adaptive \(n)"
        case .fixedXTerm256: return "fixed xterm-256"
        case .reused(let n): return "reused \(n)"
        }
    }
}

/// How colours between palette entries are approximated.
public enum SixelDither: String, Sendable, Hashable, CaseIterable {
    /// Nearest palette entry, no diffusion: flat, fast, compresses best.
    case none
    /// Bill Atkinson's error diffusion (libsixel's usual choice).
    case atkinson
    /// Floyd-Steinberg error diffusion.
    case floydSteinberg = "floyd-steinberg"
    /// Positionally stable arithmetic dither: no error propagation, so an unchanged region
    /// encodes the same way in every frame.
    case positional

    var libsixelValue: Int32 {
        switch self {
        case .none: return SIXEL_DIFFUSE_NONE
        case .atkinson: return SIXEL_DIFFUSE_ATKINSON
        case .floydSteinberg: return SIXEL_DIFFUSE_FS
        case .positional: return SIXEL_DIFFUSE_A_DITHER
        }
    }
}

/// Everything that decides how a picture is encoded (part of the cache key).
public struct SixelOptions: Sendable, Hashable, CustomStringConvertible {
    public var palette: SixelPalette
    public var dither: SixelDither
    /// Ask libsixel for the smallest output rather than the fastest encode.
    public var smallestOutput: Bool

    /// Options; the default is a reused 256-colour palette without diffusion, which meets the
    /// 10 ms / 80 KB budget for 256x256 pictures (see benchmarks/sixel).
    public init(palette: SixelPalette = .reused(colors: 256), dither: SixelDither = .none,
                smallestOutput: Bool = false) {
        self.palette = palette; self.dither = dither; self.smallestOutput = smallestOutput
    }

    public var description: String { "\(palette), dither \(dither.rawValue)" }
}

/// A libsixel failure.
public struct SixelError: Error, CustomStringConvertible, Sendable {
    /// The libsixel function that failed.
    public let call: String
    /// libsixel's status code.
    public let status: Int32
    /// libsixel's own explanation.
    public let message: String

    public var description: String { "libsixel \(call) failed (\(message))" }
}

/// Runs one libsixel call and turns a failing status into a `SixelError`.
func sixelCheck(_ call: String, _ status: SIXELSTATUS) throws(SixelError) {
    if (status & SIXEL_FALSE) != 0 {
        let text = sixel_helper_format_error(status).map { String(cString: $0) } ?? "status \(status)"
        throw SixelError(call: call, status: status, message: text)
    }
}

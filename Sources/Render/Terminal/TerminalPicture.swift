// One picture ready for a terminal in the chosen mode, sized to a number of cells: the bytes to
// write and the rows and columns they cover. Used by the shell commands (printed in a stream)
// and by the explorer (placed at a cursor position).

/// A picture encoded for the terminal.
public struct TerminalPicture: Sendable {
    /// What to write. For sixel one DCS string (no newline); for half-blocks and text, lines
    /// joined by `\n` (no trailing newline).
    public var bytes: [UInt8]
    /// Columns covered.
    public var columns: Int
    /// Rows covered.
    public var rows: Int
    /// The mode it was made for.
    public var mode: GraphicsMode
}

/// Makes terminal pictures in one mode, with one sixel encoder and cache.
public final class TerminalPictureMaker: @unchecked Sendable {
    /// The picture kind.
    public let mode: GraphicsMode
    /// Cell size used to convert between cells and pixels.
    public let cellSize: CellSize
    /// The sixel encoder (used in sixel mode).
    public let encoder: SixelEncoder
    /// Cache of sixel encodings.
    public let cache: SixelCache
    /// The largest sixel picture the terminal shows: sixel pictures are scaled down to fit it.
    public let sixelLimit: PixelSize

    /// A maker for `mode`. `cellSize` nil uses `CellSize.fallback`; `colorRegisters` caps the
    /// sixel palette (xterm's VT340 emulation has 16 registers unless configured otherwise);
    /// `sixelLimit` nil assumes `PixelSize.sixelDefaultLimit`.
    public init(mode: GraphicsMode, cellSize: CellSize?, colorRegisters: Int? = nil, sixelLimit: PixelSize? = nil,
                options: SixelOptions? = nil, cache: SixelCache = SixelCache()) {
        self.mode = mode
        self.sixelLimit = sixelLimit ?? .sixelDefaultLimit
        self.cellSize = cellSize ?? .fallback
        var chosen = options ?? SixelOptions()
        if let registers = colorRegisters, registers >= 2, registers < 256 {
            chosen = SixelOptions(palette: .reused(colors: registers), dither: .atkinson)
        }
        self.encoder = SixelEncoder(options: chosen)
        self.cache = cache
    }

    /// The pixel size `image` gets when fitted into `maxColumns x maxRows` cells (aspect kept):
    /// sixel pixels (also within `sixelLimit`), half-block pixels (two per cell vertically) or
    /// text characters.
    public func pixelSize(of image: RGBImage, maxColumns: Int, maxRows: Int) -> (width: Int, height: Int) {
        guard image.width > 0, image.height > 0, maxColumns > 0, maxRows > 0 else { return (0, 0) }
        let cw = Double(cellSize.width), ch = Double(cellSize.height)
        // Display size in screen pixels that fits, aspect kept.
        var scale = min(Double(maxColumns) * cw / Double(image.width), Double(maxRows) * ch / Double(image.height))
        if case .sixel = mode {
            scale = min(scale, Double(sixelLimit.width) / Double(image.width), Double(sixelLimit.height) / Double(image.height))
        }
        let dw = Double(image.width) * scale, dh = Double(image.height) * scale
        switch mode {
        case .sixel:
            return (max(1, Int(dw)), max(1, Int(dh)))
        case .blocks:
            return (max(1, min(maxColumns, Int(dw / cw))), max(1, min(2 * maxRows, Int(dh / (ch / 2)))))
        case .text:
            return (max(1, min(maxColumns, Int(dw / cw))), max(1, min(maxRows, Int(dh / ch))))
        }
    }

    /// `image` fitted into `maxColumns x maxRows` cells and encoded. `identity`, when given,
    /// names the pixels for the sixel cache (equal identities must mean equal images).
    public func picture(of image: RGBImage, maxColumns: Int, maxRows: Int,
                        identity: String? = nil) throws -> TerminalPicture {
        let size = pixelSize(of: image, maxColumns: maxColumns, maxRows: maxRows)
        guard size.width > 0, size.height > 0 else { return TerminalPicture(bytes: [], columns: 0, rows: 0, mode: mode) }
        switch mode {
        case .sixel(let wrap):
            let key = identity.map { SixelCacheKey(identity: $0, width: size.width, height: size.height, options: encoder.options) }
            let make = { image.scaled(width: size.width, height: size.height) }
            var bytes = try key.map { try cache.encoding(for: $0, encoder: encoder, image: make) }
                ?? encoder.encode(make())
            if wrap { bytes = TerminalPictureMaker.tmuxPassthrough(bytes) }
            let columns = (size.width + cellSize.width - 1) / cellSize.width
            let rows = (size.height + cellSize.height - 1) / cellSize.height
            return TerminalPicture(bytes: bytes, columns: columns, rows: rows, mode: mode)
        case .blocks(let depth):
            let lines = HalfBlockPicture.lines(image.scaled(width: size.width, height: size.height), depth: depth)
            return TerminalPicture(bytes: Array(lines.joined(separator: "\n").utf8),
                                   columns: size.width, rows: lines.count, mode: mode)
        case .text:
            let lines = TextPicture.lines(image.scaled(width: size.width, height: size.height))
            return TerminalPicture(bytes: Array(lines.joined(separator: "\n").utf8),
                                   columns: size.width, rows: lines.count, mode: mode)
        }
    }

    /// `sixel` wrapped for tmux's `allow-passthrough`: `ESC P tmux;`, the data with every ESC
    /// doubled, `ESC \`.
    public static func tmuxPassthrough(_ sixel: [UInt8]) -> [UInt8] {
        var out: [UInt8] = Array("\u{1B}Ptmux;".utf8)
        out.reserveCapacity(sixel.count + 64)
        for b in sixel {
            if b == 0x1B { out.append(0x1B) }
            out.append(b)
        }
        out += [0x1B, UInt8(ascii: "\\")]
        return out
    }
}

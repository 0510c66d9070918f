// What the terminal can show, and which kind of picture to draw there.
//
// Detection (TerminalProbe) fills a `TerminalCapabilities`; `GraphicsMode.choose` turns it and
// the user's `--graphics` override into one of three picture kinds. The decision is a pure
// function so it is tested without a terminal.

/// The user's `--graphics` choice.
public enum GraphicsOverride: String, Sendable, CaseIterable {
    /// Decide from the terminal.
    case auto
    /// Sixel, whatever the terminal said.
    case sixel
    /// Unicode half-blocks.
    case blocks
    /// No escape sequences: plain-text pictures.
    case none
}

/// The size of one terminal cell in pixels.
public struct CellSize: Sendable, Hashable {
    /// Pixels per column.
    public var width: Int
    /// Pixels per row.
    public var height: Int

    public init(width: Int, height: Int) { self.width = width; self.height = height }

    /// What xterm's default fixed font gives, used when the terminal will not say.
    public static let fallback = CellSize(width: 6, height: 13)
}

/// A picture size in pixels.
public struct PixelSize: Sendable, Equatable, Hashable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// A size.
    public init(width: Int, height: Int) { self.width = width; self.height = height }

    /// What a sixel terminal that does not say its limit is assumed to show: xterm's default
    /// maximum graphic size, the smallest among terminals with sixel.
    public static let sixelDefaultLimit = PixelSize(width: 1000, height: 1000)
}

/// What a terminal can do, as detected before any curses start-up.
public struct TerminalCapabilities: Sendable, Equatable {
    /// Standard input and output are both terminals.
    public var isTerminal: Bool
    /// The terminal answered DA1 with attribute 4 (sixel graphics).
    public var sixel: Bool
    /// Sixel colour registers, when the terminal reported them (XTSMGRAPHICS).
    public var colorRegisters: Int?
    /// The largest sixel picture, when the terminal reported it (XTSMGRAPHICS geometry).
    public var sixelMaxSize: PixelSize?
    /// Cell size in pixels, when known.
    public var cellSize: CellSize?
    public var columns: Int
    public var rows: Int
    /// Colours text can use: 8, 16, 256 or 16777216.
    public var colors: Int
    /// Running inside tmux (`TMUX` set).
    public var insideTmux: Bool
    /// The user asked for no colour (`NO_COLOR` set and not empty).
    public var noColor: Bool

    public init(isTerminal: Bool = false, sixel: Bool = false, colorRegisters: Int? = nil,
                cellSize: CellSize? = nil, columns: Int = 80, rows: Int = 24, colors: Int = 8,
                insideTmux: Bool = false, noColor: Bool = false) {
        self.isTerminal = isTerminal; self.sixel = sixel; self.colorRegisters = colorRegisters
        self.cellSize = cellSize; self.columns = columns; self.rows = rows; self.colors = colors
        self.insideTmux = insideTmux; self.noColor = noColor
    }

    /// 24-bit colour escapes work.
    public var truecolor: Bool { colors >= 1 << 24 }

    /// The colour depth half-block pictures should use.
    public var blockDepth: ColorDepth { truecolor ? .truecolor : .palette256 }
}

/// The kind of picture to draw.
public enum GraphicsMode: Sendable, Hashable, CustomStringConvertible {
    /// Sixel; `tmuxPassthrough` wraps it for tmux's `allow-passthrough`.
    case sixel(tmuxPassthrough: Bool)
    /// Half-blocks at a colour depth.
    case blocks(ColorDepth)
    /// Plain text.
    case text

    public var description: String {
        switch self {
        case .sixel(let wrap): return wrap ? "sixel (tmux passthrough)" : "sixel"
        case .blocks(let d): return "half-blocks (\(d == .truecolor ? "truecolor" : "256 colours"))"
        case .text: return "text"
        }
    }

    /// The picture kind for `capabilities` under `override`.
    ///
    /// An explicit override always wins (sixel inside tmux is then wrapped for passthrough).
    /// Otherwise: not a terminal, `NO_COLOR`, or fewer than 256 colours without sixel give text;
    /// inside tmux half-blocks (tmux 3.3 drops sixel); sixel when DA1 says so; else half-blocks.
    public static func choose(_ override: GraphicsOverride, _ capabilities: TerminalCapabilities) -> GraphicsMode {
        switch override {
        case .sixel: return .sixel(tmuxPassthrough: capabilities.insideTmux)
        case .blocks: return .blocks(capabilities.blockDepth)
        case .none: return .text
        case .auto: break
        }
        if !capabilities.isTerminal || capabilities.noColor { return .text }
        if capabilities.insideTmux { return capabilities.colors >= 256 ? .blocks(capabilities.blockDepth) : .text }
        if capabilities.sixel { return .sixel(tmuxPassthrough: false) }
        return capabilities.colors >= 256 ? .blocks(capabilities.blockDepth) : .text
    }
}

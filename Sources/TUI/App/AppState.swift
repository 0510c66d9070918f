// The explorer's whole state: a plain value, changed only by `update(_:)` in response to
// messages. Nothing here touches the terminal, the disk or the engine.

/// How pictures reach the terminal.
public enum PictureFormat: String, Hashable, Sendable, CaseIterable {
    /// DEC sixel graphics.
    case sixel
    /// Unicode upper half blocks, two pixels per cell, in colour.
    case halfBlock = "blocks"
    /// No pictures (no colour, or turned off): captions only.
    case none
}

/// What the terminal is and can do, as far as the explorer cares.
public struct TerminalInfo: Hashable, Sendable {
    /// Rows and columns.
    public var size: TerminalSize
    /// Pixels per cell (width, height), when the terminal reports them; 10x20 otherwise.
    public var cellWidth: Int, cellHeight: Int
    /// How pictures are drawn.
    public var pictures: PictureFormat
    /// Whether the locale shows UTF-8 (boxes and blocks) or only ASCII.
    public var unicode: Bool

    /// Terminal information from its parts.
    public init(size: TerminalSize, cellWidth: Int = 10, cellHeight: Int = 20,
                pictures: PictureFormat = .halfBlock, unicode: Bool = true) {
        self.size = size; self.cellWidth = max(1, cellWidth); self.cellHeight = max(1, cellHeight)
        self.pictures = pictures; self.unicode = unicode
    }

    /// The glyphs for this terminal.
    public var glyphs: Glyphs { unicode ? .utf8 : .ascii }
}

/// A transient line in the status bar.
public struct StatusNote: Hashable, Sendable {
    /// How it is shown.
    public enum Level: Hashable, Sendable { case info, warning, error }
    public var text: String
    public var level: Level
    /// The clock time (seconds) after which it disappears; nil keeps it until replaced.
    public var until: Double?

    /// A note from its parts.
    public init(_ text: String, _ level: Level = .info, until: Double? = nil) {
        self.text = text; self.level = level; self.until = until
    }
}

/// Everything the explorer shows, as a value.
public struct AppState: Sendable {
    /// The run as last read, or nil before the first read.
    public var run: RunSnapshot?
    /// Why the run could not be read, when it could not.
    public var runError: String?
    public var terminal: TerminalInfo
    /// The pane with the keyboard.
    public var focus: PaneID = .units
    /// The layers pane.
    public var layers = LayersPane()
    /// The units table.
    public var units = UnitsPane()
    /// The concepts pane.
    public var breakdown = BreakdownPane()
    /// The unit detail pane.
    public var detail = DetailPane()
    /// What covers the main screen, if anything.
    public var overlay: Overlay?
    /// The search prompt while `/` is being typed.
    public var prompt: SearchPrompt?
    /// A transient note in the status line.
    public var note: StatusNote?
    /// Other runs to compare with, and the rotation of a rotation run (read at start).
    public var experiments = ExperimentData()
    /// Whether this process drives the run (so `p` pauses it and `q` asks before stopping it).
    public var drivesRun: Bool
    /// Pictures encoded and ready to be written, by placement.
    public var readyPictures: Set<PictureKey> = []
    /// The last clock tick, in seconds (for notes that expire).
    public var now: Double = 0
    /// Set once the user has chosen to quit.
    public var quitting = false

    /// The state before anything is known about the run.
    ///
    /// - Parameters:
    ///   - terminal: the terminal as detected.
    ///   - drivesRun: whether this process runs the dissection it shows.
    ///   - showAbout: whether to open on the "about this run" screen.
    public init(terminal: TerminalInfo, drivesRun: Bool = false, showAbout: Bool = true) {
        self.terminal = terminal
        self.drivesRun = drivesRun
        self.overlay = showAbout ? .about : nil
    }

    /// The layout for the current size and focus.
    public var layout: Layout {
        Layout(size: terminal.size, focus: focus, layerCount: layers.rows.count, unitRows: run == nil ? nil : units.rows.count)
    }

    /// The selected layer's results.
    public var selectedLayer: LayerResult? {
        guard let run, let name = layers.selectedName else { return nil }
        return run.layers.first(where: { $0.name == name })
    }

    public var selectedUnit: UnitKey? {
        guard let layer = layers.selectedName, let unit = units.selectedRow?.unit else { return nil }
        return UnitKey(layer: layer, unit: unit)
    }

    /// The selected unit's result.
    public var selectedResult: UnitRow? { units.selectedRow }

    /// The detector threshold of the run (0.04 before it is known).
    public var threshold: Double { run?.info.detectorThreshold ?? 0.04 }

    /// Whether quitting now would stop a run this process drives.
    public var quitWouldStopRun: Bool { drivesRun && (run?.progress.isLive ?? true) }
}

/// One picture at one place and size: what an encoded image is cached under.
public struct PictureKey: Hashable, Sendable {
    public var unit: UnitKey
    /// Rank of the image among the unit's top images.
    public var rank: Int
    /// Size in cells.
    public var columns: Int, rows: Int
    /// Pixels per cell when encoded (sixel output depends on it).
    public var cellWidth: Int, cellHeight: Int
    /// The encoding.
    public var format: PictureFormat
    /// The picture with the unit's formula outlined too.
    public var formula: Bool

    /// A key from its parts.
    public init(unit: UnitKey, rank: Int, columns: Int, rows: Int, cellWidth: Int, cellHeight: Int, format: PictureFormat,
                formula: Bool = false) {
        self.unit = unit; self.rank = rank; self.columns = columns; self.rows = rows
        self.cellWidth = cellWidth; self.cellHeight = cellHeight; self.format = format; self.formula = formula
    }
}

// The whole screen for a state: every pane presented into its rectangle, overlays on top, and
// the pictures that must be written after the text. The screen draws exactly this.

/// One frame: the screen's text and the pictures to write over it.
public struct Frame: Sendable {
    /// One line per screen row, each exactly as wide as the screen.
    public var lines: [StyledLine]
    /// Pictures ready to be written, in screen cells, none reaching the last row.
    public var pictures: [PicturePlacement]
    /// Every picture the frame has a place for, ready or not (what to encode next).
    public var wanted: [PictureKey] = []
    /// Where the terminal cursor should be shown (the search prompt), or nil to hide it.
    public var cursorRow: Int?, cursorColumn: Int?

    /// The text of every row (for tests and snapshots).
    public var text: String { lines.map(\.text).joined(separator: "\n") }
}

/// Presents whole frames.
public enum FramePresenter {
    /// Where an overlay goes on a screen of `size` (the about box is sized to its text).
    public static func overlayRect(_ overlay: Overlay, size: TerminalSize) -> Rect {
        let bodyRows = max(0, size.rows - 2)
        // Popups leave a margin so they read as lying over the panes, when there is room.
        let rowMargin = size.rows >= 16 ? 1 : 0, columnMargin = size.columns >= 60 ? 2 : 0
        switch overlay {
        case .help(_):
            let w = min(78, size.columns - 2 * columnMargin)
            return Rect(row: 1 + rowMargin, column: (size.columns - w) / 2, height: bodyRows - 2 * rowMargin, width: w)
        case .about:
            // Full height on short screens: the explanation should not need scrolling.
            let w = min(92, size.columns - 2 * columnMargin)
            let margin = size.rows >= 30 ? rowMargin : 0
            return Rect(row: 1 + margin, column: (size.columns - w) / 2, height: bodyRows - 2 * margin, width: w)
        case .viewer:
            return Rect(row: 1, column: 0, height: bodyRows, width: size.columns)
        case .compare, .rotation:
            let w = min(96, size.columns - 2 * columnMargin)
            return Rect(row: 1 + rowMargin, column: (size.columns - w) / 2, height: bodyRows - 2 * rowMargin, width: w)
        case .confirmQuit:
            let w = min(56, size.columns - 2)
            return Rect(row: max(1, size.rows / 2 - 3), column: (size.columns - w) / 2, height: 6, width: w)
        }
    }

    /// The frame for `state` in `theme`.
    public static func present(_ state: AppState, theme: Theme) -> Frame {
        let size = state.terminal.size
        let glyphs = state.terminal.glyphs
        var canvas = Canvas(rows: size.rows, columns: size.columns, fill: theme.normal)
        let layout = state.layout
        if layout.mode == .tooSmall {
            canvas.draw(DialogPresenter.tooSmall(size: size, theme: theme), in: Rect(row: 0, column: 0, height: size.rows, width: size.columns))
            return Frame(lines: canvas.lines, pictures: [])
        }
        var pictures: [PicturePlacement] = []
        canvas.draw([HeaderPresenter.present(run: state.run, error: state.runError, theme: theme, glyphs: glyphs,
                                             width: size.columns)], in: layout.header)
        if let tabs = layout.tabs {
            canvas.draw([DialogPresenter.tabs(focus: state.focus, theme: theme, glyphs: glyphs, width: tabs.width)], in: tabs)
        }
        let live = state.run?.progress.isLive ?? false
        for (pane, rect) in layout.panes {
            let focused = pane == state.focus
            switch pane {
            case .layers:
                canvas.draw(LayersPresenter.present(state.layers, theme: theme, glyphs: glyphs, height: rect.height,
                                                    width: rect.width, focused: focused), in: rect)
            case .units:
                let layer = state.selectedLayer.map { ($0.name, $0.unitCount, $0.provisional) }
                canvas.draw(UnitsPresenter.present(state.units, layer: layer, threshold: state.threshold, live: live,
                                                   theme: theme, glyphs: glyphs, height: rect.height, width: rect.width,
                                                   focused: focused), in: rect)
            case .breakdown:
                canvas.draw(BreakdownPresenter.present(state.breakdown, layerName: state.layers.selectedName,
                                                       threshold: state.threshold, theme: theme, glyphs: glyphs,
                                                       height: rect.height, width: rect.width, focused: focused), in: rect)
            case .detail:
                let out = DetailPresenter.present(state.detail, result: state.selectedResult, threshold: state.threshold,
                                                  terminal: state.terminal, ready: state.readyPictures, theme: theme,
                                                  height: rect.height, width: rect.width, focused: focused)
                canvas.draw(out.lines, in: rect)
                pictures += out.pictures.map { offset($0, by: rect) }
            }
        }
        if let overlay = state.overlay {
            let rect = overlayRect(overlay, size: size)
            pictures.removeAll { $0.rect.intersects(rect) }
            switch overlay {
            case .help(let offset):
                canvas.draw(HelpPresenter.present(offset: offset, theme: theme, glyphs: glyphs, height: rect.height,
                                                  width: rect.width), in: rect)
            case .about:
                let lines = AboutPresenter.present(run: state.run, error: state.runError, theme: theme, glyphs: glyphs,
                                                   height: rect.height, width: rect.width)
                canvas.draw(lines, in: rect)
            case .viewer:
                let out = ViewerPresenter.present(state.detail, result: state.selectedResult, terminal: state.terminal,
                                                  ready: state.readyPictures, theme: theme, height: rect.height, width: rect.width)
                canvas.draw(out.lines, in: rect)
                pictures += out.pictures.map { offset($0, by: rect) }
            case .compare:
                canvas.draw(ComparePresenter.present(CompareView.of(state), theme: theme, glyphs: glyphs,
                                                     height: rect.height, width: rect.width), in: rect)
            case .rotation:
                canvas.draw(RotationPresenter.present(RotationView.of(state), theme: theme, glyphs: glyphs,
                                                      height: rect.height, width: rect.width), in: rect)
            case .confirmQuit:
                canvas.draw(DialogPresenter.confirmQuit(phase: state.run?.progress.phase, theme: theme, glyphs: glyphs, width: rect.width), in: rect)
            }
        }
        let matches = state.units.matches.count
        let (status, cursor) = StatusPresenter.present(prompt: state.prompt, matches: matches, note: state.note,
                                                       focus: state.focus, overlay: state.overlay, drivesRun: state.drivesRun,
                                                       theme: theme, glyphs: glyphs, width: size.columns)
        canvas.draw([status], in: layout.status)
        // Keep pictures clear of the last row: a sixel touching it scrolls the screen.
        pictures.removeAll { $0.rect.row + $0.rect.height > size.rows - 1 || $0.rect.width <= 0 || $0.rect.height <= 0 }
        // Only pictures the state knows are ready: their cells are blank in this frame, so
        // ncurses will not later overwrite them with a placeholder's change.
        let ready = pictures.filter { state.readyPictures.contains($0.key) }
        return Frame(lines: canvas.lines, pictures: ready, wanted: pictures.map(\.key),
                     cursorRow: cursor == nil ? nil : layout.status.row, cursorColumn: cursor)
    }

    static func offset(_ p: PicturePlacement, by rect: Rect) -> PicturePlacement {
        PicturePlacement(rect: Rect(row: p.rect.row + rect.row, column: p.rect.column + rect.column,
                                    height: p.rect.height, width: p.rect.width), key: p.key)
    }
}

// The update function: the only code that changes `AppState`. Each message is applied in full
// and returns the effects the runtime must carry out; no I/O happens here, so every behaviour
// of the explorer can be tested by feeding messages to a value.
import Workflows

extension AppState {
    /// Applies `message` and returns what the runtime must do.
    public mutating func update(_ message: Message) -> [Effect] {
        switch message {
        case .key(let key):
            return handleKey(key)
        case .mouse(let event):
            return handleMouse(event)
        case .resized(let info):
            let changed = info != terminal
            terminal = info
            reclampAll()
            return changed ? [.redrawAll] : []
        case .snapshot(let snapshot):
            return apply(snapshot)
        case .sourceFailed(let message):
            if run == nil { runError = message } else { note = StatusNote(message, .warning, until: now + 5) }
            return []
        case .imagesLoaded(let key, let result):
            guard key == detail.unit else { return [] }
            switch result {
            case .success(let captions):
                detail.images = .loaded(captions)
                detail.selectedImage = min(detail.selectedImage, max(0, captions.count - 1))
            case .failure(let error):
                detail.images = .failed(error.message)
            }
            return []
        case .pictureReady(let key):
            readyPictures.insert(key)
            return []
        case .tick(let time):
            now = time
            if let until = note?.until, until <= time { note = nil }
            return []
        case .terminate:
            quitting = true
            return [quitWouldStopRun ? .cancelRunAndQuit : .quit]
        }
    }

    /// Takes in a fresh read of the run, keeping selections and scroll positions.
    mutating func apply(_ snapshot: RunSnapshot) -> [Effect] {
        let wasLive = run?.progress.isLive ?? false
        let previousUnits = selectedLayer?.units
        run = snapshot
        runError = nil
        let selectedName = layers.selectedName
        layers.rows = snapshot.layers.map { LayerSummary($0, threshold: snapshot.info.detectorThreshold) }
        if let selectedName, let row = layers.rows.firstIndex(where: { $0.name == selectedName }) {
            layers.cursor.selected = row
        }
        layers.cursor.clamp(count: layers.rows.count, visible: layout.visibleRows(.layers))
        refreshLayerViews()
        var effects = syncDetail()
        // Reload the images when the run finishes (top images may have been provisional), or
        // when they were missing and new results have arrived since.
        if effects.isEmpty, let key = detail.unit {
            let finishedNow = wasLive && !snapshot.progress.isLive
            let missing: Bool
            switch detail.images {
            case .failed: missing = true
            case .loaded(let c): missing = c.isEmpty
            default: missing = false
            }
            if finishedNow || (missing && previousUnits != selectedLayer?.units) {
                detail.images = .loading
                effects.append(.loadImages(key))
            }
        }
        return effects
    }

    /// Rebuilds the units table and the breakdown from the selected layer.
    mutating func refreshLayerViews() {
        let layer = selectedLayer
        units.refresh(layer?.units ?? [], threshold: threshold, visible: layout.visibleRows(.units))
        let categories = run?.info.categories ?? []
        breakdown.breakdown = Breakdown(units: layer?.units ?? [], categories: categories, threshold: threshold)
        breakdown.cursor.clamp(count: breakdownLineCount, visible: layout.visibleRows(.breakdown))
    }

    /// Points the detail pane at the selected unit, asking for its images when it changed.
    mutating func syncDetail() -> [Effect] {
        let key = selectedUnit
        guard key != detail.unit else { return [] }
        detail = DetailPane()
        detail.unit = key
        guard let key else { return [] }
        detail.images = .loading
        return [.loadImages(key)]
    }

    /// Lines of the concepts pane: the bars, a heading, the labels.
    var breakdownLineCount: Int {
        let b = breakdown.breakdown
        return b.bars.count + (b.topLabels.isEmpty ? 0 : 1 + b.topLabels.count)
    }

    /// Re-establishes every cursor invariant for the current layout (after a resize).
    mutating func reclampAll() {
        let l = layout
        layers.cursor.clamp(count: layers.rows.count, visible: l.visibleRows(.layers))
        units.cursor.clamp(count: units.rows.count, visible: l.visibleRows(.units))
        breakdown.cursor.clamp(count: breakdownLineCount, visible: l.visibleRows(.breakdown))
    }

    /// Selects layer row `row` and resets the units table to its top.
    mutating func selectLayer(_ row: Int) -> [Effect] {
        let before = layers.cursor.selected
        layers.cursor.select(row, count: layers.rows.count, visible: layout.visibleRows(.layers))
        guard layers.cursor.selected != before else { return [] }
        units.selectedUnit = nil
        units.cursor = ListCursor()
        refreshLayerViews()
        breakdown.cursor = ListCursor()
        return syncDetail()
    }

    /// Selects units row `row`.
    mutating func selectUnitRow(_ row: Int) -> [Effect] {
        units.select(row: row, visible: layout.visibleRows(.units))
        return syncDetail()
    }

    /// Re-sorts or re-filters the table, keeping the selected unit when it is still shown.
    mutating func refilter() -> [Effect] {
        units.refresh(selectedLayer?.units ?? [], threshold: threshold, visible: layout.visibleRows(.units))
        return syncDetail()
    }

    /// Shows `text` in the status line for a few seconds.
    mutating func flash(_ text: String, _ level: StatusNote.Level = .info) {
        note = StatusNote(text, level, until: now + 4)
    }
}

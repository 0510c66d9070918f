// The mouse: a click selects what is under it (and focuses its pane), a double click opens it,
// the wheel scrolls the pane under the pointer, a click on a column heading sorts by it.

extension AppState {
    /// Applies one mouse event.
    mutating func handleMouse(_ event: MouseEvent) -> [Effect] {
        if prompt != nil { return [] }
        if let overlay { return handleOverlayMouse(event, overlay) }
        let l = layout
        if let tabs = l.tabs, tabs.contains(row: event.row, column: event.column), event.kind == .click {
            if let pane = DialogPresenter.tab(atColumn: event.column - tabs.column, width: tabs.width) {
                return setFocus(pane)
            }
            return []
        }
        guard let pane = l.pane(atRow: event.row, column: event.column), let rect = l.panes[pane] else { return [] }
        let inner = rect.inset(1)
        switch event.kind {
        case .wheelUp, .wheelDown:
            let delta = event.kind == .wheelUp ? -3 : 3
            return scroll(pane, by: delta)
        case .click, .doubleClick:
            var effects = setFocus(pane)
            guard inner.contains(row: event.row, column: event.column) else { return effects }
            let y = event.row - inner.row, x = event.column - inner.column
            switch pane {
            case .layers:
                guard y >= 1 else { return effects }
                let row = layers.cursor.offset + y - 1
                guard row < layers.rows.count else { return effects }
                effects += selectLayer(row)
            case .units:
                if y == 0 {
                    if let sort = UnitsColumns(width: inner.width).sort(at: x) {
                        if units.sort == sort { units.reversed.toggle() } else { units.sort = sort; units.reversed = false }
                        effects += refilter()
                    }
                    return effects
                }
                let row = units.cursor.offset + y - 1
                guard row < units.rows.count else { return effects }
                effects += selectUnitRow(row)
            case .breakdown:
                let line = breakdown.cursor.offset + y
                guard line < breakdownLineCount, line != breakdown.breakdown.bars.count || breakdown.breakdown.topLabels.isEmpty else {
                    return effects
                }
                breakdown.cursor.select(line, count: breakdownLineCount, visible: l.visibleRows(.breakdown))
            case .detail:
                if let rank = imageRank(atRow: y, column: x, inner: inner) { detail.selectedImage = rank }
                else if event.kind == .doubleClick { return effects }
            }
            if event.kind == .doubleClick { effects += open() }
            return effects
        }
    }

    /// The rank of the picture at inner cell (`y`, `x`) of the detail pane.
    func imageRank(atRow y: Int, column x: Int, inner: Rect) -> Int? {
        let captions = detail.captions
        guard let first = captions.first else { return nil }
        let top = DetailPresenter.headerRows(categories: selectedResult?.perCategory.count ?? 0, width: inner.width,
                                             height: inner.height)
        let aspect = first.height > 0 ? Double(first.width) / Double(first.height) : 1
        guard let strip = ImageStrip(top: top, height: inner.height, width: inner.width, aspect: aspect,
                                     count: captions.count, selected: detail.selectedImage, terminal: terminal) else { return nil }
        for i in 0..<strip.perRow {
            var r = strip.rect(i)
            r.height += 1  // the caption under it
            if r.contains(row: y, column: x), strip.first + i < captions.count { return strip.first + i }
        }
        return nil
    }

    /// Scrolls `pane` by `delta` rows (the wheel).
    mutating func scroll(_ pane: PaneID, by delta: Int) -> [Effect] {
        let l = layout
        switch pane {
        case .layers:
            return selectLayer(clampedAdd(layers.cursor.selected, delta > 0 ? 1 : -1))
        case .units:
            units.cursor.scroll(by: delta, count: units.rows.count, visible: l.visibleRows(.units))
            if units.rows.indices.contains(units.cursor.selected) { units.selectedUnit = units.rows[units.cursor.selected].unit }
            return syncDetail()
        case .breakdown:
            breakdown.cursor.scroll(by: delta, count: breakdownLineCount, visible: l.visibleRows(.breakdown))
            return []
        case .detail:
            stepImage(delta > 0 ? 1 : -1)
            return []
        }
    }

    /// The mouse while an overlay is open.
    mutating func handleOverlayMouse(_ event: MouseEvent, _ overlay: Overlay) -> [Effect] {
        switch (overlay, event.kind) {
        case (.help(let offset), .wheelUp): self.overlay = .help(offset: max(0, offset - 3))
        case (.help(let offset), .wheelDown): self.overlay = .help(offset: offset + 3)
        case (.viewer, .wheelUp): stepImage(-1)
        case (.viewer, .wheelDown): stepImage(1)
        case (.about, .click), (.help, .click), (.viewer, .doubleClick):
            self.overlay = nil
            return [.redrawAll]
        default: break
        }
        return []
    }
}

// Keys: the prompt takes typed text first, then an open overlay, then the binding table for the
// focused pane.
import Render

extension AppState {
    /// Applies one key press.
    mutating func handleKey(_ key: Key) -> [Effect] {
        if prompt != nil { return handlePromptKey(key) }
        if let overlay { return handleOverlayKey(key, overlay) }
        var scopes: [BindingScope] = []
        if focus == .detail { scopes.append(.detail) }
        scopes += [.units, .global]
        guard let action = KeyBindings.action(for: key, in: scopes) else { return [] }
        return perform(action)
    }

    /// What the units table shows after a filter key, both filters together: "showing object
    /// detectors only (IoU ≥ 0.040)", not just the filter the key changed.
    var filterSummary: String {
        let detectors = "detectors only (IoU ≥ \(formatIoU(threshold)))"
        switch (units.category, units.detectorsOnly) {
        case (nil, false): return "showing all units"
        case (let c?, false): return "showing \(c) units only"
        case (nil, true): return "showing " + detectors
        case (let c?, true): return "showing \(c) " + detectors
        }
    }

    /// Typing a search: incremental, Enter keeps it, Esc restores the previous one.
    mutating func handlePromptKey(_ key: Key) -> [Effect] {
        guard var p = prompt else { return [] }
        switch key {
        case .enter:
            prompt = nil
            if !units.query.isEmpty && units.matches.isEmpty { flash("no label matches '\(units.query)'", .warning) }
            return []
        case .escape:
            prompt = nil
            note = nil  // a "no label matches" about the abandoned search would be stale
            return setQuery(p.previous, jump: false)
        case .backspace, .delete:
            if p.text.isEmpty { prompt = nil; return setQuery(p.previous, jump: false) }
            p.text.removeLast()
        case .ctrl("u"):
            p.text = ""
        case .char(let c):
            p.text.append(c)
        default:
            return []
        }
        prompt = p
        return setQuery(p.text, jump: true)
    }

    /// Sets the search and, when `jump`, selects the first match at or after the selection.
    mutating func setQuery(_ query: String, jump: Bool) -> [Effect] {
        units.query = query
        var effects = refilter()
        if jump, !units.matches.isEmpty {
            let from = units.cursor.selected
            let row = units.matches.first(where: { $0 >= from }) ?? units.matches[0]
            effects += selectUnitRow(row)
        }
        return effects
    }

    /// Keys while an overlay is open.
    mutating func handleOverlayKey(_ key: Key, _ overlay: Overlay) -> [Effect] {
        switch overlay {
        case .about:
            self.overlay = nil
            if key == .char("q") || key == .ctrl("c") { return perform(.quit) }
            if key == .char("?") { self.overlay = .help(offset: 0) }
            return [.redrawAll]
        case .confirmQuit:
            switch key {
            case .char("y"), .char("Y"), .enter:
                quitting = true
                // The run may have finished while the dialog was open: then there is nothing to stop.
                return [quitWouldStopRun ? .cancelRunAndQuit : .quit]
            case .char("n"), .char("N"), .escape, .char("q"):
                self.overlay = nil
                return [.redrawAll]
            default:
                return []
            }
        case .help(let offset):
            guard let action = KeyBindings.action(for: key, in: [.help, .global]) else { return [] }
            let rect = FramePresenter.overlayRect(overlay, size: terminal.size)
            let page = max(1, rect.height - 2)
            let last = max(0, HelpPresenter.lines(theme: .default, glyphs: terminal.glyphs, width: rect.width - 2).count - page)
            switch action {
            case .back, .help: self.overlay = nil; return [.redrawAll]
            case .quit: self.overlay = nil; return perform(.quit)
            case .up: self.overlay = .help(offset: max(0, offset - 1))
            case .down: self.overlay = .help(offset: min(last, offset + 1))
            case .pageUp: self.overlay = .help(offset: max(0, offset - page))
            case .pageDown: self.overlay = .help(offset: min(last, offset + page))
            case .top: self.overlay = .help(offset: 0)
            case .bottom: self.overlay = .help(offset: last)
            default: break
            }
            return []
        case .compare, .rotation:
            return handleExperimentKey(key, overlay)
        case .viewer:
            guard let action = KeyBindings.action(for: key, in: [.viewer, .global]) else { return [] }
            switch action {
            case .back: self.overlay = nil; return [.redrawAll]
            case .previousImage: stepImage(-1)
            case .nextImage: stepImage(1)
            case .top: stepImage(-Int.max / 2)
            case .bottom: stepImage(Int.max / 2)
            case .formulaOutline: detail.showFormula.toggle(); return [.redrawAll]
            case .help: self.overlay = .help(offset: 0); return [.redrawAll]
            case .quit: return perform(.quit)
            default: break
            }
            return []
        }
    }

    /// Carries out an action from the binding table on the main screen.
    mutating func perform(_ action: Action) -> [Effect] {
        let l = layout
        switch action {
        case .up: return moveSelection(by: -1)
        case .down: return moveSelection(by: 1)
        case .pageUp: return moveSelection(by: -l.visibleRows(focus))
        case .pageDown: return moveSelection(by: l.visibleRows(focus))
        case .top: return moveSelection(by: -Int.max / 2)
        case .bottom: return moveSelection(by: Int.max / 2)
        case .nextPane: return setFocus(focus.next)
        case .previousPane: return setFocus(focus.previous)
        case .paneLeft:
            if l.mode == .narrow { return setFocus(focus.previous) }
            return setFocus(focus == .units ? .layers : focus == .detail ? .breakdown : focus)
        case .paneRight:
            if l.mode == .narrow { return setFocus(focus.next) }
            return setFocus(focus == .layers ? .units : focus == .breakdown ? .detail : focus)
        case .open: return open()
        case .back: return back()
        case .sortNext:
            units.sort = units.sort.next
            units.reversed = false
            flash("sorted by \(units.sort.title)")
            return refilter()
        case .sortReverse:
            units.reversed.toggle()
            return refilter()
        case .filterCategory, .filterCategoryBack:
            let choices: [String?] = [nil] + (run?.info.categories ?? [])
            let index = choices.firstIndex(of: units.category) ?? 0
            let step = action == .filterCategory ? 1 : choices.count - 1
            units.category = choices[(index + step) % choices.count]
            flash(filterSummary)
            return refilter()
        case .detectorsOnly:
            units.detectorsOnly.toggle()
            flash(filterSummary)
            return refilter()
        case .clearFilters:
            units.category = nil
            units.detectorsOnly = false
            units.query = ""
            flash("filters and search cleared")
            return refilter()
        case .search:
            if focus != .units { focus = .units }
            prompt = SearchPrompt(previous: units.query)
            return []
        case .nextMatch, .previousMatch:
            guard !units.query.isEmpty else { flash("no search: press / to search labels"); return [] }
            guard let row = units.match(after: units.cursor.selected, backwards: action == .previousMatch) else {
                flash("no label matches '\(units.query)'", .warning)
                return []
            }
            if focus != .units { focus = .units }
            return selectUnitRow(row)
        case .previousImage: stepImage(-1); return []
        case .nextImage: stepImage(1); return []
        case .formulaOutline: return []  // the larger view's key (its own scope)
        case .help: overlay = .help(offset: 0); return [.redrawAll]
        case .about: overlay = .about; return [.redrawAll]
        case .pauseResume: return pauseResume()
        case .compare, .rotation: return openExperiment(action)
        case .quit:
            if quitWouldStopRun { overlay = .confirmQuit; return [.redrawAll] }
            quitting = true
            return [.quit]
        }
    }

    /// Moves the focused pane's selection.
    mutating func moveSelection(by delta: Int) -> [Effect] {
        let l = layout
        switch focus {
        case .layers:
            return selectLayer(clampedAdd(layers.cursor.selected, delta))
        case .units:
            return selectUnitRow(clampedAdd(units.cursor.selected, delta))
        case .breakdown:
            let headingLine = breakdown.breakdown.bars.count
            var target = clampedAdd(breakdown.cursor.selected, delta)
            if target == headingLine && !breakdown.breakdown.topLabels.isEmpty {
                target += delta < 0 ? -1 : 1
            }
            breakdown.cursor.select(target, count: breakdownLineCount, visible: l.visibleRows(.breakdown))
            if breakdown.cursor.selected == headingLine && !breakdown.breakdown.topLabels.isEmpty {
                breakdown.cursor.select(headingLine - 1, count: breakdownLineCount, visible: l.visibleRows(.breakdown))
            }
            return []
        case .detail:
            stepImage(delta)
            return []
        }
    }

    /// Moves the selected image by `delta`, clamped to the loaded images.
    mutating func stepImage(_ delta: Int) {
        let count = detail.captions.count
        guard count > 0 else { return }
        detail.selectedImage = min(max(clampedAdd(detail.selectedImage, delta), 0), count - 1)
    }

    /// Gives the keyboard to `pane`.
    mutating func setFocus(_ pane: PaneID) -> [Effect] {
        guard pane != focus else { return [] }
        let wasNarrow = layout.mode == .narrow
        focus = pane
        return wasNarrow ? [.redrawAll] : []
    }

    /// Enter: go deeper.
    mutating func open() -> [Effect] {
        switch focus {
        case .layers:
            return setFocus(.units)
        case .units, .detail:
            guard detail.unit != nil else { return [] }
            overlay = .viewer
            return [.redrawAll]
        case .breakdown:
            let b = breakdown.breakdown
            let row = breakdown.cursor.selected
            var effects: [Effect]
            if row < b.bars.count {
                units.category = b.bars[row].category
                units.detectorsOnly = true
                units.query = ""
                flash("detectors of category \(b.bars[row].category)")
                effects = refilter()
            } else if row > b.bars.count, b.topLabels.indices.contains(row - b.bars.count - 1) {
                let label = b.topLabels[row - b.bars.count - 1].label
                units.category = nil
                effects = setQuery(label, jump: true)
            } else {
                return []
            }
            effects += setFocus(.units)
            return effects
        }
    }

    /// Esc: close, clear, or step back.
    mutating func back() -> [Effect] {
        if focus == .units && !units.query.isEmpty {
            note = nil  // it may speak of the search just cleared
            return setQuery("", jump: false)
        }
        switch focus {
        case .units, .breakdown: return setFocus(.layers)
        case .detail: return setFocus(.units)
        case .layers: return []
        }
    }

    /// `p`: pause or resume a run this process drives.
    mutating func pauseResume() -> [Effect] {
        guard drivesRun else {
            flash(run?.progress.isLive == true
                  ? "this run is written by another process: pause it there"
                  : "this run is not running", .warning)
            return []
        }
        switch run?.progress.phase {
        case .running?:
            flash("pausing after the current batch")
            return [.pauseRun]
        case .paused?:
            flash("resuming")
            return [.resumeRun]
        default:
            flash("the run is not running", .warning)
            return []
        }
    }
}

/// `a + b` without overflow.
func clampedAdd(_ a: Int, _ b: Int) -> Int {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? (b > 0 ? Int.max : Int.min) : sum
}

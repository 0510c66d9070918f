// Keys of the experiment overlays: `v` follows the selected unit across the compared runs (the
// arrows move to the next unit of the table underneath, so the view can be scanned unit by
// unit); `a` shows a rotation run's counts against α.

extension AppState {
    /// Opens the compare or rotation overlay, or says why it has nothing to show.
    mutating func openExperiment(_ action: Action) -> [Effect] {
        switch action {
        case .compare:
            guard !experiments.others.isEmpty else {
                flash("no runs to compare: start the explorer with --compare OTHER_RUN", .warning)
                return []
            }
            overlay = .compare
        case .rotation:
            guard experiments.rotation != nil else {
                flash("not a rotation run: netdissect rotate makes one", .warning)
                return []
            }
            overlay = .rotation
        default:
            return []
        }
        return [.redrawAll]
    }

    /// A key while the compare or rotation overlay is open.
    mutating func handleExperimentKey(_ key: Key, _ overlay: Overlay) -> [Effect] {
        guard let action = KeyBindings.action(for: key, in: [.global]) else { return [] }
        switch action {
        case .back, .compare where overlay == .compare, .rotation where overlay == .rotation:
            self.overlay = nil
            return [.redrawAll]
        case .quit:
            self.overlay = nil
            return perform(.quit)
        case .help:
            self.overlay = .help(offset: 0)
            return [.redrawAll]
        case .up, .down, .pageUp, .pageDown, .top, .bottom:
            guard overlay == .compare else { return [] }
            let delta: Int
            switch action {
            case .up: delta = -1
            case .down: delta = 1
            case .pageUp: delta = -10
            case .pageDown: delta = 10
            case .top: delta = -Int.max / 2
            default: delta = Int.max / 2
            }
            return selectUnitRow(clampedAdd(units.cursor.selected, delta))
        default:
            return []
        }
    }
}

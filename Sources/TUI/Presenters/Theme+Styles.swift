// The styles presenters use, derived from a theme's semantic colours. A theme that leaves the
// selection background empty (the monochrome one) gets reverse video instead, so the selection
// shows on any terminal.

extension Theme {
    /// Ordinary text.
    public var normal: Style { Style(fg: self[.mainFG], bg: self[.mainBG]) }
    /// Secondary text: headings, counts, hints.
    public var dim: Style {
        let fg = self[.inactiveFG]
        return Style(fg: fg, bg: self[.mainBG], attributes: fg == .terminalDefault ? [.dim] : [])
    }
    /// Titles and the run line.
    public var title: Style { Style(fg: self[.title], bg: self[.mainBG], attributes: [.bold]) }
    /// Key letters in hints.
    public var key: Style { Style(fg: self[.hiFG], bg: self[.mainBG], attributes: [.bold]) }
    /// The selected row of the focused pane.
    public var selected: Style {
        let bg = self[.selectedBG]
        if bg == .terminalDefault { return Style(fg: .terminalDefault, bg: .terminalDefault, attributes: [.reverse]) }
        return Style(fg: self[.selectedFG], bg: bg, attributes: [.bold])
    }
    /// The selected row of a pane without the keyboard.
    public var selectedInactive: Style {
        let bg = self[.selectedBG]
        if bg == .terminalDefault { return Style(fg: .terminalDefault, bg: .terminalDefault, attributes: [.underline]) }
        return Style(fg: self[.mainFG], bg: bg)
    }
    /// A pane border.
    public func border(focused: Bool) -> Style {
        let fg = self[focused ? .borderFocus : .border]
        return Style(fg: fg, bg: self[.mainBG], attributes: focused && fg == .terminalDefault ? [.bold] : [])
    }
    /// A search match.
    public var match: Style { Style(fg: self[.matchFG], bg: self[.mainBG], attributes: [.bold, .underline]) }
    /// The detector mark.
    public var detector: Style { Style(fg: self[.detector], bg: self[.mainBG], attributes: [.bold]) }
    /// Warnings.
    public var warning: Style { Style(fg: self[.warning], bg: self[.mainBG], attributes: [.bold]) }
    public var error: Style { Style(fg: self[.error], bg: self[.mainBG], attributes: [.bold]) }
    /// The paused badge.
    public var paused: Style { Style(fg: self[.paused], bg: self[.mainBG], attributes: [.bold, .reverse]) }
    /// Text on the overlay background.
    public var overlay: Style { Style(fg: self[.mainFG], bg: self[.overlayBG]) }
    /// The filled part of the progress bar.
    public var progressFilled: Style { Style(fg: self[.progressBar], bg: self[.progressBG]) }
    /// The empty part of the progress bar.
    public var progressEmpty: Style { Style(fg: self[.progressBG], bg: self[.progressBG]) }

    /// The colour of a category's name and bar.
    public func category(_ name: String) -> Style {
        Style(fg: self[ThemeKey.category(name)], bg: self[.mainBG])
    }

    /// IoU text: dim below the threshold, shading towards `iou_high` above it.
    public func iou(_ value: Double, threshold: Double) -> Style {
        guard value >= threshold else { return Style(fg: self[.iouLow], bg: self[.mainBG]) }
        guard let low = self[.mainFG].rgb, let high = self[.iouHigh].rgb else {
            return Style(fg: self[.iouHigh], bg: self[.mainBG], attributes: [.bold])
        }
        // Full strength at 0.2 and above: the paper's strong detectors.
        let t = min(max((value - threshold) / max(0.2 - threshold, 1e-6), 0), 1)
        return Style(fg: .rgb(low.mixed(with: high, 0.35 + 0.65 * t)), bg: self[.mainBG])
    }
}

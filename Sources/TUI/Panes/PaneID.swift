// The panes of the explorer's main screen and the overlays that can cover it.

/// A pane of the main screen, in Tab order.
public enum PaneID: String, CaseIterable, Hashable, Sendable {
    /// The layers of the run.
    case layers
    /// The units of the selected layer.
    case units
    /// Category breakdown bars and the labels with the most detectors.
    case breakdown
    /// The selected unit: best label per category and top images.
    case detail

    /// The pane's title.
    public var title: String {
        switch self {
        case .layers: "Layers"
        case .units: "Units"
        case .breakdown: "Concepts"
        case .detail: "Unit"
        }
    }

    /// The next pane in Tab order (wrapping).
    public var next: PaneID {
        let all = PaneID.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// The previous pane in Tab order (wrapping).
    public var previous: PaneID {
        let all = PaneID.allCases
        return all[(all.firstIndex(of: self)! + all.count - 1) % all.count]
    }
}

/// Something drawn over the main screen that takes the keys while it is open.
public enum Overlay: Hashable, Sendable {
    /// The key help, scrolled to `offset`.
    case help(offset: Int)
    /// What this run is and what the numbers mean (also the first screen).
    case about
    /// "Stop the run and quit?"
    case confirmQuit
    /// The selected unit's top images, one large.
    case viewer
    /// The selected unit followed across the compared runs (`explore --compare`).
    case compare
    /// A rotation run's unique detectors against α.
    case rotation
}

/// The `/` prompt while it is being typed.
public struct SearchPrompt: Hashable, Sendable {
    /// The text typed so far.
    public var text: String
    /// The search that was active before, restored on Esc.
    public var previous: String

    /// A prompt starting empty.
    public init(previous: String) { self.text = ""; self.previous = previous }
}

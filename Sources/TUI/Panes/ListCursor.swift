// A selection and scroll position over a list of rows, the behaviour every list pane shares.

/// The selected row and the first visible row of a scrolled list.
///
/// Invariants after `clamp(count:visible:)`: `selected` is in `0..<count` (0 when empty) and is
/// visible, i.e. in `offset..<offset + visible`.
public struct ListCursor: Hashable, Sendable {
    /// The selected row.
    public var selected: Int
    /// The first visible row.
    public var offset: Int

    /// A cursor on the first row.
    public init(selected: Int = 0, offset: Int = 0) {
        self.selected = selected; self.offset = offset
    }

    /// Moves the selection by `delta` rows, keeping it in range and visible.
    public mutating func move(by delta: Int, count: Int, visible: Int) {
        selected += delta
        clamp(count: count, visible: visible)
    }

    /// Selects `row` (clamped), scrolling as little as needed to show it.
    public mutating func select(_ row: Int, count: Int, visible: Int) {
        selected = row
        clamp(count: count, visible: visible)
    }

    /// Scrolls the view by `delta` rows without moving the selection off screen unless it must.
    public mutating func scroll(by delta: Int, count: Int, visible: Int) {
        let maxOffset = max(0, count - max(visible, 1))
        offset = min(max(offset + delta, 0), maxOffset)
        if selected < offset { selected = offset }
        if selected >= offset + visible { selected = offset + visible - 1 }
        clamp(count: count, visible: visible)
    }

    /// Restores the invariants for a list of `count` rows showing `visible` at a time.
    public mutating func clamp(count: Int, visible: Int) {
        guard count > 0 else { selected = 0; offset = 0; return }
        let visible = max(visible, 1)
        selected = min(max(selected, 0), count - 1)
        offset = min(max(offset, 0), max(0, count - visible))
        if selected < offset { offset = selected }
        if selected >= offset + visible { offset = selected - visible + 1 }
    }
}

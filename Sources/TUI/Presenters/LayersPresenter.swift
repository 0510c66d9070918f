// The layers pane: one row per layer with its units, detectors and unique concepts.

/// Presents the layers pane.
public enum LayersPresenter {
    /// The pane, border included, `height` x `width` cells.
    public static func present(_ pane: LayersPane, theme: Theme, glyphs: Glyphs,
                               height: Int, width: Int, focused: Bool) -> [StyledLine] {
        let inner = max(0, width - 2)
        let visible = max(0, height - 3)
        var content: [StyledLine] = []
        let showUnits = inner >= 24
        let numbers = showUnits ? 14 : 9
        let nameWidth = max(4, inner - numbers)
        var heading = LineBuilder()
        heading.add("layer", theme.dim, width: nameWidth, glyphs: glyphs)
        if showUnits { heading.add("units", theme.dim, width: 5, alignRight: true, glyphs: glyphs) }
        heading.add("det", theme.dim, width: 4, alignRight: true, glyphs: glyphs)
        heading.add("uniq", theme.dim, width: 5, alignRight: true, glyphs: glyphs)
        content.append(heading.build(width: inner, fill: theme.normal))
        if pane.rows.isEmpty {
            var b = LineBuilder()
            b.add("no layers yet", theme.dim)
            content.append(b.build(width: inner, fill: theme.normal))
        }
        for row in pane.cursor.offset..<min(pane.rows.count, pane.cursor.offset + visible) {
            let layer = pane.rows[row]
            let isSelected = row == pane.cursor.selected
            let base = isSelected ? (focused ? theme.selected : theme.selectedInactive) : theme.normal
            let numberStyle = isSelected ? base : (layer.provisional ? theme.dim : theme.normal)
            var b = LineBuilder()
            b.add(layer.name, base, width: nameWidth, glyphs: glyphs)
            if showUnits {
                let units = layer.scored < layer.units ? "\(layer.scored)/\(layer.units)" : "\(layer.units)"
                b.add(units, numberStyle, width: 5, alignRight: true, glyphs: glyphs)
            }
            b.add("\(layer.detectors)", isSelected ? base : theme.detector.with(layer.provisional ? [.dim] : []),
                  width: 4, alignRight: true, glyphs: glyphs)
            b.add("\(layer.uniqueConcepts)", numberStyle.with(isSelected ? [] : [.bold]), width: 5, alignRight: true, glyphs: glyphs)
            content.append(b.build(width: inner, fill: base))
        }
        return Panel.framed(title: [Span("Layers", theme.title)], content: content, height: height, width: width,
                            focused: focused, theme: theme, glyphs: glyphs,
                            scroll: (pane.cursor.offset, pane.rows.count, visible))
    }
}

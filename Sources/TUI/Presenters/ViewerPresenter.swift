// The larger view: one of the unit's top images as large as the screen allows, with its caption.
import Render

/// Presents the larger image view.
public enum ViewerPresenter {
    /// The overlay box at `height` x `width`, and the picture's placement relative to it.
    public static func present(_ pane: DetailPane, result: UnitRow?, terminal: TerminalInfo, ready: Set<PictureKey>,
                               theme: Theme, height: Int, width: Int) -> PaneOutput {
        let glyphs = terminal.glyphs
        let bg = theme[.overlayBG]
        let normal = theme.normal.bg(bg), dim = theme.dim.bg(bg)
        let inner = max(0, width - 2), innerHeight = max(0, height - 2)
        var content = Array(repeating: StyledLine.blank(inner, normal), count: innerHeight)
        var pictures: [PicturePlacement] = []
        let captions = pane.captions
        var title: [Span] = [Span("Top images", theme.title.bg(bg))]
        if let result {
            title = [Span("Unit \(result.unit) \(glyphs.dot) \(result.label.isEmpty ? "-" : result.label)", theme.title.bg(bg)),
                     Span(" IoU \(formatIoU(result.iou))", dim)]
        }
        if let unit = pane.unit, captions.indices.contains(pane.selectedImage), innerHeight >= 4 {
            let c = captions[pane.selectedImage]
            let outlined = pane.showFormula && c.hasFormula
            title.append(Span(" \(glyphs.dot) image \(pane.selectedImage + 1)/\(captions.count)", dim))
            let aspect = c.height > 0 ? Double(c.width) / Double(c.height) : 1
            var rows = innerHeight - 2
            var cols = ImageStrip.columns(rows: rows, aspect: aspect, terminal: terminal)
            if cols > inner {
                let perRow = Double(ImageStrip.columns(rows: 100, aspect: aspect, terminal: terminal)) / 100
                rows = max(1, Int(Double(inner) / perRow))
                cols = min(inner, ImageStrip.columns(rows: rows, aspect: aspect, terminal: terminal))
            }
            if terminal.pictures != .none {
                let rect = Rect(row: 0, column: (inner - cols) / 2, height: rows, width: cols)
                let key = PictureKey(unit: unit, rank: c.rank, columns: cols, rows: rows,
                                     cellWidth: terminal.cellWidth, cellHeight: terminal.cellHeight, format: terminal.pictures,
                                     formula: outlined)
                pictures.append(PicturePlacement(rect: Rect(row: rect.row + 1, column: rect.column + 1,
                                                            height: rows, width: cols), key: key))
                if !ready.contains(key) {
                    var l = LineBuilder()
                    l.pad(rect.column, normal)
                    l.add("drawing" + glyphs.ellipsis, dim)
                    content[0] = l.build(width: inner, fill: normal)
                }
            }
            var caption = LineBuilder()
            if outlined, let formula = result?.formula {
                // While both outlines show, the caption is their legend.
                caption.add(" unit mask", theme.key.bg(bg))
                caption.add(" yellow, ", dim)
                caption.add(TerminalText.sanitize(formula.text), theme.key.bg(bg))
                caption.add(" cyan (IoU \(formatIoU(formula.iou)))", dim)
            } else {
                caption.add(" probe image \(c.imageIndex + 1)", normal)  // 1-based, as unit numbers are
                caption.add("  max activation \(formatActivation(c.maxActivation))  mask covers \(percent(c.maskFraction))  ", dim)
                caption.add(c.path, normal)
            }
            content[innerHeight - 2] = caption.build(width: inner, fill: normal)
        } else {
            var l = LineBuilder()
            switch pane.images {
            case .failed(let why): l.add(" images: " + why, theme.warning.bg(bg))
            case .loaded: l.add(" no top images recorded for this unit yet", dim)
            default: l.add(" reading top images" + glyphs.ellipsis, dim)
            }
            if innerHeight > 0 { content[0] = l.build(width: inner, fill: normal) }
        }
        if innerHeight >= 1 {
            var hint = LineBuilder()
            var hints = [("\(Key.left.label(unicode: glyphs.unicode))\(Key.right.label(unicode: glyphs.unicode))", "previous/next")]
            if pane.captions.indices.contains(pane.selectedImage), pane.captions[pane.selectedImage].hasFormula {
                hints.append(("f", pane.showFormula ? "hide the formula" : "formula outline"))
            }
            hints.append(("Esc", "close"))
            for (keys, text) in hints {
                hint.add(" " + keys, theme.key.bg(bg)); hint.add(" " + text + " ", dim)
            }
            content[innerHeight - 1] = hint.build(width: inner, fill: normal)
        }
        var overlayTheme = theme
        overlayTheme[.mainBG] = bg
        let lines = Panel.framed(title: title, content: content, height: height, width: width, focused: true,
                                 theme: overlayTheme, glyphs: glyphs)
        return PaneOutput(lines: lines, pictures: pictures)
    }
}

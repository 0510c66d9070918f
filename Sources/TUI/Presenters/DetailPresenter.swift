// The unit detail pane: the unit's best label and IoU in each category, then a strip of its
// top images with the mask overlaid. The images themselves are not text: the presenter leaves
// their cells blank and returns where each picture goes; the screen writes the picture bytes.
import Render

/// A picture to be written over a rectangle of blank cells.
public struct PicturePlacement: Hashable, Sendable {
    /// Where, in screen cells.
    public var rect: Rect
    /// Which picture at which size.
    public var key: PictureKey

    /// A placement from its parts.
    public init(rect: Rect, key: PictureKey) { self.rect = rect; self.key = key }
}

/// Lines plus the pictures that go over them.
public struct PaneOutput: Sendable {
    /// The pane's lines.
    public var lines: [StyledLine]
    /// Pictures, with rectangles relative to the pane's top-left corner.
    public var pictures: [PicturePlacement]
}

/// Where the pictures of the image strip go, shared by drawing and mouse handling.
public struct ImageStrip: Hashable, Sendable {
    /// Rows above the strip inside the pane (summary and category lines).
    public var top: Int
    /// Size of one picture in cells.
    public var tileRows: Int, tileColumns: Int
    /// Pictures that fit side by side.
    public var perRow: Int
    /// The rank of the first picture shown.
    public var first: Int

    /// The columns of a picture of `rows` rows showing an image of aspect `aspect` (w/h).
    public static func columns(rows: Int, aspect: Double, terminal: TerminalInfo) -> Int {
        let cellAspect = terminal.pictures == .sixel ? Double(terminal.cellHeight) / Double(terminal.cellWidth) : 2
        return max(1, Int((Double(rows) * cellAspect * aspect).rounded()))
    }

    /// The strip for an inner area of `height` x `width` with `top` rows used above it.
    ///
    /// Returns nil when fewer than two rows are left for pictures.
    public init?(top: Int, height: Int, width: Int, aspect: Double, count: Int, selected: Int, terminal: TerminalInfo) {
        let rows = height - top - 1
        guard rows >= 2, count > 0, terminal.pictures != .none else { return nil }
        self.top = top
        tileRows = rows
        let natural = min(width, Self.columns(rows: rows, aspect: aspect, terminal: terminal))
        // As many pictures as fit, plus one more when the room left over is most of a tile: the
        // tiles then narrow a little (pictures keep their aspect inside them) rather than leave
        // an empty slot beside "+N".
        let fitting = (width + 1) / (natural + 1)
        let leftover = width + 1 - fitting * (natural + 1)
        perRow = max(1, min(count, fitting + (leftover * 5 >= (natural + 1) * 3 ? 1 : 0)))
        tileColumns = min(natural, (width + 1) / perRow - 1)
        first = selected < perRow ? 0 : selected - perRow + 1
    }

    /// The rectangle of the `i`-th picture shown, inside the pane's border.
    public func rect(_ i: Int) -> Rect {
        Rect(row: top, column: i * (tileColumns + 1), height: tileRows, width: tileColumns)
    }
}

/// Presents the unit detail pane.
public enum DetailPresenter {
    /// Categories side by side on one line at `width`.
    static func categoriesPerLine(_ width: Int) -> Int { width >= 96 ? 3 : width >= 44 ? 2 : 1 }

    /// Rows the summary and per-category lines take for `categories` categories at `width`.
    static func headerRows(categories: Int, width: Int, height: Int) -> Int {
        let perLine = categoriesPerLine(width)
        let lines = (categories + perLine - 1) / perLine
        // Leave pictures at least four rows when the pane is short.
        return 1 + min(lines, max(0, height - 6))
    }

    /// The pane, border included, and its pictures (relative to the pane).
    public static func present(_ pane: DetailPane, result: UnitRow?, threshold: Double, terminal: TerminalInfo,
                               ready: Set<PictureKey>, theme: Theme, height: Int, width: Int,
                               focused: Bool) -> PaneOutput {
        let glyphs = terminal.glyphs
        let inner = max(0, width - 2), innerHeight = max(0, height - 2)
        var content: [StyledLine] = []
        var pictures: [PicturePlacement] = []
        var title: [Span] = [Span("Unit", theme.title)]
        if let result, let unit = pane.unit {
            title = [Span("Unit \(result.unit)", theme.title), Span(" \(glyphs.dot) \(unit.layer)", theme.dim)]
            var s = LineBuilder()
            let isDetector = result.iou >= threshold
            s.add(isDetector ? glyphs.mark + " " : "  ", theme.detector)
            s.add(result.label.isEmpty ? "-" : result.label, theme.title)
            s.add("  " + result.category, theme.category(result.category))
            s.add("  IoU ", theme.dim)
            s.add(formatIoU(result.iou), theme.iou(result.iou, threshold: threshold).with(.bold))
            s.add(isDetector ? "  detector" : "  below \(formatIoU(threshold))", isDetector ? theme.detector : theme.dim)
            content.append(s.build(width: inner, fill: theme.normal))
            // The stored formula beside the best single label, when `netdissect explain` ran.
            var formulaRows = 0
            if let f = result.formula, innerHeight > 7 {
                var l = LineBuilder()
                l.add("  formula ", theme.dim)
                l.add(TerminalText.sanitize(f.text), theme.title)
                l.add("  IoU ", theme.dim)
                l.add(formatIoU(f.iou), theme.iou(f.iou, threshold: threshold).with(.bold))
                l.add("  \(f.search), up to \(f.length) labels", theme.dim)
                content.append(l.build(width: inner, fill: theme.normal))
                formulaRows = 1
            }
            let top = headerRows(categories: result.perCategory.count, width: inner, height: innerHeight - formulaRows) + formulaRows
            content += categoryLines(result.perCategory, rows: top - 1 - formulaRows, threshold: threshold, theme: theme,
                                     glyphs: glyphs, width: inner)
            let (lines, placed) = images(pane, top: top, height: innerHeight, width: inner, terminal: terminal,
                                         ready: ready, theme: theme, focused: focused)
            content += lines
            pictures = placed.map { PicturePlacement(rect: Rect(row: $0.rect.row + 1, column: $0.rect.column + 1,
                                                                height: $0.rect.height, width: $0.rect.width), key: $0.key) }
        } else {
            var l = LineBuilder()
            l.add("select a unit to see what it detects", theme.dim)
            content.append(l.build(width: inner, fill: theme.normal))
        }
        let lines = Panel.framed(title: title, content: content, height: height, width: width, focused: focused,
                                 theme: theme, glyphs: glyphs)
        return PaneOutput(lines: lines, pictures: pictures)
    }

    /// The best label of each category, one or two per line.
    static func categoryLines(_ scores: [CategoryBest], rows: Int, threshold: Double, theme: Theme,
                              glyphs: Glyphs, width: Int) -> [StyledLine] {
        guard rows > 0 else { return [] }
        let perLine = categoriesPerLine(width)
        let cell = width / perLine
        var lines: [StyledLine] = []
        for lineIndex in 0..<rows {
            var l = LineBuilder()
            for k in 0..<perLine {
                let i = lineIndex * perLine + k
                guard i < scores.count else { break }
                let s = scores[i]
                let nameWidth = cell >= 24 ? 9 : 5
                l.add(s.category, theme.category(s.category), width: nameWidth, glyphs: glyphs)
                l.add(s.label.isEmpty ? "-" : s.label, s.iou >= threshold ? theme.normal : theme.dim,
                      width: max(1, cell - nameWidth - 8), glyphs: glyphs)
                l.add(formatIoU(s.iou), theme.iou(s.iou, threshold: threshold), width: 6, alignRight: true, glyphs: glyphs)
                l.pad(2, theme.normal)
            }
            lines.append(l.build(width: width, fill: theme.normal))
        }
        return lines
    }

    /// The image strip: blank tiles where pictures go, captions under them.
    static func images(_ pane: DetailPane, top: Int, height: Int, width: Int, terminal: TerminalInfo,
                       ready: Set<PictureKey>, theme: Theme, focused: Bool) -> ([StyledLine], [PicturePlacement]) {
        let glyphs = terminal.glyphs
        func message(_ text: String, _ style: Style) -> [StyledLine] {
            var l = LineBuilder()
            l.add(text, style)
            return [l.build(width: width, fill: theme.normal)]
        }
        switch pane.images {
        case .none: return ([], [])
        case .loading: return (message("reading top images…", theme.dim), [])
        case .failed(let why): return (message("images: " + why, theme.warning), [])
        case .loaded(let captions) where captions.isEmpty:
            return (message("no top images recorded for this unit yet", theme.dim), [])
        case .loaded(let captions):
            let aspect = captions[0].height > 0 ? Double(captions[0].width) / Double(captions[0].height) : 1
            guard let unit = pane.unit,
                  let strip = ImageStrip(top: top, height: height, width: width, aspect: aspect,
                                         count: captions.count, selected: pane.selectedImage, terminal: terminal) else {
                // No room (or no pictures on this terminal): captions as text.
                let rows = max(0, height - top)
                return (captions.prefix(rows).map { c in
                    var l = LineBuilder()
                    let selected = c.rank == pane.selectedImage
                    l.add("#\(c.rank + 1) probe image \(c.imageIndex + 1)  max \(formatActivation(c.maxActivation))  mask \(percent(c.maskFraction))  \(c.path)",
                          selected && focused ? theme.selected : theme.normal)
                    return l.build(width: width, fill: theme.normal)
                }, [])
            }
            var tiles = Canvas(rows: strip.tileRows, columns: width, fill: theme.normal)
            var placed: [PicturePlacement] = []
            var captionLine = LineBuilder()
            for i in 0..<strip.perRow {
                let rank = strip.first + i
                guard rank < captions.count else { break }
                let rect = strip.rect(i)
                let key = PictureKey(unit: unit, rank: rank, columns: rect.width, rows: rect.height,
                                     cellWidth: terminal.cellWidth, cellHeight: terminal.cellHeight, format: terminal.pictures)
                placed.append(PicturePlacement(rect: rect, key: key))
                if !ready.contains(key) {
                    tiles.draw(StyledLine([Span(glyphs.ellipsis, theme.dim)]), row: rect.height / 2,
                               column: rect.column + rect.width / 2, width: 1)
                }
                let selected = rank == pane.selectedImage
                let style = selected ? (focused ? theme.selected : theme.selectedInactive) : theme.dim
                captionLine.pad(rect.column - captionLine.width, theme.normal)
                captionLine.add("#\(rank + 1) \(formatActivation(captions[rank].maxActivation))", style,
                                width: rect.width, glyphs: glyphs)
            }
            let more = captions.count - strip.first - strip.perRow
            if more > 0, width - captionLine.width > 4 {
                captionLine.pad(1, theme.normal)
                captionLine.add("+\(more)", theme.dim)
            }
            var lines = tiles.lines
            lines.append(captionLine.build(width: width, fill: theme.normal))
            return (lines, placed.map { PicturePlacement(rect: Rect(row: $0.rect.row, column: $0.rect.column,
                                                                       height: $0.rect.height, width: $0.rect.width), key: $0.key) })
        }
    }
}

/// An activation value with three significant digits.
public func formatActivation(_ value: Double) -> String {
    guard value.isFinite else { return "-" }
    let magnitude = abs(value)
    if magnitude >= 1e15 { return "\(Float(value))" }  // 1e+30: beyond what Int holds exactly
    if magnitude >= 100 { return String(Int(value.rounded())) }
    let decimals = magnitude >= 10 ? 1 : 2
    let scale = decimals == 1 ? 10.0 : 100.0
    let scaled = Int((value * scale).rounded())
    let sign = scaled < 0 ? "-" : ""
    let whole = abs(scaled) / Int(scale), frac = abs(scaled) % Int(scale)
    let fracText = String(frac)
    return sign + "\(whole)." + String(repeating: "0", count: decimals - fracText.count) + fracText
}

/// A fraction as a whole percentage.
public func percent(_ fraction: Double) -> String {
    guard fraction.isFinite else { return "-" }
    // A small mask is not an empty one: a top image's mask is never empty.
    if fraction > 0 && fraction < 0.005 { return "<1%" }
    return "\(Int((fraction * 100).rounded()))%"
}

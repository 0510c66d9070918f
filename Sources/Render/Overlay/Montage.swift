// Strips and grids of top images: every tile scaled to fit one cell (aspect kept, centred),
// an optional caption line under each in the built-in font, cells separated by a gap.
//
//   +--------+ +--------+ +--------+
//   | tile 1 | | tile 2 | | tile 3 |
//   +--------+ +--------+ +--------+
//    caption    caption    caption
//
// Captions are untrusted text (file names, label names); only printable ASCII is drawn (anything
// else becomes a box), and a caption too wide for its cell is cut with "..".

/// One picture in a montage with its caption.
public struct MontageTile: Sendable {
    /// The picture.
    public var image: RGBImage
    /// A one-line caption drawn under it, or nil.
    public var caption: String?

    /// A tile.
    public init(image: RGBImage, caption: String? = nil) {
        self.image = image; self.caption = caption
    }
}

/// Layout and colours of a montage.
public struct MontageStyle: Sendable {
    /// Width of each cell's picture area in pixels.
    public var cellWidth: Int
    /// Height of each cell's picture area in pixels.
    public var cellHeight: Int
    /// Pixels between cells and around the whole montage.
    public var gap: Int
    /// Background colour.
    public var background: RGBColor
    /// Caption colour.
    public var captionColor: RGBColor
    /// Caption font.
    public var font: BitmapFont

    /// A style; captions use scale-1 glyphs under cells narrower than 160 pixels, scale 2 above.
    public init(cellWidth: Int, cellHeight: Int, gap: Int = 4,
                background: RGBColor = RGBColor(24, 24, 24), captionColor: RGBColor = RGBColor(230, 230, 230),
                font: BitmapFont? = nil) {
        precondition(cellWidth > 0 && cellHeight > 0 && gap >= 0, "MontageStyle: bad geometry")
        self.cellWidth = cellWidth; self.cellHeight = cellHeight; self.gap = gap
        self.background = background; self.captionColor = captionColor
        self.font = font ?? BitmapFont(scale: cellWidth >= 160 ? 2 : 1)
    }
}

/// Lays out pictures as strips and grids.
public enum Montage {
    /// The tiles in one row.
    public static func strip(_ tiles: [MontageTile], style: MontageStyle) -> RGBImage {
        grid(tiles, columns: max(1, tiles.count), style: style)
    }

    /// The tiles row by row, `columns` per row. An empty list gives a gap-sized blank image.
    public static func grid(_ tiles: [MontageTile], columns: Int, style: MontageStyle) -> RGBImage {
        precondition(columns >= 1, "Montage.grid: columns \(columns)")
        let hasCaptions = tiles.contains { ($0.caption ?? "").isEmpty == false }
        let captionBand = hasCaptions ? style.font.lineHeight + style.gap / 2 : 0
        let rows = tiles.isEmpty ? 0 : (tiles.count + columns - 1) / columns
        let usedColumns = min(columns, max(tiles.count, 1))
        let cellPitchX = style.cellWidth + style.gap
        let cellPitchY = style.cellHeight + captionBand + style.gap
        let width = style.gap + usedColumns * cellPitchX
        let height = style.gap + rows * cellPitchY
        var canvas = RGBImage(width: width, height: height, color: style.background)
        for (k, tile) in tiles.enumerated() {
            let cx = style.gap + (k % columns) * cellPitchX
            let cy = style.gap + (k / columns) * cellPitchY
            if tile.image.width > 0 && tile.image.height > 0 {
                let fitted = tile.image.scaled(toFit: style.cellWidth, style.cellHeight)
                canvas.paste(fitted, x: cx + (style.cellWidth - fitted.width) / 2,
                             y: cy + (style.cellHeight - fitted.height) / 2)
            }
            if let caption = tile.caption, !caption.isEmpty {
                let text = style.font.truncated(caption, toWidth: style.cellWidth)
                let tx = cx + (style.cellWidth - style.font.width(of: text)) / 2
                style.font.draw(text, into: &canvas, x: tx, y: cy + style.cellHeight + style.gap / 2,
                                color: style.captionColor)
            }
        }
        return canvas
    }
}

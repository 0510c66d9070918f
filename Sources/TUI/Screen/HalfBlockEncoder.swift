// Pictures as Unicode upper half blocks: each cell shows two pixels, the upper one in the
// foreground colour and the lower one in the background, in 24-bit colour or the 256-colour cube.
// The image is box-filtered down to (columns, 2 x rows) pixels, keeping its aspect ratio
// inside the rectangle (centred), so nothing is drawn outside it.

import Render

/// Encodes pictures as half-block text with colour escapes.
public struct HalfBlockEncoder: PictureEncoder {
    /// Whether to use 24-bit colour escapes (else the 256-colour cube).
    public var truecolor: Bool

    /// An encoder for a terminal with or without 24-bit colour.
    public init(truecolor: Bool) { self.truecolor = truecolor }

    /// Half-block bytes for `image` in `columns` x `rows` cells (`format` must be `.halfBlock`).
    public func encode(_ image: RGBImage, columns: Int, rows: Int, cellWidth: Int, cellHeight: Int,
                       format: PictureFormat) throws -> [UInt8] {
        precondition(format == .halfBlock, "HalfBlockEncoder only writes half blocks")
        guard columns > 0, rows > 0, image.width > 0, image.height > 0 else { return [] }
        // Fit the image into columns x (2 rows) square pixels.
        let targetH = 2 * rows
        let scale = min(Double(columns) / Double(image.width), Double(targetH) / Double(image.height))
        let w = max(1, min(columns, Int((Double(image.width) * scale).rounded())))
        let h = max(1, min(targetH, Int((Double(image.height) * scale).rounded())))
        let small = Self.boxResize(image, width: w, height: h)
        let left = (columns - w) / 2
        let top = (targetH - h) / 2
        var out: [UInt8] = []
        out.reserveCapacity(rows * columns * 24)
        for row in 0..<rows {
            if row > 0 { out += Array("\u{1B}[\(columns)D\u{1B}[1B".utf8) }
            var pendingBlanks = 0
            for col in 0..<columns {
                let x = col - left
                let yTop = 2 * row - top, yBottom = 2 * row + 1 - top
                let hasTop = x >= 0 && x < w && yTop >= 0 && yTop < h
                let hasBottom = x >= 0 && x < w && yBottom >= 0 && yBottom < h
                if !hasTop && !hasBottom { pendingBlanks += 1; continue }
                if pendingBlanks > 0 { out += Array("\u{1B}[0m\u{1B}[\(pendingBlanks)C".utf8); pendingBlanks = 0 }
                let upper = hasTop ? small[x, yTop] : (0, 0, 0)
                let lower = hasBottom ? small[x, yBottom] : upper
                out += color(38, upper) + color(48, lower) + Array("▀".utf8)
            }
            out += Array("\u{1B}[0m".utf8)
            if pendingBlanks > 0 { out += Array("\u{1B}[\(pendingBlanks)C".utf8) }
        }
        return out
    }

    private func color(_ kind: Int, _ c: (r: UInt8, g: UInt8, b: UInt8)) -> [UInt8] {
        if truecolor { return Array("\u{1B}[\(kind);2;\(c.r);\(c.g);\(c.b)m".utf8) }
        return Array("\u{1B}[\(kind);5;\(ColorPalette.nearest256(RGB(c.r, c.g, c.b)))m".utf8)
    }

    /// `image` averaged down (or repeated up) to `width` x `height`.
    static func boxResize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        var out = RGBImage(width: width, height: height)
        for y in 0..<height {
            let y0 = y * image.height / height, y1 = max(y0 + 1, (y + 1) * image.height / height)
            for x in 0..<width {
                let x0 = x * image.width / width, x1 = max(x0 + 1, (x + 1) * image.width / width)
                var r = 0, g = 0, b = 0
                for sy in y0..<y1 {
                    for sx in x0..<x1 {
                        let p = image[sx, sy]
                        r += Int(p.r); g += Int(p.g); b += Int(p.b)
                    }
                }
                let n = (y1 - y0) * (x1 - x0)
                out[x, y] = (UInt8(r / n), UInt8(g / n), UInt8(b / n))
            }
        }
        return out
    }
}

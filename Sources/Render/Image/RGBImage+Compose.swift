// Putting images together: crops, pastes and filled rectangles, the building blocks of strips,
// grids and captions. Every operation clips to the destination, so callers may place things
// partly outside it.

extension RGBImage {
    /// The `width x height` region whose top-left corner is `(x, y)`, clipped to this image.
    public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> RGBImage {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + w), y1 = min(height, y + h)
        guard x1 > x0, y1 > y0 else { return RGBImage(width: 0, height: 0) }
        var out = [UInt8](); out.reserveCapacity((x1 - x0) * (y1 - y0) * 3)
        for row in y0..<y1 {
            let start = (row * width + x0) * 3
            out.append(contentsOf: pixels[start..<(start + (x1 - x0) * 3)])
        }
        return RGBImage(width: x1 - x0, height: y1 - y0, pixels: out)
    }

    /// Copies `image` onto this one with its top-left corner at `(x, y)`; what falls outside
    /// is dropped.
    public mutating func paste(_ image: RGBImage, x: Int, y: Int) {
        let sx0 = max(0, -x), sy0 = max(0, -y)
        let sx1 = min(image.width, width - x), sy1 = min(image.height, height - y)
        guard sx1 > sx0, sy1 > sy0 else { return }
        let count = (sx1 - sx0) * 3
        for sy in sy0..<sy1 {
            let src = (sy * image.width + sx0) * 3
            let dst = ((sy + y) * width + sx0 + x) * 3
            pixels.replaceSubrange(dst..<(dst + count), with: image.pixels[src..<(src + count)])
        }
    }

    /// Fills the rectangle at `(x, y)` of size `w x h`, clipped to the image, with `color`.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: RGBColor) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + w), y1 = min(height, y + h)
        guard x1 > x0, y1 > y0 else { return }
        for row in y0..<y1 {
            for col in x0..<x1 {
                let i = (row * width + col) * 3
                pixels[i] = color.r; pixels[i + 1] = color.g; pixels[i + 2] = color.b
            }
        }
    }

    /// An image of one colour.
    public init(width: Int, height: Int, color: RGBColor) {
        self.init(width: width, height: height, fill: (color.r, color.g, color.b))
    }
}

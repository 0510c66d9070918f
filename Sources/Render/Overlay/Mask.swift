// A unit's mask on one image: the pixels where its upsampled activation exceeds its threshold
// (docs/method.md#unit-masks, #top-images), and the outline drawn around it in overlays.

/// A boolean `height x width` grid, row-major.
public struct Mask: Sendable, Equatable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// `width * height` flags, row by row.
    public var bits: [Bool]

    /// Wraps `bits`, which must hold exactly `width * height` flags.
    public init(width: Int, height: Int, bits: [Bool]) {
        precondition(bits.count == width * height, "Mask: \(width)x\(height) needs \(width * height) flags")
        self.width = width; self.height = height; self.bits = bits
    }

    /// The unit's mask at `width x height`: `activation` (the raw `H x W` map) upsampled by
    /// bilinear interpolation with the engine's taps, then `> threshold` (strictly): the mask the
    /// tally counted for that image (every value interpolated, as the engine does, even at the
    /// map's own size).
    public init(activation: FloatMap, threshold: Float, width: Int, height: Int) {
        precondition(activation.width > 0 && activation.height > 0, "Mask: empty activation map")
        let up = activation.resizedBilinear(columns: BilinearTaps(source: activation.width, target: width),
                                            rows: BilinearTaps(source: activation.height, target: height))
        self.init(width: width, height: height, bits: up.values.map { $0 > threshold })
    }

    /// The flag at column `x`, row `y`.
    @inlinable public subscript(x: Int, y: Int) -> Bool {
        get { bits[y * width + x] }
        set { bits[y * width + x] = newValue }
    }

    /// Number of pixels in the mask.
    public var count: Int { bits.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Fraction of the image the mask covers, 0...1 (0 for an empty image).
    public var coverage: Double { bits.isEmpty ? 0 : Double(count) / Double(bits.count) }

    /// The inner boundary of the mask, `thickness` pixels wide: mask pixels within `thickness`
    /// pixels (Chebyshev distance) of a pixel outside the mask. The image border is
    /// not a boundary, so a mask touching the edge is not framed by it.
    public func outline(thickness: Int = 1) -> Mask {
        precondition(thickness >= 1, "Mask.outline: thickness \(thickness)")
        // Pixels outside the mask, grown by `thickness` (separable square dilation), meet the
        // mask exactly on the band we want.
        let outside = dilate(bits.map { !$0 }, radius: thickness)
        var band = bits
        band.withUnsafeMutableBufferPointer { band in
            outside.withUnsafeBufferPointer { outside in
                for i in 0..<band.count where band[i] { band[i] = outside[i] }
            }
        }
        return Mask(width: width, height: height, bits: band)
    }

    /// Square dilation of `flags` by `radius`, done as a row pass then a column pass: a flag is
    /// set when the nearest set flag before or after it on the line is within `radius`.
    private func dilate(_ flags: [Bool], radius: Int) -> [Bool] {
        var rows = flags
        var out = flags
        let far = Int.max / 2
        var next = [Int](repeating: far, count: max(width, height))
        // flags (H, W) -> rows: dilated along each row
        flags.withUnsafeBufferPointer { f in
        rows.withUnsafeMutableBufferPointer { r in
        next.withUnsafeMutableBufferPointer { next in
            for y in 0..<height {
                let line = y * width
                var seen = far                       // nearest set column at or after x
                for x in stride(from: width - 1, through: 0, by: -1) {
                    if f[line + x] { seen = x }
                    next[x] = seen
                }
                var last = -far                      // most recent set column at or before x
                for x in 0..<width {
                    if f[line + x] { last = x }
                    r[line + x] = x - last <= radius || next[x] - x <= radius
                }
            }
        }}}
        // rows (H, W) -> out: dilated along each column
        rows.withUnsafeBufferPointer { r in
        out.withUnsafeMutableBufferPointer { o in
        next.withUnsafeMutableBufferPointer { next in
            for x in 0..<width {
                var seen = far
                for y in stride(from: height - 1, through: 0, by: -1) {
                    if r[y * width + x] { seen = y }
                    next[y] = seen
                }
                var last = -far
                for y in 0..<height {
                    if r[y * width + x] { last = y }
                    o[y * width + x] = y - last <= radius || next[y] - y <= radius
                }
            }
        }}}
        return out
    }
}

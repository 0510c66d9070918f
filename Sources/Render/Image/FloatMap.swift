// A 2-D grid of floats: a unit's activation map `A_u(i)` (H x W), or anything resampled from one.

/// A row-major `height x width` grid of `Float` values.
public struct FloatMap: Sendable, Equatable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// `width * height` values, row by row.
    public var values: [Float]

    /// Wraps `values`, which must hold exactly `width * height` floats.
    public init(width: Int, height: Int, values: [Float]) {
        precondition(width >= 0 && height >= 0, "FloatMap: negative size \(width)x\(height)")
        precondition(values.count == width * height,
                     "FloatMap: \(width)x\(height) needs \(width * height) values, got \(values.count)")
        self.width = width
        self.height = height
        self.values = values
    }

    /// A map with every value `fill`.
    public init(width: Int, height: Int, fill: Float = 0) {
        self.init(width: width, height: height, values: [Float](repeating: fill, count: width * height))
    }

    /// The value at column `x`, row `y`.
    @inlinable public subscript(x: Int, y: Int) -> Float {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    /// The smallest and largest finite values, or nil when there are none.
    public var finiteRange: (min: Float, max: Float)? {
        var lo = Float.infinity, hi = -Float.infinity
        for v in values where v.isFinite {
            lo = Swift.min(lo, v); hi = Swift.max(hi, v)
        }
        return lo <= hi ? (lo, hi) : nil
    }
}

// numpy.quantile(values, p) with the default "linear" method, bit for bit for float32 input.
//
// numpy sorts the n values, takes the virtual index h = (n - 1) * p in float64, and interpolates
// between the order statistics at floor(h) and floor(h) + 1 with gamma = h - floor(h):
//     diff = b - a                         (float32)
//     a + diff * Float(gamma)              when gamma <  0.5
//     b - diff * Float(1 - gamma)          when gamma >= 0.5
// (numpy 2's `_lerp`; the scalar gamma is a weak Python float, so the arithmetic stays float32).
// When h >= n - 1 the result is the maximum. The engine's threshold is this with p = 1 - q.

/// The exact quantile definition the engine uses for thresholds (docs/method.md#thresholds).
public enum NumpyQuantile {
    /// Which order statistics (0-based, ascending) `numpy.quantile(values, p)` reads for `count`
    /// values, and the interpolation weight between them.
    /// - Precondition: `count >= 1`, `0 <= p <= 1`.
    public static func ranks(count: Int, p: Double) -> (lower: Int, upper: Int, gamma: Double) {
        precondition(count >= 1, "NumpyQuantile.ranks: no values")
        precondition(p >= 0 && p <= 1, "NumpyQuantile.ranks: p = \(p) outside [0, 1]")
        let h = Double(count - 1) * p
        if h >= Double(count - 1) { return (count - 1, count - 1, 0) }
        let lower = h.rounded(.down)
        return (Int(lower), Int(lower) + 1, h - lower)
    }

    /// numpy's `_lerp(a, b, gamma)` for float32 `a <= b`.
    @inlinable public static func interpolate(_ a: Float, _ b: Float, gamma: Double) -> Float {
        let diff = b - a
        if gamma >= 0.5 {
            return b - diff * Float(1 - gamma)
        }
        return a + diff * Float(gamma)
    }

    /// `numpy.quantile(values, p)` of values already sorted ascending; nil when there are none.
    public static func quantile(sorted values: [Float], p: Double) -> Float? {
        guard !values.isEmpty else { return nil }
        let (lower, upper, gamma) = ranks(count: values.count, p: p)
        return interpolate(values[lower], values[upper], gamma: gamma)
    }

    /// How many of the largest values must be kept to answer `quantile(p)` for any count up to
    /// `maxCount`: `n - floor((n - 1) p)` is non-decreasing in n; two spare for float rounding.
    public static func valuesNeededFromTop(maxCount: Int, p: Double) -> Int {
        guard maxCount >= 1 else { return 0 }
        let (lower, _, _) = ranks(count: maxCount, p: p)
        return min(maxCount, maxCount - lower + 2)
    }
}

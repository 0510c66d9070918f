// Activation values that are not numbers or are infinite (docs/method.md#thresholds): counted per
// layer in pass 1, recorded in the run, and said by `dissect`, `summary`, `report` and the
// explorer. How they are treated follows from the comparisons the method makes, stated once:
//   NaN    left out of the quantile (numpy.nanquantile's choice) and never in a mask (NaN > T is false);
//   +inf   the largest values: counted in the quantile, and in every mask unless T_u itself is +inf;
//   -inf   the smallest values: counted in the quantile, never in a mask.

/// How many activation values of a layer were NaN, +inf or -inf.
public struct NonFiniteCounts: Sendable, Equatable, Codable {
    public var nan = 0, positiveInfinity = 0, negativeInfinity = 0

    public init(nan: Int = 0, positiveInfinity: Int = 0, negativeInfinity: Int = 0) {
        self.nan = nan
        self.positiveInfinity = positiveInfinity
        self.negativeInfinity = negativeInfinity
    }

    /// Whether any value was not finite.
    public var isEmpty: Bool { nan == 0 && positiveInfinity == 0 && negativeInfinity == 0 }

    /// Adds another count.
    public mutating func add(_ other: NonFiniteCounts) {
        nan += other.nan
        positiveInfinity += other.positiveInfinity
        negativeInfinity += other.negativeInfinity
    }

    /// Counts the non-finite values of `values`.
    // values (n) -> counts
    public mutating func count(_ values: UnsafeBufferPointer<Float>) {
        for v in values where !v.isFinite {
            if v.isNaN { nan += 1 } else if v > 0 { positiveInfinity += 1 } else { negativeInfinity += 1 }
        }
    }

    /// `3 NaN, 2 +inf` (only the kinds present).
    public var description: String {
        [(nan, "NaN"), (positiveInfinity, "+inf"), (negativeInfinity, "-inf")].filter { $0.0 > 0 }
            .map { "\($0.0) \($0.1)" }.joined(separator: ", ")
    }

    /// One line for a layer: what was found and how it is treated.
    public func sentence(layer: String) -> String {
        var treated: [String] = []
        if nan > 0 { treated.append("NaN is left out of the thresholds and never in a mask") }
        if positiveInfinity > 0 { treated.append("+inf counts as the largest value and is in every mask") }
        if negativeInfinity > 0 { treated.append("-inf counts as the smallest value and is never in a mask") }
        return "layer \(layer): \(description) activation value(s) (\(treated.joined(separator: "; "))); check the model or the activations file"
    }
}

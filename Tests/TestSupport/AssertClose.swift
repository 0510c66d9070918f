// Numeric comparisons for tests: shape first, then every element against its own bound, and a
// failure that says where. Where the bounds come from is in RoundingBounds.swift: for sums of
// products they follow from the depth and the magnitudes of the terms, never from the result's
// own size (which cancellation can make arbitrarily small).
import Testing

/// The element that exceeds its bound by the largest factor: `|a - e| / bound` there.
public struct ErrorRatio: Sendable, CustomStringConvertible {
    /// Flat index of the element, or -1 when there are no elements.
    public let index: Int
    /// `|actual - expected| / bound` (infinite for a difference against a bound of zero, or a
    /// NaN on one side only; 0 where both agree exactly).
    public let ratio: Double
    public let actual: Float, expected: Float, bound: Float

    public var description: String {
        "element \(index): \(actual) vs expected \(expected), |difference| \(abs(Double(actual) - Double(expected))) "
            + "against a bound of \(bound) (\(ratio < 1e6 ? String(Int((ratio * 100).rounded(.up))) + " %" : "far beyond"))"
    }
}

/// The worst element of `actual` against `expected` relative to its bound. NaN matches NaN.
public func errorRatio(_ actual: [Float], _ expected: [Float], bounds: [Float]) -> ErrorRatio {
    precondition(actual.count == expected.count && bounds.count == expected.count,
                 "errorRatio: \(actual.count) values, \(expected.count) expected, \(bounds.count) bounds")
    var worst = ErrorRatio(index: -1, ratio: 0, actual: 0, expected: 0, bound: 0)
    for i in 0..<actual.count {
        let a = actual[i], e = expected[i], b = bounds[i]
        let ratio: Double
        if a.isNaN || e.isNaN {
            ratio = a.isNaN && e.isNaN ? 0 : .infinity
        } else if a == e {
            ratio = 0                                  // also equal infinities
        } else {
            let d = abs(Double(a) - Double(e))
            ratio = d.isNaN ? .infinity : (b > 0 ? d / Double(b) : .infinity)
        }
        if ratio > worst.ratio || worst.index < 0 {
            worst = ErrorRatio(index: i, ratio: ratio, actual: a, expected: e, bound: b)
        }
    }
    return worst
}

/// Expects `|actual[i] - expected[i]| <= bounds[i]` for every element (NaN matches NaN; a bound
/// of 0 asks for equality).
///
/// Checks the shapes first (when given), then reports the worst element with its flat index,
/// so a failure says which value is wrong rather than only that something is.
public func assertClose(
    _ actual: [Float], _ expected: [Float], bounds: [Float],
    shape: [Int]? = nil, expectedShape: [Int]? = nil,
    _ comment: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    if let shape, let expectedShape {
        #expect(shape == expectedShape, "shape \(shape) != \(expectedShape) \(comment)",
                sourceLocation: sourceLocation)
        if shape != expectedShape { return }
    }
    #expect(actual.count == expected.count, "count \(actual.count) != \(expected.count) \(comment)",
            sourceLocation: sourceLocation)
    guard actual.count == expected.count else { return }
    precondition(bounds.count == expected.count, "assertClose: \(bounds.count) bounds for \(expected.count) values")
    let worst = errorRatio(actual, expected, bounds: bounds)
    if worst.ratio > 1 {
        Issue.record("\(worst) \(comment)", sourceLocation: sourceLocation)
    }
}

/// Expects `|a - e| <= atol + rtol * |e|` element by element.
///
/// For values computed in one or a few roundings with no cancellation (a hand-computed table,
/// an element-wise function, a quotient of positive sums): there the error is relative to the
/// result. For sums that may cancel, use `RoundingBound.bounds` with `assertClose(_:_:bounds:)`.
public func assertClose(
    _ actual: [Float], _ expected: [Float],
    shape: [Int]? = nil, expectedShape: [Int]? = nil,
    rtol: Float = 1e-4, atol: Float = 1e-5,
    _ comment: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    assertClose(actual, expected, bounds: expected.map { atol + rtol * abs($0) },
                shape: shape, expectedShape: expectedShape, comment, sourceLocation: sourceLocation)
}

/// Expects every element within `tolerance * scale` of its expected value, where `scale` is the
/// largest `|expected|` of the whole tensor: a normwise comparison.
///
/// For whole networks, where no per-element bound can be computed without running the network
/// again on absolute values: each layer's rounding errors follow from the magnitudes of its
/// terms, which are of the size of the tensor's values, not of the one element's (a logit
/// near zero has the errors of its large neighbours). The caller states why its `tolerance`
/// holds.
public func assertClose(
    _ actual: [Float], _ expected: [Float], normwise tolerance: Double,
    shape: [Int]? = nil, expectedShape: [Int]? = nil,
    _ comment: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let scale = expected.lazy.filter { $0.isFinite }.map { Double(abs($0)) }.max() ?? 0
    let bound = Float(tolerance * scale)
    assertClose(actual, expected, bounds: [Float](repeating: bound, count: expected.count),
                shape: shape, expectedShape: expectedShape,
                "\(comment) (normwise: \(tolerance) of the largest |value| \(scale))", sourceLocation: sourceLocation)
}

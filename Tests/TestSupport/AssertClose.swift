// Numeric comparisons for tests: shape first, then every element, and a failure that says where.
import Testing

/// Expects `actual` to equal `expected` element by element within `|a - e| <= atol + rtol * |e|`.
///
/// Checks the shapes first (when given), then reports the worst element with its flat index,
/// so a failure says which value is wrong rather than only that something is.
public func assertClose(
    _ actual: [Float], _ expected: [Float],
    shape: [Int]? = nil, expectedShape: [Int]? = nil,
    rtol: Float = 1e-4, atol: Float = 1e-5,
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
    var worst = -1
    var worstExcess: Float = 0
    for i in 0..<actual.count {
        let a = actual[i], e = expected[i]
        if a.isNaN != e.isNaN { worst = i; break }
        if a.isNaN { continue }
        let excess = abs(a - e) - (atol + rtol * abs(e))
        if excess > worstExcess || (excess.isNaN && worst < 0) { worstExcess = excess; worst = i }
    }
    if worst >= 0 {
        Issue.record(
            "element \(worst): \(actual[worst]) vs expected \(expected[worst]) (rtol \(rtol), atol \(atol)) \(comment)",
            sourceLocation: sourceLocation)
    }
}

/// The largest relative error `|a - e| / max(|e|, floor)` over all elements.
public func maxRelativeError(_ actual: [Float], _ expected: [Float], floor: Float = 1e-3) -> Float {
    precondition(actual.count == expected.count, "maxRelativeError: counts differ")
    var worst: Float = 0
    for i in 0..<actual.count {
        worst = max(worst, abs(actual[i] - expected[i]) / max(abs(expected[i]), floor))
    }
    return worst
}

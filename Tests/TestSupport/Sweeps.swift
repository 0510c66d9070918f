// Labelled sweeps: run a check for every value of a parameter so a failure names its case.
import Testing

/// Runs `body` once per element of `values`, prefixing any recorded issue with `name = value`.
///
///     withEvery("seed", in: 0..<8) { seed in ... }
public func withEvery<S: Sequence>(
    _ name: String, in values: S,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: (S.Element) throws -> Void
) {
    for value in values {
        do {
            try body(value)
        } catch {
            Issue.record("\(name) = \(value): \(error)", sourceLocation: sourceLocation)
        }
    }
}

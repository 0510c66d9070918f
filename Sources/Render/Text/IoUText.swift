// How every command, page and pane writes an IoU or an IoU threshold: one rule, so `unit`, the
// report and the explorer show the same digits for the same unit.

/// `value` with three decimals, rounded down (`0.2134` -> `0.213`, `0.04` -> `0.040`); `-` when
/// it is not finite.
///
/// Rounding down means a shown IoU never exceeds the true one, so a unit below the detector
/// threshold never reads as reaching it (0.0399 shows as 0.039, not 0.040). The tiny allowance
/// keeps values that are exactly k/1000 in decimal but a hair below it in binary (0.285) at k.
public func formatIoU(_ value: Double) -> String {
    guard value.isFinite else { return "-" }
    let thousandths = Int((value * 1000 + 1e-9).rounded(.down))
    let sign = thousandths < 0 ? "-" : ""
    let magnitude = thousandths.magnitude
    let frac = String(magnitude % 1000)
    return sign + "\(magnitude / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
}

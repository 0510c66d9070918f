// A formula's integer counts against one unit's mask, and its IoU from them.
//
//     IoU(F) = |F ∩ M| / (|F| + |M| - |F ∩ M|)        (0 when the denominator is 0)
//
// as Mu and Andreas compute it: the union is taken over the whole probe (not per category as the
// tally's U_uc), and an image-level label covers its whole image. IoUs are compared exactly, as
// fractions of integers (cross products in 128 bits), so that ties are ties and the search's
// order never depends on rounding.

/// A formula with its counts against a unit's mask.
public struct FormulaScore: Sendable, Equatable {
    public var formula: Formula
    /// `|F ∩ M|`.
    public var intersection: Int
    /// `|F|`, the formula's pixels over the probe.
    public var pixels: Int
    /// `|M|`, the unit's pixels over the probe.
    public var unitPixels: Int

    public init(formula: Formula, intersection: Int, pixels: Int, unitPixels: Int) {
        self.formula = formula
        self.intersection = intersection
        self.pixels = pixels
        self.unitPixels = unitPixels
    }

    /// `|F ∪ M|`.
    public var union: Int { pixels + unitPixels - intersection }

    /// The IoU as a Double (for display and storage; comparisons use `beats`).
    public var iou: Double { union == 0 ? 0 : Double(intersection) / Double(union) }

    /// Whether this score's IoU is larger than `other`'s, or equal with a formula that comes
    /// first in `Formula.precedes`: the one total order every search ranks by.
    public func beats(_ other: FormulaScore) -> Bool {
        switch Fraction.compare(intersection, union, other.intersection, other.union) {
        case 1: return true
        case -1: return false
        default: return Formula.precedes(formula, other.formula)
        }
    }
}

/// Exact comparisons of non-negative fractions `n / d` (a zero denominator counts as 0).
enum Fraction {
    /// -1, 0 or 1 as `a / b` is less than, equal to or greater than `c / d`.
    static func compare(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Int {
        let (a, b) = b == 0 ? (0, 1) : (a, b)
        let (c, d) = d == 0 ? (0, 1) : (c, d)
        let left = a.multipliedFullWidth(by: d), right = c.multipliedFullWidth(by: b)
        if left.high != right.high { return left.high < right.high ? -1 : 1 }
        if left.low != right.low { return left.low < right.low ? -1 : 1 }
        return 0
    }
}

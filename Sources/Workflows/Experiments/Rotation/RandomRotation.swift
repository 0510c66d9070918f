// A random rotation of a layer's channel space, reproducible from a seed: the Q of the QR
// factorisation of a matrix of standard normal draws, with the columns' signs fixed so that R's
// diagonal is positive (which makes Q uniformly distributed over the orthogonal group, not just
// orthogonal), then one column negated when needed so that det Q = +1.
import Foundation
import Runtime

/// Random rotations (orthogonal, det +1) from a seed.
public enum RandomRotation {
    /// An `n x n` rotation drawn uniformly from SO(n), the same on every machine for a seed.
    /// - Throws: `RotationError.lapack` if the QR factorisation fails (it does not for finite input).
    /// - Complexity: O(n³).
    public static func make(size n: Int, seed: UInt64) throws(RotationError) -> DenseMatrix {
        precondition(n >= 1, "RandomRotation.make: size must be at least 1")
        var random = GaussianSource(seed: seed)
        let gaussian = DenseMatrix(rows: n, columns: n, values: (0..<(n * n)).map { _ in random.next() })
        let (q0, r, reflections): (DenseMatrix, [Double], Int)
        do { (q0, r, reflections) = try Lapack.qr(gaussian) } catch { throw .lapack(error) }
        var q = q0
        var negativeDeterminant = reflections % 2 == 1
        for j in 0..<n where r[j] < 0 {
            for i in 0..<n { q[i, j] = -q[i, j] }
            negativeDeterminant.toggle()
        }
        if negativeDeterminant {
            for i in 0..<n { q[i, 0] = -q[i, 0] }
        }
        return q
    }
}

/// Standard normal draws from a SplitMix64 stream (Box-Muller, both values used).
struct GaussianSource {
    private var random: SplitMix64
    private var spare: Double?

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// The next 64 random bits.
    private mutating func bits() -> UInt64 { random.next() }

    /// A uniform draw in (0, 1].
    private mutating func uniform() -> Double { (Double(bits() >> 11) + 1) * 0x1p-53 }

    /// The next standard normal value.
    mutating func next() -> Double {
        if let s = spare { spare = nil; return s }
        let radius = (-2 * log(uniform())).squareRoot(), angle = 2 * Double.pi * uniform()
        spare = radius * sin(angle)
        return radius * cos(angle)
    }
}

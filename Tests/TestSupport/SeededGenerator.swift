// Deterministic random numbers for tests: the same seed gives the same data on every machine.
import Runtime

/// The tests' generator is the project's own SplitMix64 (Runtime/Random), seeded the same way.
public typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    /// `count` floats drawn uniformly from `range`.
    public mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }

    /// `count` floats from a standard normal distribution (Box-Muller).
    public mutating func normals(_ count: Int) -> [Float] {
        (0..<count).map { _ in
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
            let u2 = Double.random(in: 0..<1, using: &self)
            return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
        }
    }
}

#if canImport(Glibc)
import Glibc
private func _log(_ x: Double) -> Double { Glibc.log(x) }
private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
import Darwin
private func _log(_ x: Double) -> Double { Darwin.log(x) }
private func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif

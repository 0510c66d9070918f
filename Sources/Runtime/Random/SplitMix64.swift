// SplitMix64 (Steele, Lea and Flood 2014): a 64-bit counter stepped by the golden-ratio constant,
// each value scrambled by two xor-shift-multiplies. Small, fast, and the same sequence on every
// machine, which is what the seeded parts of the project need: the synthetic probe, random
// rotations and the tests' data all draw from this one generator.

/// The SplitMix64 generator.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The step added to the state before each draw (2^64 / golden ratio, odd).
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The counter; the next draw scrambles `state + increment`.
    public private(set) var state: UInt64

    /// The generator whose sequence is fixed by `seed` (the state starts one step past it).
    public init(seed: UInt64) { state = seed &+ Self.increment }

    /// The generator whose counter starts at `state` exactly (for callers that mix several
    /// numbers into one starting state).
    public init(state: UInt64) { self.state = state }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= Self.increment
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// Deterministic randomness for the synthetic probe: Runtime's SplitMix64 for decisions and a
// hashed value noise for surfaces. Both depend only on the seed, never on threads or time, so
// the same seed writes the same dataset byte for byte.
import Runtime

/// The synthetic probe's decisions: the project's SplitMix64, its state mixed from the dataset's
/// seed and the image's index.
struct SynthRandom: RandomNumberGenerator {
    private var bits: SplitMix64

    /// A generator for image `index` of the dataset made with `seed`.
    init(seed: UInt64, stream: UInt64 = 0) {
        bits = SplitMix64(state: seed &* 0x9E37_79B9_7F4A_7C15 &+ stream &* 0xD1B5_4A32_D192_ED03 &+ 0x2545_F491_4F6C_DD1D)
    }

    mutating func next() -> UInt64 { bits.next() }

    /// A float in `range`.
    mutating func float(_ range: ClosedRange<Float>) -> Float { Float.random(in: range, using: &self) }
    /// An integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    /// True with probability `p`.
    mutating func chance(_ p: Float) -> Bool { Float.random(in: 0..<1, using: &self) < p }
    /// A random element of `items`.
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
}

/// Smooth 2-D value noise in [0, 1], seeded.
struct ValueNoise {
    let seed: UInt32

    /// A hash of a lattice point to [0, 1).
    @inline(__always) func lattice(_ x: Int32, _ y: Int32) -> Float {
        var h = UInt32(bitPattern: x) &* 0x27D4_EB2D ^ UInt32(bitPattern: y) &* 0x1656_67B1 ^ seed &* 0x9E37_79B9
        h ^= h >> 15
        h = h &* 0x85EB_CA6B
        h ^= h >> 13
        h = h &* 0xC2B2_AE35
        h ^= h >> 16
        return Float(h >> 8) * (1.0 / 16_777_216.0)
    }

    /// Value noise at (x, y), lattice spacing 1.
    @inline(__always) func value(_ x: Float, _ y: Float) -> Float {
        let fx = x.rounded(.down), fy = y.rounded(.down)
        let ix = Int32(truncatingIfNeeded: Int(fx)), iy = Int32(truncatingIfNeeded: Int(fy))
        var tx = x - fx, ty = y - fy
        tx = tx * tx * (3 - 2 * tx)
        ty = ty * ty * (3 - 2 * ty)
        let a = lattice(ix, iy), b = lattice(ix &+ 1, iy)
        let c = lattice(ix, iy &+ 1), d = lattice(ix &+ 1, iy &+ 1)
        let top = a + (b - a) * tx, bottom = c + (d - c) * tx
        return top + (bottom - top) * ty
    }

    /// Fractal sum of `octaves` octaves of value noise, in [0, 1].
    @inline(__always) func fbm(_ x: Float, _ y: Float, octaves: Int = 3) -> Float {
        var sum: Float = 0, amplitude: Float = 0.5, frequency: Float = 1, norm: Float = 0
        for _ in 0..<octaves {
            sum += amplitude * value(x * frequency, y * frequency)
            norm += amplitude
            amplitude *= 0.5
            frequency *= 2
        }
        return sum / norm
    }
}

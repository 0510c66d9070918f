// The look of every material and texture of the synthetic probe, with random variation.
import Dissection

extension SynthRandom {
    /// A random angle in radians.
    mutating func angle() -> Float { float(0...Float.pi) }
    /// A random seed for noise.
    mutating func noiseSeed() -> UInt32 { UInt32(truncatingIfNeeded: next()) }
    /// A colour of hue `h` (degrees, jittered) with saturation and value in the given ranges.
    mutating func color(hue h: Float, jitter: Float = 10, s: ClosedRange<Float>, v: ClosedRange<Float>) -> RGB {
        hsv(h + float(-jitter...jitter), float(s), float(v))
    }
    /// A vivid colour of any hue.
    mutating func vivid() -> RGB { hsv(float(0...360), float(0.6...0.95), float(0.6...0.95)) }
}

/// Surfaces of the named materials.
func materialSurface(_ name: String, _ rng: inout SynthRandom) -> Surface {
    let seed = rng.noiseSeed()
    switch name {
    case "wood":
        let base = rng.color(hue: 28, s: 0.5...0.75, v: 0.45...0.7)
        return Surface(pattern: .wood(period: rng.float(0.03...0.08), angle: rng.pick([0, Float.pi / 2]) + rng.float(-0.1...0.1)),
                       a: base, b: base * 0.6, grain: 0.1, seed: seed)
    case "brick":
        return Surface(pattern: .brick(rowHeight: rng.float(0.03...0.06)), a: rng.color(hue: 8, s: 0.55...0.75, v: 0.5...0.7),
                       b: RGB(repeating: rng.float(0.7...0.85)), grain: 0.15, seed: seed)
    case "grass":
        return Surface(pattern: .grass, a: rng.color(hue: 105, jitter: 15, s: 0.6...0.8, v: 0.25...0.4),
                       b: rng.color(hue: 90, jitter: 15, s: 0.55...0.75, v: 0.6...0.8), grain: 0.1, seed: seed)
    case "water":
        return Surface(pattern: .water, a: rng.color(hue: 205, jitter: 12, s: 0.7...0.9, v: 0.4...0.6),
                       b: rng.color(hue: 190, jitter: 10, s: 0.3...0.5, v: 0.8...0.95), grain: 0.05, seed: seed)
    case "metal":
        let grey = rng.float(0.45...0.65)
        return Surface(pattern: .metal(angle: rng.angle()), a: RGB(grey, grey, grey * 1.05),
                       b: RGB(repeating: min(grey + 0.3, 0.95)), grain: 0.05, seed: seed)
    case "fabric":
        let base = rng.vivid()
        return Surface(pattern: .fabric(period: rng.float(0.015...0.03)), a: base, b: base * 0.55 + 0.3, grain: 0.1, seed: seed)
    case "stone":
        let grey = rng.float(0.4...0.6)
        return Surface(pattern: .stone, a: RGB(grey, grey * 0.97, grey * 0.92), b: RGB(repeating: grey + 0.25), grain: 0.2, seed: seed)
    case "sand":
        return Surface(pattern: .sand, a: rng.color(hue: 40, s: 0.3...0.45, v: 0.75...0.9),
                       b: rng.color(hue: 35, s: 0.4...0.55, v: 0.6...0.75), grain: 0.08, seed: seed)
    case "glass":
        return Surface(pattern: .glass, a: rng.color(hue: 200, s: 0.2...0.4, v: 0.55...0.75),
                       b: RGB(0.95, 0.97, 1), grain: 0.03, seed: seed)
    case "tile":
        return Surface(pattern: .tile(period: rng.float(0.06...0.12)), a: rng.color(hue: rng.float(0...360), s: 0.05...0.3, v: 0.8...0.95),
                       b: RGB(repeating: rng.float(0.3...0.5)), grain: 0.05, seed: seed)
    default:
        preconditionFailure("materialSurface: unknown material \(name)")
    }
}

/// Surfaces of the named DTD-like textures, in two contrasting random colours.
func textureSurface(_ name: String, _ rng: inout SynthRandom) -> Surface {
    let seed = rng.noiseSeed()
    let hue = rng.float(0...360)
    let a = hsv(hue, rng.float(0.3...0.9), rng.float(0.15...0.45))
    let b = hsv(hue + rng.float(60...200), rng.float(0.2...0.8), rng.float(0.7...0.98))
    let pattern: Pattern
    switch name {
    case "striped": pattern = .stripes(period: rng.float(0.05...0.14), angle: rng.angle())
    case "dotted": pattern = .dots(period: rng.float(0.07...0.16), radius: rng.float(0.15...0.3))
    case "checkered": pattern = .checks(period: rng.float(0.07...0.18), angle: rng.pick([0, Float.pi / 4]) + rng.float(-0.1...0.1))
    case "zigzagged": pattern = .zigzag(period: rng.float(0.06...0.14), angle: rng.angle())
    case "grid": pattern = .grid(period: rng.float(0.06...0.14), width: rng.float(0.08...0.18))
    case "wavy": pattern = .wavy(period: rng.float(0.05...0.12), angle: rng.angle())
    case "cracked": pattern = .cracked
    case "marbled": pattern = .marbled(period: rng.float(0.3...0.6))
    default: preconditionFailure("textureSurface: unknown texture \(name)")
    }
    return Surface(pattern: pattern, a: a, b: b, grain: 0.12, seed: seed)
}

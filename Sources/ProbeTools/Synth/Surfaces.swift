// Procedural surfaces: what fills a shape. Every surface mixes two colours by a pattern and adds
// grain, so nothing is a flat fill; the patterns are the visual signature of the materials
// (wood grain, bricks, grass blades, waves, ...) and of the DTD-like textures.

/// A colour, components in [0, 1].
typealias RGB = SIMD3<Float>

/// The pattern of a surface, in normalised image coordinates.
enum Pattern {
    case plain
    case stripes(period: Float, angle: Float)
    case wood(period: Float, angle: Float)
    case brick(rowHeight: Float)
    case grass
    case water
    case metal(angle: Float)
    case fabric(period: Float)
    case stone
    case sand
    case glass
    case leaves
    case bark
    case tile(period: Float)
    case shingles(period: Float)
    case sky
    case asphalt
    case dots(period: Float, radius: Float)
    case checks(period: Float, angle: Float)
    case zigzag(period: Float, angle: Float)
    case grid(period: Float, width: Float)
    case wavy(period: Float, angle: Float)
    case cracked
    case marbled(period: Float)
}

/// A pattern, its two colours, grain, and an optional highlight that gives round things volume.
struct Surface {
    var pattern: Pattern
    var a: RGB
    var b: RGB
    /// Amplitude of the fine grain, 0 to about 0.3.
    var grain: Float = 0.08
    var seed: UInt32 = 1
    /// Centre and radius of a highlight (brighter at the centre, darker at the rim).
    var light: (u: Float, v: Float, r: Float)? = nil

    /// The colour at (u, v).
    @inline(__always) func color(_ u: Float, _ v: Float) -> RGB {
        let n = ValueNoise(seed: seed)
        let t = mix(u, v, n)
        var c = a + (b - a) * t
        let g = n.value(u * 140, v * 140) - 0.5
        c *= 1 + grain * 2 * g
        if let light {
            let du = (u - light.u) / light.r, dv = (v - light.v) / light.r
            let d = min((du * du + dv * dv).squareRoot(), 1.4)
            c *= 1.25 - 0.45 * d
        }
        return c
    }

    @inline(__always) private func rotated(_ u: Float, _ v: Float, _ angle: Float) -> (Float, Float) {
        let c = cosf(angle), s = sinf(angle)
        return (u * c + v * s, -u * s + v * c)
    }

    @inline(__always) private func fract(_ x: Float) -> Float { x - x.rounded(.down) }

    @inline(__always) private func smooth(_ e0: Float, _ e1: Float, _ x: Float) -> Float {
        let t = min(max((x - e0) / (e1 - e0), 0), 1)
        return t * t * (3 - 2 * t)
    }

    /// The mixing weight of colour `b` at (u, v).
    @inline(__always) private func mix(_ u: Float, _ v: Float, _ n: ValueNoise) -> Float {
        switch pattern {
        case .plain:
            return n.fbm(u * 3, v * 3, octaves: 2)
        case let .stripes(period, angle):
            let (x, _) = rotated(u, v, angle)
            return smooth(-0.25, 0.25, sinf(x / period * 2 * .pi))
        case let .wood(period, angle):
            let (x, y) = rotated(u, v, angle)
            let ring = fract((y + 0.06 * n.fbm(x * 2, y * 12)) / period)
            return smooth(0.3, 0.7, ring) * 0.8 + 0.2 * n.value(x * 4, y * 80)
        case let .brick(rowHeight):
            let row = (v / rowHeight).rounded(.down)
            let shift: Float = Int(row) % 2 == 0 ? 0 : 0.5
            let width = rowHeight * 2.2
            let col = (u / width + shift).rounded(.down)
            let fu = fract(u / width + shift), fv = fract(v / rowHeight)
            if fu < 0.06 || fv < 0.12 { return 1 }  // mortar
            return 0.25 * n.lattice(Int32(col), Int32(row))
        case .grass:
            return n.value(u * 110, v * 18) * 0.8 + 0.2 * n.value(u * 7, v * 7)
        case .water:
            let w = sinf(v * 70 + 5 * n.fbm(u * 4, v * 2) + u * 9)
            return smooth(0.3, 1, w) * 0.8 + 0.2 * n.value(u * 5, v * 5)
        case let .metal(angle):
            let (x, y) = rotated(u, v, angle)
            return 0.6 * n.value(x * 3, y * 160) + 0.4 * smooth(0, 1, fract(x * 1.5))
        case let .fabric(period):
            let s = sinf(u / period * 2 * .pi), t = sinf(v / period * 2 * .pi)
            return 0.5 + 0.25 * s * t + 0.25 * smooth(-0.2, 0.2, sinf((u + v) / period * 4 * .pi))
        case .stone:
            let f = n.fbm(u * 10, v * 10, octaves: 3)
            return smooth(0.35, 0.65, f) * 0.8 + 0.2 * (abs(f - 0.5) < 0.02 ? 1 : 0)
        case .sand:
            return 0.7 * n.value(u * 200, v * 200) + 0.3 * smooth(-1, 1, sinf(u * 12 + v * 30 + 4 * n.value(u * 3, v * 3)))
        case .glass:
            let streak = fract((u + v) * 2.5)
            return streak < 0.18 ? 0.9 : 0.2 * v + 0.1 * n.value(u * 8, v * 8)
        case .leaves:
            let f = n.fbm(u * 35, v * 35, octaves: 2)
            return smooth(0.4, 0.6, f)
        case .bark:
            return n.value(u * 90, v * 6) * 0.8 + 0.2 * n.value(u * 10, v * 10)
        case let .tile(period):
            let fu = fract(u / period), fv = fract(v / period)
            if fu < 0.07 || fv < 0.07 { return 1 }
            return 0.2 * n.lattice(Int32((u / period).rounded(.down)), Int32((v / period).rounded(.down)))
        case let .shingles(period):
            let row = (v / period).rounded(.down)
            let fv = fract(v / period)
            let fu = fract(u / period * 0.8 + (Int(row) % 2 == 0 ? 0 : 0.5))
            let edge = 0.75 + 0.2 * sinf(fu * .pi)
            return fv > edge ? 1 : 0.3 * n.lattice(Int32(row), 7)
        case .sky:
            return min(1, v * 1.6) * 0.85 + 0.15 * smooth(0.55, 0.8, n.fbm(u * 3, v * 6))
        case .asphalt:
            return n.value(u * 180, v * 180) * 0.6 + 0.4 * n.fbm(u * 6, v * 6)
        case let .dots(period, radius):
            let cu = fract(u / period) - 0.5, cv = fract(v / period + 0.5 * ((u / period).rounded(.down).truncatingRemainder(dividingBy: 2))) - 0.5
            return smooth(radius + 0.04, radius - 0.04, (cu * cu + cv * cv).squareRoot())
        case let .checks(period, angle):
            let (x, y) = rotated(u, v, angle)
            let parity = (Int((x / period).rounded(.down)) + Int((y / period).rounded(.down))) & 1
            return Float(parity)
        case let .zigzag(period, angle):
            let (x, y) = rotated(u, v, angle)
            let tri = abs(fract(x / period) - 0.5) * 2
            return smooth(-0.3, 0.3, sinf((y + tri * period * 0.8) / period * 2 * .pi))
        case let .grid(period, width):
            let fu = fract(u / period), fv = fract(v / period)
            return (fu < width || fv < width) ? 1 : 0.1 * n.value(u * 20, v * 20)
        case let .wavy(period, angle):
            let (x, y) = rotated(u, v, angle)
            return smooth(-0.3, 0.3, sinf((y + 0.04 * sinf(x * 14)) / period * 2 * .pi))
        case .cracked:
            let f = n.fbm(u * 7, v * 7, octaves: 3)
            let crack = abs(f - 0.5)
            return crack < 0.025 ? 1 : 0.25 * n.value(u * 30, v * 30)
        case let .marbled(period):
            let turbulence = n.fbm(u * 4, v * 4, octaves: 4)
            return 0.5 + 0.5 * sinf((u + v + 3 * turbulence) / period * 2 * .pi)
        }
    }
}

/// A colour from hue (degrees), saturation and value in [0, 1].
func hsv(_ h: Float, _ s: Float, _ v: Float) -> RGB {
    let hue = (h.truncatingRemainder(dividingBy: 360) + 360).truncatingRemainder(dividingBy: 360) / 60
    let c = v * s, x = c * (1 - abs(hue.truncatingRemainder(dividingBy: 2) - 1)), m = v - c
    let rgb: RGB
    switch Int(hue) {
    case 0: rgb = RGB(c, x, 0)
    case 1: rgb = RGB(x, c, 0)
    case 2: rgb = RGB(0, c, x)
    case 3: rgb = RGB(0, x, c)
    case 4: rgb = RGB(x, 0, c)
    default: rgb = RGB(c, 0, x)
    }
    return rgb + RGB(m, m, m)
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

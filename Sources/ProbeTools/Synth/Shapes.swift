// Analytic shapes in normalised image coordinates (u right, v down, both in [0, 1]).
//
// Shapes are evaluated at pixel centres of both the image grid and the half-size segmentation
// grid, so the masks and the picture come from the same geometry without any resampling.

/// An axis-aligned box in normalised coordinates.
struct UVRect {
    var u0: Float, v0: Float, u1: Float, v1: Float
    static let whole = UVRect(u0: 0, v0: 0, u1: 1, v1: 1)
    func union(_ o: UVRect) -> UVRect { UVRect(u0: min(u0, o.u0), v0: min(v0, o.v0), u1: max(u1, o.u1), v1: max(v1, o.v1)) }
}

/// A region of the image plane.
indirect enum Shape {
    /// Disc of radius `r` around (cu, cv).
    case circle(cu: Float, cv: Float, r: Float)
    /// Ellipse with radii (ru, rv), rotated by `angle` radians.
    case ellipse(cu: Float, cv: Float, ru: Float, rv: Float, angle: Float)
    /// Rectangle with corners rounded by `radius`.
    case rect(UVRect, radius: Float)
    /// Convex polygon, vertices in either winding.
    case polygon([SIMD2<Float>])
    /// Horizontal band from `top` to the bottom, its upper edge displaced by a wave.
    case ground(top: Float, amplitude: Float, frequency: Float, phase: Float)
    /// The cell of `seeds[index]` in a Voronoi partition whose edges are displaced by noise.
    case cell(seeds: [SIMD2<Float>], index: Int, wobble: Float, noiseSeed: UInt32)
    /// The whole image.
    case everything
    /// Points in any of the shapes.
    case union([Shape])

    /// Whether (u, v) is inside.
    func contains(_ u: Float, _ v: Float) -> Bool {
        switch self {
        case let .circle(cu, cv, r):
            let du = u - cu, dv = v - cv
            return du * du + dv * dv <= r * r
        case let .ellipse(cu, cv, ru, rv, angle):
            let c = cosf(angle), s = sinf(angle)
            let du = u - cu, dv = v - cv
            let x = (du * c + dv * s) / ru, y = (-du * s + dv * c) / rv
            return x * x + y * y <= 1
        case let .rect(box, radius):
            guard u >= box.u0 && u <= box.u1 && v >= box.v0 && v <= box.v1 else { return false }
            guard radius > 0 else { return true }
            let cu = min(max(u, box.u0 + radius), box.u1 - radius)
            let cv = min(max(v, box.v0 + radius), box.v1 - radius)
            let du = u - cu, dv = v - cv
            return du * du + dv * dv <= radius * radius
        case let .polygon(points):
            var sign: Float = 0
            for i in 0..<points.count {
                let a = points[i], b = points[(i + 1) % points.count]
                let cross = (b.x - a.x) * (v - a.y) - (b.y - a.y) * (u - a.x)
                if cross != 0 {
                    if sign == 0 { sign = cross } else if (cross > 0) != (sign > 0) { return false }
                }
            }
            return true
        case let .ground(top, amplitude, frequency, phase):
            return v >= top + amplitude * sinf(u * frequency * 2 * .pi + phase)
        case let .cell(seeds, index, wobble, noiseSeed):
            let noise = ValueNoise(seed: noiseSeed)
            let pu = u + wobble * (noise.value(u * 6, v * 6) - 0.5)
            let pv = v + wobble * (noise.value(u * 6 + 17, v * 6 + 31) - 0.5)
            let mine = seeds[index]
            let dMine = (pu - mine.x) * (pu - mine.x) + (pv - mine.y) * (pv - mine.y)
            for (i, seed) in seeds.enumerated() where i != index {
                if (pu - seed.x) * (pu - seed.x) + (pv - seed.y) * (pv - seed.y) < dMine { return false }
            }
            return true
        case .everything:
            return true
        case let .union(shapes):
            return shapes.contains { $0.contains(u, v) }
        }
    }

    /// A box that holds the shape (clipped to the image later).
    var bounds: UVRect {
        switch self {
        case let .circle(cu, cv, r): return UVRect(u0: cu - r, v0: cv - r, u1: cu + r, v1: cv + r)
        case let .ellipse(cu, cv, ru, rv, _):
            let r = max(ru, rv)
            return UVRect(u0: cu - r, v0: cv - r, u1: cu + r, v1: cv + r)
        case let .rect(box, _): return box
        case let .polygon(points):
            return UVRect(u0: points.map(\.x).min()!, v0: points.map(\.y).min()!,
                       u1: points.map(\.x).max()!, v1: points.map(\.y).max()!)
        case let .ground(top, amplitude, _, _): return UVRect(u0: 0, v0: top - abs(amplitude), u1: 1, v1: 1)
        case .cell, .everything: return .whole
        case let .union(shapes): return shapes.dropFirst().reduce(shapes[0].bounds) { $0.union($1.bounds) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

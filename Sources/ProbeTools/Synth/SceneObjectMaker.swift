// The countable things of the synthetic probe, built from pieces: each kind has a distinct
// silhouette, its own palette and surfaces, and (for most) parts. `at` is the centre for things
// that float and the middle of the base for things that stand; `size` is a fraction of the image.

/// Builds things with labels from one vocabulary.
struct SceneObjectMaker {
    let vocabulary: SynthVocabulary

    private func piece(_ shape: Shape, _ surface: Surface, part: String? = nil, level: Int = 1,
                       material: String? = nil) -> LabelledShape {
        LabelledShape(shape: shape, surface: surface, part: part.map { vocabulary[$0] } ?? 0, partLevel: level,
                      material: material.map { vocabulary[$0] } ?? 0)
    }

    /// A thing of kind `name` (one of the countable objects).
    func make(_ name: String, at u: Float, _ v: Float, size s: Float, _ rng: inout SynthRandom) -> SceneObject {
        let pieces: [LabelledShape]
        switch name {
        case "ball": pieces = ball(u, v, s, &rng)
        case "house": pieces = house(u, v, s, &rng)
        case "tree": pieces = tree(u, v, s, &rng)
        case "car": pieces = car(u, v, s, &rng)
        case "flower": pieces = flower(u, v, s, &rng)
        case "fish": pieces = fish(u, v, s, &rng)
        case "cloud": pieces = cloud(u, v, s, &rng)
        case "kite": pieces = kite(u, v, s, &rng)
        case "window": pieces = window(u, v, s, &rng)
        case "moon": pieces = moon(u, v, s, &rng)
        default: preconditionFailure("SceneObjectMaker: unknown thing \(name)")
        }
        return SceneObject(object: vocabulary[name], pieces: pieces)
    }

    private func ball(_ u: Float, _ v: Float, _ s: Float, _ rng: inout SynthRandom) -> [LabelledShape] {
        let r = s / 2
        let a = rng.vivid()
        let b = rng.chance(0.5) ? rng.vivid() : RGB(0.95, 0.95, 0.92)
        var surface = Surface(pattern: .stripes(period: r * rng.float(0.6...1.2), angle: rng.angle()), a: a, b: b,
                              grain: 0.04, seed: rng.noiseSeed())
        surface.light = (u - r * 0.35, v - r * 0.35, r * 1.4)
        return [piece(.circle(cu: u, cv: v - r, r: r), surface)]
    }

    private func house(_ u: Float, _ v: Float, _ s: Float, _ rng: inout SynthRandom) -> [LabelledShape] {
        let w = s * rng.float(0.9...1.3), h = s * rng.float(0.5...0.7)
        let top = v - h
        let brick = rng.chance(0.5)
        var wall = brick ? materialSurface("brick", &rng)
            : Surface(pattern: .stripes(period: s * 0.06, angle: .pi / 2), a: rng.color(hue: rng.float(0...360), s: 0.15...0.4, v: 0.75...0.95),
                      b: RGB(repeating: 0.6), grain: 0.08, seed: rng.noiseSeed())
        if !brick { wall.b = wall.a * 0.8 }
        let roofColor = rng.pick([RGB(0.55, 0.15, 0.1), RGB(0.3, 0.3, 0.33), RGB(0.4, 0.25, 0.15)])
        let roof = Surface(pattern: .shingles(period: s * 0.07), a: roofColor, b: roofColor * 0.5, grain: 0.1, seed: rng.noiseSeed())
        let overhang = w * 0.08
        var pieces = [
            piece(.rect(UVRect(u0: u - w / 2, v0: top, u1: u + w / 2, v1: v), radius: 0), wall, part: "wall",
                  material: brick ? "brick" : "wood"),
            piece(.polygon([SIMD2(u - w / 2 - overhang, top), SIMD2(u + w / 2 + overhang, top), SIMD2(u, top - s * rng.float(0.3...0.45))]),
                  roof, part: "roof", material: "tile"),
        ]
        let doorW = w * 0.18, doorH = h * 0.55
        let doorU = u + rng.float(-0.3...0.3) * w
        pieces.append(piece(.rect(UVRect(u0: doorU - doorW / 2, v0: v - doorH, u1: doorU + doorW / 2, v1: v), radius: 0),
                            materialSurface("wood", &rng), part: "door", level: 2, material: "wood"))
        let lit = rng.chance(0.3)
        for k in 0..<rng.int(1...3) {
            let wu = u - w / 2 + w * (Float(k) + 0.5) / 3
            if abs(wu - doorU) < doorW { continue }
            var glass = materialSurface("glass", &rng)
            if lit { glass.a = RGB(0.95, 0.8, 0.3); glass.b = RGB(1, 0.95, 0.7) }
            pieces.append(piece(.rect(UVRect(u0: wu - w * 0.09, v0: top + h * 0.15, u1: wu + w * 0.09, v1: top + h * 0.42), radius: 0),
                                glass, part: "window", level: 2, material: "glass"))
        }
        return pieces
    }

    private func tree(_ u: Float, _ v: Float, _ s: Float, _ rng: inout SynthRandom) -> [LabelledShape] {
        let bark = Surface(pattern: .bark, a: rng.color(hue: 25, s: 0.5...0.7, v: 0.25...0.4), b: rng.color(hue: 30, s: 0.4...0.6, v: 0.45...0.6),
                           grain: 0.1, seed: rng.noiseSeed())
        let autumn = rng.chance(0.2)
        var leaves = Surface(pattern: .leaves, a: autumn ? rng.color(hue: 25, s: 0.8...0.95, v: 0.5...0.7) : rng.color(hue: 115, jitter: 20, s: 0.6...0.85, v: 0.2...0.35),
                             b: autumn ? rng.color(hue: 45, s: 0.8...0.95, v: 0.8...0.95) : rng.color(hue: 95, jitter: 15, s: 0.6...0.8, v: 0.5...0.7),
                             grain: 0.1, seed: rng.noiseSeed())
        let crownV = v - s * 0.65, crownR = s * 0.3
        leaves.light = (u - crownR * 0.3, crownV - crownR * 0.4, crownR * 1.6)
        var blobs: [Shape] = [.circle(cu: u, cv: crownV, r: crownR)]
        for _ in 0..<rng.int(2...4) {
            blobs.append(.circle(cu: u + rng.float(-1...1) * crownR * 0.7, cv: crownV + rng.float(-0.8...0.5) * crownR,
                                 r: crownR * rng.float(0.55...0.8)))
        }
        return [
            piece(.rect(UVRect(u0: u - s * 0.06, v0: v - s * 0.5, u1: u + s * 0.06, v1: v), radius: 0), bark, part: "trunk", material: "wood"),
            piece(.union(blobs), leaves, part: "leaves"),
        ]
    }

    private func car(_ u: Float, _ v: Float, _ s: Float, _ rng: inout SynthRandom) -> [LabelledShape] {
        let length = s * 1.7
        let paint = rng.vivid()
        let body = Surface(pattern: .metal(angle: 0), a: paint * 0.75, b: paint, grain: 0.04, seed: rng.noiseSeed())
        let flip: Float = rng.chance(0.5) ? 1 : -1
        let bodyTop = v - s * 0.5, cabinTop = v - s * 0.82
        let cabin: [SIMD2<Float>] = [SIMD2(u - flip * length * 0.32, bodyTop), SIMD2(u + flip * length * 0.28, bodyTop),
                                     SIMD2(u + flip * length * 0.14, cabinTop), SIMD2(u - flip * length * 0.22, cabinTop)]
        let glass = materialSurface("glass", &rng)
        let inset = s * 0.05
        let windows: [[SIMD2<Float>]] = [
            [SIMD2(u - flip * length * 0.28, bodyTop - inset * 0.5), SIMD2(u - flip * 0.01, bodyTop - inset * 0.5),
             SIMD2(u - flip * 0.01, cabinTop + inset), SIMD2(u - flip * length * 0.2, cabinTop + inset)],
            [SIMD2(u + flip * 0.01, bodyTop - inset * 0.5), SIMD2(u + flip * length * 0.24, bodyTop - inset * 0.5),
             SIMD2(u + flip * length * 0.125, cabinTop + inset), SIMD2(u + flip * 0.01, cabinTop + inset)],
        ]
        let tyre = Surface(pattern: .stripes(period: s * 0.02, angle: 0), a: RGB(0.08, 0.08, 0.09), b: RGB(0.2, 0.2, 0.22),
                           grain: 0.1, seed: rng.noiseSeed())
        let hub = Surface(pattern: .metal(angle: 0.7), a: RGB(0.6, 0.6, 0.62), b: RGB(0.85, 0.85, 0.88), grain: 0.05, seed: rng.noiseSeed())
        var pieces = [
            piece(.polygon(cabin), body, part: "body", material: "metal"),
            piece(.rect(UVRect(u0: u - length / 2, v0: bodyTop, u1: u + length / 2, v1: v - s * 0.15), radius: s * 0.08),
                  body, part: "body", material: "metal"),
        ]
        for w in windows { pieces.append(piece(.polygon(w), glass, part: "window", level: 2, material: "glass")) }
        for wu in [u - length * 0.3, u + length * 0.3] {
            pieces.append(piece(.circle(cu: wu, cv: v - s * 0.17, r: s * 0.17), tyre, part: "wheel"))
            pieces.append(piece(.circle(cu: wu, cv: v - s * 0.17, r: s * 0.08), hub, part: "wheel", material: "metal"))
        }
        return pieces
    }

    private func flower(_ u: Float, _ v: Float, _ s: Float, _ rng: inout SynthRandom) -> [LabelledShape] {
        let stem = Surface(pattern: .bark, a: RGB(0.15, 0.45, 0.12), b: RGB(0.3, 0.6, 0.2), grain: 0.05, seed: rng.noiseSeed())
        let petalColor = rng.pick([rng.color(hue: 330, s: 0.4...0.6, v: 0.85...1), rng.color(hue: 0, s: 0.8...0.95, v: 0.75...0.95),
                                   rng.color(hue: 55, s: 0.8...0.95, v: 0.85...1), rng.color(hue: 275, s: 0.5...0.8, v: 0.6...0.85),
                                   RGB(0.96, 0.95, 0.93)])
        let petals = Surface(pattern: .stripes(period: s * 0.03, angle: rng.angle()), a: petalColor, b: petalColor * 0.8,
                             grain: 0.05, seed: rng.noiseSeed())
        let hu = u, hv = v - s * 0.7
        var pieces = [piece(.rect(UVRect(u0: u - s * 0.02, v0: hv, u1: u + s * 0.02, v1: v), radius: 0), stem, part: "stem")]
        let count = rng.int(5...8)
        let turn = rng.angle()
        for k in 0..<count {
            let angle = turn + Float(k) * 2 * .pi / Float(count)
            let r = s * 0.13
            pieces.append(piece(.ellipse(cu: hu + cosf(angle) * r, cv: hv + sinf(angle) * r, ru: r, rv: r * 0.45, angle: angle),
                                petals, part: "petal"))
        }
        let centre = Surface(pattern: .dots(period: s * 0.03, radius: 0.3), a: RGB(0.95, 0.7, 0.1), b: RGB(0.45, 0.25, 0.05),
                             grain: 0.05, seed: rng.noiseSeed())
        pieces.append(piece(.circle(cu: hu, cv: hv, r: s * 0.07), centre))
        return pieces
    }

    private func fish(_ u: Float, _ v: Float, _ s: Float, _ rng: inout SynthRandom) -> [LabelledShape] {
        let flip: Float = rng.chance(0.5) ? 1 : -1
        let base = rng.pick([rng.color(hue: 28, s: 0.85...1, v: 0.85...1), rng.color(hue: 55, s: 0.8...1, v: 0.85...1),
                             rng.color(hue: 210, s: 0.7...0.9, v: 0.7...0.9), rng.color(hue: 350, s: 0.7...0.9, v: 0.75...0.9)])
        var skin = Surface(pattern: .stripes(period: s * rng.float(0.15...0.3), angle: 0), a: base, b: rng.chance(0.5) ? RGB(0.97, 0.97, 0.95) : base * 0.5,
                           grain: 0.05, seed: rng.noiseSeed())
        skin.light = (u, v - s * 0.1, s * 0.5)
        let fins = Surface(pattern: .stripes(period: s * 0.04, angle: 0.3), a: base * 0.7, b: base, grain: 0.05, seed: rng.noiseSeed())
        let ru = s * 0.5, rv = s * 0.25
        let tailBase = u - flip * ru * 0.85
        return [
            piece(.polygon([SIMD2(tailBase, v), SIMD2(tailBase - flip * s * 0.35, v - s * 0.25), SIMD2(tailBase - flip * s * 0.35, v + s * 0.25)]),
                  fins, part: "tail"),
            piece(.polygon([SIMD2(u - flip * ru * 0.4, v - rv * 0.7), SIMD2(u + flip * ru * 0.2, v - rv * 0.7), SIMD2(u - flip * ru * 0.3, v - rv * 1.6)]),
                  fins, part: "fin"),
            piece(.ellipse(cu: u, cv: v, ru: ru, rv: rv, angle: 0), skin),
            piece(.circle(cu: u + flip * ru * 0.6, cv: v - rv * 0.25, r: s * 0.06),
                  Surface(pattern: .dots(period: s * 0.2, radius: 0.2), a: RGB(0.95, 0.95, 0.95), b: RGB(0.02, 0.02, 0.02), grain: 0, seed: 1),
                  part: "eye", level: 2),
        ]
    }

    private func cloud(_ u: Float, _ v: Float, _ s: Float, _ rng: inout SynthRandom) -> [LabelledShape] {
        let grey = rng.float(0.85...0.98)
        var surface = Surface(pattern: .plain, a: RGB(grey, grey, min(grey + 0.03, 1)), b: RGB(repeating: grey * 0.8), grain: 0.04,
                              seed: rng.noiseSeed())
        surface.light = (u, v - s * 0.3, s)
        var blobs: [Shape] = []
        for k in 0..<rng.int(4...6) {
            let du = (Float(k) / 5 - 0.4) * s * 1.4
            blobs.append(.circle(cu: u + du, cv: v - abs(du) * 0.2 + rng.float(-0.1...0.05) * s, r: s * rng.float(0.2...0.32)))
        }
        return [piece(.union(blobs), surface)]
    }

    private func kite(_ u: Float, _ v: Float, _ s: Float, _ rng: inout SynthRandom) -> [LabelledShape] {
        let a = rng.vivid(), b = rng.vivid()
        let sail = Surface(pattern: .checks(period: s * 0.35, angle: .pi / 4), a: a, b: b, grain: 0.04, seed: rng.noiseSeed())
        let ribbon = Surface(pattern: .plain, a: b, b: a, grain: 0.05, seed: rng.noiseSeed())
        var pieces = [piece(.polygon([SIMD2(u, v - s * 0.5), SIMD2(u + s * 0.32, v - s * 0.05), SIMD2(u, v + s * 0.3),
                                      SIMD2(u - s * 0.32, v - s * 0.05)]), sail)]
        var tail: [Shape] = []
        for k in 1...5 {
            let tv = v + s * 0.3 + Float(k) * s * 0.13, tu = u + sinf(Float(k) * 1.3) * s * 0.08
            tail.append(.polygon([SIMD2(tu - s * 0.06, tv - s * 0.04), SIMD2(tu + s * 0.06, tv + s * 0.04), SIMD2(tu + s * 0.06, tv - s * 0.04),
                                  SIMD2(tu - s * 0.06, tv + s * 0.04)]))
        }
        pieces.append(piece(.union(tail), ribbon, part: "tail"))
        return pieces
    }

    private func window(_ u: Float, _ v: Float, _ s: Float, _ rng: inout SynthRandom) -> [LabelledShape] {
        let w = s * rng.float(0.6...0.9), h = s
        let frame = Surface(pattern: .wood(period: 0.05, angle: 0), a: RGB(0.93, 0.92, 0.9), b: RGB(0.8, 0.78, 0.75), grain: 0.04,
                            seed: rng.noiseSeed())
        var pieces = [piece(.rect(UVRect(u0: u - w / 2, v0: v - h / 2, u1: u + w / 2, v1: v + h / 2), radius: 0), frame, material: "wood")]
        let glass = materialSurface("glass", &rng)
        let t = s * 0.06
        for (du, dv) in [(-1, -1), (1, -1), (-1, 1), (1, 1)] as [(Float, Float)] {
            let cu = u + du * w / 4, cv = v + dv * h / 4
            pieces.append(piece(.rect(UVRect(u0: cu - w / 4 + t / 2, v0: cv - h / 4 + t / 2, u1: cu + w / 4 - t / 2, v1: cv + h / 4 - t / 2), radius: 0),
                                glass, material: "glass"))
        }
        return pieces
    }

    private func moon(_ u: Float, _ v: Float, _ s: Float, _ rng: inout SynthRandom) -> [LabelledShape] {
        var surface = Surface(pattern: .stone, a: RGB(0.95, 0.93, 0.78), b: RGB(0.8, 0.78, 0.65), grain: 0.05, seed: rng.noiseSeed())
        surface.light = (u - s * 0.15, v - s * 0.15, s * 0.8)
        return [piece(.circle(cu: u, cv: v, r: s / 2), surface)]
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

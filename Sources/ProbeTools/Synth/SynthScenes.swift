// Composing synthetic images the way Broden pooled its sources: ADE20K-like scenes (objects
// with "stuff" such as sky and road, parts, a scene label), Pascal-like object photos (things
// on an unlabelled background, with parts), OpenSurfaces-like close-ups (regions of materials)
// and DTD-like texture images (one or two textures filling the picture). Colour is labelled
// on every image.
import Dissection

/// Which Broden source an image imitates: decides its folder, its file names and which categories
/// it annotates.
enum SynthSource: CaseIterable {
    case ade, pascal, opensurfaces, dtd

    /// The folder of its images under `images/`: `synth-` and the kind of picture.
    var folder: String {
        switch self {
        case .ade: return "synth-scenes"
        case .pascal: return "synth-objects"
        case .opensurfaces: return "synth-surfaces"
        case .dtd: return "synth-textures"
        }
    }
}

/// An image to paint: its things in painting order, and its image-level labels.
struct Composition {
    var source: SynthSource
    var things: [SceneObject]
    /// Scene label ids (ADE-like images).
    var scenes: [UInt32] = []
    /// Texture label ids (DTD-like images).
    var textures: [UInt32] = []
    /// Where the light comes from and how strong it is.
    var light: (u: Float, v: Float, strength: Float)
}

/// Decides what each image shows.
struct Composer {
    let vocabulary: SynthVocabulary
    var maker: SceneObjectMaker { SceneObjectMaker(vocabulary: vocabulary) }

    /// The composition of one image, from its own random stream.
    func compose(_ rng: inout SynthRandom) -> Composition {
        let light = (u: rng.float(0...1), v: rng.float(-0.3...0.4), strength: rng.float(0.15...0.4))
        let roll = rng.float(0...1)
        if roll < 0.45 { return scene(&rng, light) }
        if roll < 0.65 { return Composition(source: .pascal, things: pascal(&rng), light: light) }
        if roll < 0.82 { return Composition(source: .opensurfaces, things: surfaces(&rng), light: light) }
        return texture(&rng, light)
    }

    private func stuff(_ name: String, _ shape: Shape, _ surface: Surface, material: String? = nil) -> SceneObject {
        SceneObject(object: vocabulary[name], pieces: [LabelledShape(shape: shape, surface: surface, material: material.map { vocabulary[$0] } ?? 0)])
    }

    private func sky(_ rng: inout SynthRandom, night: Bool = false, warm: Bool = false) -> SceneObject {
        let top = night ? RGB(0.02, 0.03, 0.12) : warm ? rng.color(hue: 210, s: 0.3...0.5, v: 0.7...0.85) : rng.color(hue: 215, s: 0.55...0.8, v: 0.7...0.95)
        let horizon = night ? RGB(0.08, 0.1, 0.3) : warm ? rng.color(hue: 35, s: 0.3...0.5, v: 0.9...1) : rng.color(hue: 200, s: 0.15...0.35, v: 0.9...1)
        return stuff("sky", .everything, Surface(pattern: .sky, a: top, b: horizon, grain: 0.03, seed: rng.noiseSeed()))
    }

    private func ground(_ name: String, top: Float, _ rng: inout SynthRandom, wave: Float = 0.02) -> SceneObject {
        let shape = Shape.ground(top: top, amplitude: wave, frequency: rng.float(0.5...2), phase: rng.angle())
        switch name {
        case "grass", "water", "sand": return stuff(name, shape, materialSurface(name, &rng), material: name)
        case "road":
            let asphalt = Surface(pattern: .asphalt, a: RGB(repeating: rng.float(0.2...0.3)), b: RGB(repeating: rng.float(0.38...0.48)),
                                  grain: 0.1, seed: rng.noiseSeed())
            return stuff("road", shape, asphalt, material: "stone")
        case "floor": return stuff("floor", shape, materialSurface(rng.chance(0.7) ? "wood" : "tile", &rng))
        default: preconditionFailure("Composer: unknown ground \(name)")
        }
    }

    /// Places `count` things of kind `name` standing on the band `vRange`, sized `sRange`.
    private func place(_ name: String, _ count: Int, u uRange: ClosedRange<Float> = 0.05...0.95, v vRange: ClosedRange<Float>,
                       size sRange: ClosedRange<Float>, _ rng: inout SynthRandom) -> [SceneObject] {
        (0..<count).map { _ in maker.make(name, at: rng.float(uRange), rng.float(vRange), size: rng.float(sRange), &rng) }
    }

    private func scene(_ rng: inout SynthRandom, _ light: (u: Float, v: Float, strength: Float)) -> Composition {
        let name = rng.pick(SynthVocabulary.scenes)
        var things: [SceneObject] = []
        var back: [SceneObject] = []  // drawn first among the things: far away, small
        switch name {
        case "street-s":
            let horizon = rng.float(0.5...0.62)
            things = [sky(&rng), ground("road", top: horizon, &rng, wave: 0)]
            back = place("cloud", rng.int(0...2), v: 0.08...0.25, size: 0.12...0.25, &rng)
                + place("house", rng.int(1...3), v: horizon...(horizon + 0.04), size: 0.25...0.4, &rng)
                + place("tree", rng.int(0...2), v: horizon...(horizon + 0.06), size: 0.25...0.45, &rng)
            let lane = Surface(pattern: .plain, a: RGB(0.95, 0.85, 0.3), b: RGB(0.9, 0.9, 0.85), grain: 0.05, seed: rng.noiseSeed())
            let laneV = horizon + (1 - horizon) * 0.45
            things.append(SceneObject(object: vocabulary["road"], pieces: (0..<5).map { k in
                let u0 = Float(k) * 0.22 + 0.02
                return LabelledShape(shape: .rect(UVRect(u0: u0, v0: laneV, u1: u0 + 0.12, v1: laneV + 0.015), radius: 0), surface: lane)
            }))
            back += place("car", rng.int(1...3), v: (horizon + 0.15)...0.97, size: 0.15...0.3, &rng)
        case "beach-s":
            let sea = rng.float(0.35...0.5), shore = rng.float(0.6...0.72)
            things = [sky(&rng), ground("water", top: sea, &rng, wave: 0.005), ground("sand", top: shore, &rng, wave: 0.03)]
            back = place("cloud", rng.int(0...2), v: 0.08...0.25, size: 0.12...0.25, &rng)
                + place("kite", rng.int(0...2), v: 0.1...0.3, size: 0.12...0.22, &rng)
                + place("ball", rng.int(1...2), v: (shore + 0.08)...0.97, size: 0.1...0.22, &rng)
        case "field-s":
            let horizon = rng.float(0.4...0.6)
            things = [sky(&rng), ground("grass", top: horizon, &rng, wave: 0.03)]
            back = place("cloud", rng.int(0...3), v: 0.08...0.25, size: 0.12...0.25, &rng)
                + place("house", rng.int(0...1), v: (horizon + 0.02)...(horizon + 0.08), size: 0.2...0.3, &rng)
                + place("tree", rng.int(1...3), v: (horizon + 0.05)...(horizon + 0.15), size: 0.3...0.5, &rng)
                + place("kite", rng.int(0...1), v: 0.1...0.3, size: 0.12...0.2, &rng)
                + place("flower", rng.int(1...5), v: (horizon + 0.2)...0.98, size: 0.12...0.25, &rng)
        case "forest-s":
            let horizon = rng.float(0.45...0.6)
            things = [sky(&rng), ground("grass", top: horizon, &rng, wave: 0.02)]
            back = place("tree", rng.int(4...8), v: (horizon + 0.05)...0.98, size: 0.35...0.7, &rng)
                + place("flower", rng.int(0...2), v: (horizon + 0.3)...0.98, size: 0.1...0.2, &rng)
        case "underwater-s":
            let deep = Surface(pattern: .water, a: rng.color(hue: 215, s: 0.8...0.95, v: 0.25...0.4),
                               b: rng.color(hue: 190, s: 0.6...0.8, v: 0.5...0.7), grain: 0.04, seed: rng.noiseSeed())
            things = [stuff("water", .everything, deep, material: "water"), ground("sand", top: rng.float(0.75...0.85), &rng, wave: 0.03)]
            back = (0..<rng.int(2...5)).map { _ in maker.make("fish", at: rng.float(0.15...0.85), rng.float(0.15...0.75), size: rng.float(0.12...0.3), &rng) }
        case "room-s":
            let wallpaper = rng.pick(["stripes", "dots", "plain"])
            let tone = rng.color(hue: rng.float(0...360), s: 0.1...0.35, v: 0.7...0.9)
            let pattern: Pattern = wallpaper == "stripes" ? .stripes(period: 0.06, angle: .pi / 2)
                : wallpaper == "dots" ? .dots(period: 0.08, radius: 0.12) : .plain
            let floorTop = rng.float(0.6...0.72)
            things = [stuff("wall", .everything, Surface(pattern: pattern, a: tone, b: tone * 0.85, grain: 0.06, seed: rng.noiseSeed())),
                      ground("floor", top: floorTop, &rng, wave: 0)]
            back = (0..<rng.int(1...2)).map { _ in maker.make("window", at: rng.float(0.2...0.8), rng.float(0.25...0.35), size: rng.float(0.25...0.4), &rng) }
                + place("ball", rng.int(0...2), v: (floorTop + 0.1)...0.97, size: 0.12...0.25, &rng)
                + place("flower", rng.int(0...2), v: (floorTop + 0.05)...0.95, size: 0.2...0.3, &rng)
        case "night-s":
            let horizon = rng.float(0.55...0.7)
            var stars = sky(&rng, night: true)
            stars.pieces[0].surface.pattern = .dots(period: 0.07, radius: 0.04)
            stars.pieces[0].surface.b = RGB(0.9, 0.9, 0.8)
            var dark = ground("grass", top: horizon, &rng, wave: 0.02)
            dark.pieces[0].surface.a *= 0.3
            dark.pieces[0].surface.b *= 0.3
            things = [stars, dark]
            back = [maker.make("moon", at: rng.float(0.15...0.85), rng.float(0.12...0.3), size: rng.float(0.1...0.2), &rng)]
                + place("house", rng.int(0...2), v: horizon...(horizon + 0.05), size: 0.25...0.4, &rng)
                + place("tree", rng.int(0...2), v: (horizon + 0.03)...(horizon + 0.1), size: 0.3...0.45, &rng)
        default:  // desert-s
            let horizon = rng.float(0.45...0.6)
            things = [sky(&rng, warm: true), ground("sand", top: horizon, &rng, wave: 0.05)]
            back = place("cloud", rng.int(0...1), v: 0.08...0.25, size: 0.12...0.25, &rng)
                + place("car", rng.int(0...1), v: (horizon + 0.2)...0.95, size: 0.15...0.3, &rng)
        }
        // Things further down the picture are nearer: paint them last.
        let ordered = back.sorted { ($0.pieces.map { $0.shape.bounds.v1 }.max() ?? 0) < ($1.pieces.map { $0.shape.bounds.v1 }.max() ?? 0) }
        return Composition(source: .ade, things: things + ordered, scenes: [vocabulary[name]], light: light)
    }

    /// One or two big things on an unlabelled, textured background.
    private func pascal(_ rng: inout SynthRandom) -> [SceneObject] {
        let a = rng.color(hue: rng.float(0...360), s: 0.05...0.5, v: 0.3...0.9)
        let b = rng.color(hue: rng.float(0...360), s: 0.05...0.5, v: 0.3...0.9)
        let background = Surface(pattern: rng.pick([.plain, .stone, .wavy(period: 0.3, angle: rng.angle())]), a: a, b: b,
                                 grain: 0.12, seed: rng.noiseSeed())
        var things = [SceneObject(object: 0, pieces: [LabelledShape(shape: .everything, surface: background)])]
        let kinds = ["ball", "house", "tree", "car", "flower", "fish", "kite", "cloud"]
        let count = rng.int(1...2)
        for k in 0..<count {
            let name = rng.pick(kinds)
            let size = rng.float(count == 1 ? 0.45...0.7 : 0.3...0.45)
            let u = count == 1 ? rng.float(0.4...0.6) : (k == 0 ? rng.float(0.25...0.4) : rng.float(0.6...0.75))
            let floats = ["fish", "kite", "cloud"].contains(name)
            let v = floats ? rng.float(0.4...0.6) : rng.float(0.75...0.95)
            things.append(maker.make(name, at: u, v, size: size, &rng))
        }
        return things
    }

    /// Two to four regions of different materials, OpenSurfaces-like.
    private func surfaces(_ rng: inout SynthRandom) -> [SceneObject] {
        let count = rng.int(2...4)
        let seeds = (0..<count).map { _ in SIMD2<Float>(rng.float(0.1...0.9), rng.float(0.1...0.9)) }
        var names = SynthVocabulary.materials
        names.shuffle(using: &rng)
        let wobble = rng.float(0...0.08), noise = rng.noiseSeed()
        return (0..<count).map { k in
            SceneObject(object: 0, pieces: [LabelledShape(shape: .cell(seeds: seeds, index: k, wobble: wobble, noiseSeed: noise),
                                                          surface: materialSurface(names[k], &rng), material: vocabulary[names[k]])])
        }
    }

    /// A DTD-like texture image: one texture, or two side by side.
    private func texture(_ rng: inout SynthRandom, _ light: (u: Float, v: Float, strength: Float)) -> Composition {
        var names = SynthVocabulary.textures
        names.shuffle(using: &rng)
        let light = (u: light.u, v: light.v, strength: light.strength * 0.5)
        if rng.chance(0.85) {
            return Composition(source: .dtd, things: [SceneObject(object: 0, pieces: [LabelledShape(shape: .everything, surface: textureSurface(names[0], &rng))])],
                               textures: [vocabulary[names[0]]], light: light)
        }
        let seeds = [SIMD2<Float>(rng.float(0.1...0.4), rng.float(0.2...0.8)), SIMD2<Float>(rng.float(0.6...0.9), rng.float(0.2...0.8))]
        let things = (0..<2).map { k in
            SceneObject(object: 0, pieces: [LabelledShape(shape: .cell(seeds: seeds, index: k, wobble: 0.05, noiseSeed: 3), surface: textureSurface(names[k], &rng))])
        }
        return Composition(source: .dtd, things: things, textures: [vocabulary[names[0]], vocabulary[names[1]]], light: light)
    }
}

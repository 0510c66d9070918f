// Painting a synthetic scene: the picture at image resolution and its label layers at
// segmentation resolution, from the same shapes, in painter's order.
//
// Each painted piece belongs to an instance (one thing in the scene). Where a piece is painted,
// the pixel now belongs to that instance: its object label becomes the instance's, its material
// the piece's, and its parts are reset to the piece's own (level-1 parts into the first part
// layer, level-2 parts, which lie on top of level-1 parts, into the second). So occluded things
// lose their labels exactly where they are hidden, and the masks always match the picture.

/// The picture and the label layers being painted.
struct SceneRaster {
    /// Image side (`ih = iw`).
    let size: Int
    /// Segmentation side (`sh = sw = size / 2`).
    let segSize: Int
    /// (size, size, 3) colours in [0, 1] (not clamped until encoding).
    var rgb: [Float]
    /// (segSize, segSize) object, material and part labels.
    var object: [UInt32]
    var material: [UInt32]
    var part1: [UInt32]
    var part2: [UInt32]

    init(size: Int) {
        self.size = size
        segSize = size / 2
        rgb = [Float](repeating: 0, count: size * size * 3)
        let n = segSize * segSize
        object = [UInt32](repeating: 0, count: n)
        material = object
        part1 = object
        part2 = object
    }

    /// Paints `thing` over what is there.
    mutating func paint(_ thing: SceneObject) {
        for piece in thing.pieces { paint(piece, object: thing.object) }
    }

    private mutating func paint(_ piece: LabelledShape, object label: UInt32) {
        let box = piece.shape.bounds
        // Picture: every image pixel whose centre is inside.
        let n = Float(size)
        let x0 = max(0, Int((box.u0 * n).rounded(.down))), x1 = min(size - 1, Int((box.u1 * n).rounded(.up)))
        let y0 = max(0, Int((box.v0 * n).rounded(.down))), y1 = min(size - 1, Int((box.v1 * n).rounded(.up)))
        if x0 <= x1 && y0 <= y1 {
            rgb.withUnsafeMutableBufferPointer { out in
                for y in y0...y1 {
                    let v = (Float(y) + 0.5) / n
                    for x in x0...x1 {
                        let u = (Float(x) + 0.5) / n
                        guard piece.shape.contains(u, v) else { continue }
                        let c = piece.surface.color(u, v)
                        let i = (y * size + x) * 3
                        out[i] = c.x; out[i + 1] = c.y; out[i + 2] = c.z
                    }
                }
            }
        }
        // Labels: every segmentation pixel whose centre is inside.
        let m = Float(segSize)
        let sx0 = max(0, Int((box.u0 * m).rounded(.down))), sx1 = min(segSize - 1, Int((box.u1 * m).rounded(.up)))
        let sy0 = max(0, Int((box.v0 * m).rounded(.down))), sy1 = min(segSize - 1, Int((box.v1 * m).rounded(.up)))
        guard sx0 <= sx1 && sy0 <= sy1 else { return }
        for y in sy0...sy1 {
            let v = (Float(y) + 0.5) / m
            for x in sx0...sx1 {
                let u = (Float(x) + 0.5) / m
                guard piece.shape.contains(u, v) else { continue }
                let p = y * segSize + x
                object[p] = label
                material[p] = piece.material
                if piece.partLevel == 2 {
                    part2[p] = piece.part
                } else {
                    part1[p] = piece.part
                    part2[p] = 0
                }
            }
        }
    }

    /// Multiplies the picture by a soft light falling from `(u, v)` and adds sensor noise, so
    /// that no region is flat.
    mutating func light(from u: Float, _ v: Float, strength: Float, noise: Float, seed: UInt32) {
        let n = Float(size)
        let grain = ValueNoise(seed: seed)
        for y in 0..<size {
            for x in 0..<size {
                let du = (Float(x) + 0.5) / n - u, dv = (Float(y) + 0.5) / n - v
                let factor = 1 + strength * (0.5 - (du * du + dv * dv).squareRoot())
                let g = noise * (grain.lattice(Int32(x), Int32(y)) - 0.5)
                let i = (y * size + x) * 3
                rgb[i] = rgb[i] * factor + g
                rgb[i + 1] = rgb[i + 1] * factor + g
                rgb[i + 2] = rgb[i + 2] * factor + g
            }
        }
    }

    /// The picture as 8-bit RGB.
    func image() -> [UInt8] {
        rgb.map { UInt8(min(max($0 * 255 + 0.5, 0), 255)) }
    }

    /// The colour term of every segmentation pixel, named from the mean of the 8-bit image
    /// pixels it covers (2x2 at even sizes), as Broden named the colours of its images.
    func colorLabels(_ pixels: [UInt8], vocabulary: SynthVocabulary) -> [UInt32] {
        let ids = ColorName.allCases.map { vocabulary.id($0) }
        var labels = [UInt32](repeating: 0, count: segSize * segSize)
        for sy in 0..<segSize {
            let ya = sy * size / segSize, yb = max(ya + 1, (sy + 1) * size / segSize)
            for sx in 0..<segSize {
                let xa = sx * size / segSize, xb = max(xa + 1, (sx + 1) * size / segSize)
                var r = 0, g = 0, b = 0
                for y in ya..<yb {
                    for x in xa..<xb {
                        let i = (y * size + x) * 3
                        r += Int(pixels[i]); g += Int(pixels[i + 1]); b += Int(pixels[i + 2])
                    }
                }
                let count = Float((yb - ya) * (xb - xa) * 255)
                labels[sy * segSize + sx] = ids[ColorName.of(Float(r) / count, Float(g) / count, Float(b) / count).rawValue]
            }
        }
        return labels
    }
}

// Making one synthetic image: compose, paint, name the colours, encode, write, and count.
import Dissection
import Render

/// What one generated image contributes to the tables.
struct MadeImage {
    /// Path of the JPEG relative to `images/`.
    var image: String
    var split: String
    /// One index.csv cell per category, as written.
    var cells: [String]
    /// Per category: label id -> pixels carrying it in any layer of that category (for
    /// image-level categories, every pixel).
    var pixels: [[UInt32: Int]]
    /// The ground truth, when asked for.
    var truth: SyntheticImage?
}

/// Makes the images of one dataset.
struct SynthImageMaker {
    let options: SynthOptions
    let vocabulary: SynthVocabulary
    let directory: String

    func make(_ index: Int) throws(SynthError) -> MadeImage {
        var rng = SynthRandom(seed: options.seed, stream: UInt64(index))
        let split = rng.chance(options.valFraction) ? "val" : "train"
        let composition = Composer(vocabulary: vocabulary).compose(&rng)
        var raster = SceneRaster(size: options.size)
        for thing in composition.things { raster.paint(thing) }
        raster.light(from: composition.light.u, composition.light.v, strength: composition.light.strength,
                     noise: 0.035, seed: rng.noiseSeed())
        let pixels = raster.image()
        let n = raster.segSize

        // Layers per category, Broden order: color, object, material, part, scene, texture.
        var layers: [[[UInt32]]] = Array(repeating: [], count: SynthCategory.allCases.count)
        var imageLabels: [[Int]] = Array(repeating: [], count: SynthCategory.allCases.count)
        layers[SynthCategory.color.rawValue] = [raster.colorLabels(pixels, vocabulary: vocabulary)]
        let nonEmpty: ([UInt32]) -> Bool = { $0.contains { $0 != 0 } }
        switch composition.source {
        case .ade, .pascal:
            if nonEmpty(raster.object) { layers[SynthCategory.object.rawValue] = [raster.object] }
            layers[SynthCategory.part.rawValue] = [raster.part1, raster.part2].filter(nonEmpty)
        case .opensurfaces:
            if nonEmpty(raster.material) { layers[SynthCategory.material.rawValue] = [raster.material] }
        case .dtd:
            break
        }
        imageLabels[SynthCategory.scene.rawValue] = composition.scenes.map(Int.init)
        imageLabels[SynthCategory.texture.rawValue] = composition.textures.map(Int.init)

        // File names that say what the images are: synthetic, and of which kind (not the names of
        // the Broden sources they imitate, which would read as if they came from ADE20K or DTD).
        let stem: String
        switch composition.source {
        case .ade: stem = "\(composition.source.folder)/scene_\(split)_\(pad(index + 1, 8))"
        case .pascal: stem = "\(composition.source.folder)/object_\(pad(index + 1, 6))"
        case .opensurfaces: stem = "\(composition.source.folder)/surface_\(pad(index + 1, 6))"
        case .dtd: stem = "\(composition.source.folder)/\(vocabulary.names[Int(composition.textures[0])])_\(pad(index + 1, 4))"
        }
        let image = stem + ".jpg"
        let rgb = RGBImage(width: options.size, height: options.size, pixels: pixels)
        try write(encode { () throws(CodecError) in try JPEG.encode(rgb, quality: options.jpegQuality) }, image)

        var cells: [String] = []
        var counts: [[UInt32: Int]] = []
        for category in SynthCategory.allCases {
            var tally: [UInt32: Int] = [:]
            let maps = layers[category.rawValue]
            if !maps.isEmpty {
                var names: [String] = []
                for (k, map) in maps.enumerated() {
                    let suffix = category == .part ? "part_\(k + 1)" : category.name
                    let name = "\(stem)_\(suffix).png"
                    let encoded = LabelMap(width: n, height: n, labels: map).rgEncoded()
                    try write(encode { () throws(CodecError) in try PNG.encode(encoded, compressionLevel: 3) }, name)
                    names.append(name)
                }
                // A pixel counts once per label however many layers carry it.
                for p in 0..<(n * n) {
                    var seen: (UInt32, UInt32) = (0, 0)
                    for map in maps {
                        let label = map[p]
                        if label == 0 || label == seen.0 || label == seen.1 { continue }
                        tally[label, default: 0] += 1
                        seen = seen.0 == 0 ? (label, 0) : (seen.0, label)
                    }
                }
                cells.append(names.joined(separator: ";"))
            } else {
                let ids = imageLabels[category.rawValue]
                for id in ids { tally[UInt32(id)] = n * n }
                // The real index writes labels it filtered out as 0; do the same now and then.
                var text = ids.map(String.init)
                if !ids.isEmpty && rng.chance(0.05) { text.insert("0", at: rng.int(0...text.count)) }
                cells.append(text.joined(separator: ";"))
            }
            counts.append(tally)
        }
        let truth = options.keepGroundTruth
            ? SyntheticImage(image: image, split: split,
                             layers: layers.map { $0.map { LabelMap(width: n, height: n, labels: $0) } },
                             imageLabels: imageLabels)
            : nil
        return MadeImage(image: image, split: split, cells: cells, pixels: counts, truth: truth)
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private func encode(_ body: () throws(CodecError) -> [UInt8]) throws(SynthError) -> [UInt8] {
        do { return try body() } catch { throw SynthError(path: directory, reason: "cannot encode an image: \(error)") }
    }

    private func write(_ bytes: [UInt8], _ relative: String) throws(SynthError) {
        let path = ProbePaths.join(directory, "images/" + relative)
        do { try ProbePaths.write(bytes, to: path) } catch {
            throw SynthError(path: path, reason: "cannot write (\(error.reason)); check free space and permissions")
        }
    }
}

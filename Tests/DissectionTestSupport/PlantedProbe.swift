// A generated probe with planted concepts for the planted model (Fixtures/planted/planted.onnx):
// 32x32 images (16x16 segmentations) of grey noise, some with a red square, a few striped
// vertically or horizontally. Every pixel colour carries +-20 of noise so no unit sees ties.
//
// Labels: color (pixel) red-c 1, gray-c 2, black-c 3, white-c 4; texture (image) vertical 5,
// horizontal 6. Unit 0 of the model should detect red-c, unit 1 vertical; units 2, 3 are noise.
import Render
import TestSupport
import Dissection
import Foundation

/// The planted probe: images, annotations, and the catalog they use.
public struct PlantedProbe: Sendable {
    /// The planted model (`Fixtures/planted/planted.onnx`, made by `make_planted_model.py`):
    /// unit 0 detects red-c, unit 1 vertical.
    public static var modelPath: String {
        Bundle.module.url(forResource: "Fixtures/planted/planted", withExtension: "onnx")!.path
    }

    /// The same units as a ViT block's tokens ("blocks", a class token first) and a Swin stage's
    /// channels-last map ("stage"), beside the original "features" (make_planted_model.py).
    public static var tokensModelPath: String {
        Bundle.module.url(forResource: "Fixtures/planted/planted_tokens", withExtension: "onnx")!.path
    }

    /// The labels above.
    public static let catalog = ConceptCatalog(
        categories: [ConceptCategory(name: "color", kind: .pixel), ConceptCategory(name: "texture", kind: .image)],
        labels: [ConceptLabel(id: 1, name: "red-c", category: 0), ConceptLabel(id: 2, name: "gray-c", category: 0),
                 ConceptLabel(id: 3, name: "black-c", category: 0), ConceptLabel(id: 4, name: "white-c", category: 0),
                 ConceptLabel(id: 5, name: "vertical", category: 1), ConceptLabel(id: 6, name: "horizontal", category: 1)])

    /// The pictures, 32x32.
    public let images: [RGBImage]
    /// Their 16x16 annotations.
    public let annotations: [ImageAnnotation?]

    /// `count` images drawn from `seed`.
    public init(count: Int = 100, seed: UInt64 = 3) {
        var g = SeededGenerator(seed: seed)
        let size = 32, seg = 16
        var images: [RGBImage] = [], annotations: [ImageAnnotation?] = []
        let vertical: Set<Int> = [7, 41, 77], horizontal: Set<Int> = [13, 58, 90]
        for i in 0..<count {
            var image = RGBImage(width: size, height: size)
            var color = [UInt32](repeating: 2, count: seg * seg)
            func put(_ x: Int, _ y: Int, _ r: Int, _ gg: Int, _ b: Int) {
                func jitter(_ v: Int) -> UInt8 { UInt8(max(0, min(255, v + Int.random(in: -20...20, using: &g)))) }
                image[x, y] = (jitter(r), jitter(gg), jitter(b))
            }
            var texture: [Int] = []
            if vertical.contains(i) || horizontal.contains(i) {
                let isVertical = vertical.contains(i)
                texture = [isVertical ? 5 : 6]
                for y in 0..<size {
                    for x in 0..<size {
                        let white = ((isVertical ? x : y) % 4) < 2
                        put(x, y, white ? 235 : 20, white ? 235 : 20, white ? 235 : 20)
                    }
                }
                for y in 0..<seg {
                    for x in 0..<seg { color[y * seg + x] = ((isVertical ? x : y) % 2) == 0 ? 4 : 3 }
                }
            } else {
                for y in 0..<size { for x in 0..<size { put(x, y, 128, 128, 128) } }
                if i % 8 == 0 {
                    let side = Int.random(in: 3...4, using: &g)  // in segmentation pixels
                    let x0 = Int.random(in: 0...(seg - side), using: &g), y0 = Int.random(in: 0...(seg - side), using: &g)
                    for y in y0..<(y0 + side) {
                        for x in x0..<(x0 + side) {
                            color[y * seg + x] = 1
                            for dy in 0..<2 { for dx in 0..<2 { put(2 * x + dx, 2 * y + dy, 220, 30, 30) } }
                        }
                    }
                }
            }
            images.append(image)
            annotations.append(ImageAnnotation(height: seg, width: seg, pixelLayers: [PixelLayer(category: 0, labels: color)],
                                               imageLabels: texture.isEmpty ? [] : [ImageLevelLabels(category: 1, ids: texture)]))
        }
        self.images = images
        self.annotations = annotations
    }

    /// Writes the probe in the Broden layout.
    public func write(to directory: String) throws {
        try BrodenWriter.write(catalog: Self.catalog, annotations: annotations, images: images, to: directory)
    }
}

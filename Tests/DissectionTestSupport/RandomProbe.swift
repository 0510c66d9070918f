// Small random datasets for comparing the engine with the brute-force reference.
import TestSupport
import Dissection

/// A random probe: catalog, annotations (nil: an image left out) and activations `(N, C, H, W)`.
public struct RandomProbe: Sendable {
    /// The concepts.
    public let catalog: ConceptCatalog
    /// One per image; nil for an image left out.
    public let annotations: [ImageAnnotation?]
    /// `(N, C, H, W)` activations.
    public let activations: [Float]
    /// The activations' shape.
    public let N: Int, C: Int, H: Int, W: Int

    /// `N` images of `C x H x W` activations, segmentations of a few sizes, some images left out,
    /// unknown label ids, overlapping layers, image-level labels, empty categories, and sparse label
    /// ids (id 4 is not a label; the largest id a segmentation encodes, 65535, is one).
    public init(seed: UInt64, N: Int = 9, C: Int = 5, H: Int = 3, W: Int = 4, sizes: [(Int, Int)] = [(7, 9), (6, 6), (8, 5)]) {
        var g = SeededGenerator(seed: seed)
        let categories = [ConceptCategory(name: "color", kind: .pixel), ConceptCategory(name: "object", kind: .pixel),
                          ConceptCategory(name: "part", kind: .pixel), ConceptCategory(name: "scene", kind: .image),
                          ConceptCategory(name: "texture", kind: .image)]
        let labelCount = 14
        let ids = (1...labelCount).filter { $0 != 4 } + [LabelMap.maxLabel]
        let labels = ids.map { ConceptLabel(id: $0, name: "l\($0)", category: Int.random(in: 0..<5, using: &g)) }
        catalog = ConceptCatalog(categories: categories, labels: labels)
        var annotations: [ImageAnnotation?] = []
        for _ in 0..<N {
            if Int.random(in: 0..<7, using: &g) == 0 { annotations.append(nil); continue }
            let (sh, sw) = sizes[Int.random(in: 0..<sizes.count, using: &g)]
            var layers: [PixelLayer] = []
            for c in 0..<3 where Int.random(in: 0..<4, using: &g) != 0 {
                for _ in 0..<Int.random(in: 1...2, using: &g) {
                    let labelsMap = (0..<(sh * sw)).map { _ -> UInt32 in
                        let r = Int.random(in: 0..<10, using: &g)
                        if r < 4 { return 0 }
                        if r == 9 { return UInt32(labelCount + 5) }  // not in the catalog
                        if r == 8 && c == 1 { return UInt32(LabelMap.maxLabel) }
                        return UInt32(Int.random(in: 1...5, using: &g) + c * 3)
                    }
                    layers.append(PixelLayer(category: c, labels: labelsMap))
                }
            }
            var imageLabels: [ImageLevelLabels] = []
            for c in 3..<5 where Int.random(in: 0..<2, using: &g) == 0 {
                imageLabels.append(ImageLevelLabels(category: c, ids: (0..<Int.random(in: 1...2, using: &g)).map { _ in
                    ids[Int.random(in: 0..<ids.count, using: &g)] }))
            }
            annotations.append(ImageAnnotation(height: sh, width: sw, pixelLayers: layers, imageLabels: imageLabels))
        }
        self.annotations = annotations
        // Activations: ReLU of normals, so many exact zeros and ties, plus a few large peaks.
        activations = g.normals(N * C * H * W).map { max(0, $0) }
        self.N = N; self.C = C; self.H = H; self.W = W
    }

    /// Each image's index, nil for those left out.
    public var indices: [Int?] { annotations.enumerated().map { $0.element == nil ? nil : $0.offset } }
}

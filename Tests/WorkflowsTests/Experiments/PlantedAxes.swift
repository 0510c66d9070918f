// A layer whose units are exact concept detectors, axis-aligned by construction, for the rotation
// experiment: `C` units and `C` object labels; every image holds a few labelled cells of a 4x4
// grid, and unit u's activation map is 1 on the cells of concept u (plus a little noise that breaks
// ties), 0 elsewhere. The engine's planted model has only two detectors in four units, too few
// for a random rotation to show its effect; this layer has as many detectors as units.
import DissectionTestSupport
import Foundation
import Runtime
import TestSupport
@testable import Dissection
@testable import Workflows

struct PlantedAxes: SampleSource {
    let catalog: ConceptCatalog
    let annotations: [ImageAnnotation]
    /// (N, C, H, W) activations, H = W = 8 (each grid cell is 2x2 activations, 4x4 segmentation pixels).
    let activations: [Float]
    let count: Int
    let units: Int
    static let grid = 4, cell = 4, map = 8

    init(units: Int = 12, images: Int = 80, cellsPerImage: Int = 4, seed: UInt64 = 1) {
        var g = SeededGenerator(seed: seed)
        catalog = ConceptCatalog(categories: [ConceptCategory(name: "object", kind: .pixel)],
                                 labels: (1...units).map { ConceptLabel(id: $0, name: "concept\($0)", category: 0) })
        let side = Self.grid * Self.cell, hw = Self.map * Self.map
        var annotations: [ImageAnnotation] = []
        var acts = [Float](repeating: 0, count: images * units * hw)
        for i in 0..<images {
            var labels = [UInt32](repeating: 0, count: side * side)
            let cells = Array((0..<(Self.grid * Self.grid)).shuffled(using: &g).prefix(cellsPerImage))
            for cellIndex in cells {
                let concept = Int.random(in: 0..<units, using: &g)
                let (cy, cx) = (cellIndex / Self.grid, cellIndex % Self.grid)
                for y in 0..<Self.cell { for x in 0..<Self.cell { labels[(cy * Self.cell + y) * side + cx * Self.cell + x] = UInt32(concept + 1) } }
                for y in 0..<2 { for x in 0..<2 { acts[(i * units + concept) * hw + (cy * 2 + y) * Self.map + cx * 2 + x] = 1 } }
            }
            annotations.append(ImageAnnotation(height: side, width: side, pixelLayers: [PixelLayer(category: 0, labels: labels)]))
        }
        for k in acts.indices { acts[k] += Float.random(in: 0..<0.01, using: &g) }
        self.annotations = annotations
        self.activations = acts
        self.count = images
        self.units = units
    }

    func path(of index: Int) -> String { "planted/\(index).jpg" }

    func samples(_ range: Range<Int>, decodeImages: Bool) -> AnyIterator<SampleItem> {
        var i = range.lowerBound
        return AnyIterator {
            guard i < range.upperBound else { return nil }
            defer { i += 1 }
            return .sample(index: i, annotation: annotations[i], image: nil)
        }
    }

    /// Writes the activations as float32 .npy into `directory`.
    func writeActivations(in directory: String) throws -> String {
        let path = directory + "/planted.npy"
        try NPY.write(Tensor(shape: [count, units, Self.map, Self.map], data: activations), to: path)
        return path
    }
}

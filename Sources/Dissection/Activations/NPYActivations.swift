// `--activations A.npy`: a float32 (N, C, H, W) array computed elsewhere, rows in index.csv order,
// streamed a batch at a time.
import Foundation
import Runtime

/// Activations of one layer read from a .npy file.
public final class NPYActivations: ActivationProducer {
    /// The one layer.
    public let layers: [LayerShape]
    /// A file needs no images.
    public let needsImages = false
    /// Reading the file again is cheap.
    public let isRereadable = true
    /// Rows in the file.
    public let rows: Int
    private let file: RowFile

    /// Opens `path` as layer `name`, checking it is 4-D float32 with at least `images` rows.
    public init(path: String, layerName: String, images: Int) throws {
        let header = try NPY.readHeader(path)
        guard header.shape.count == 4 else {
            throw RunError.input(path: path, reason: "expected a 4-D (N, C, H, W) array, found shape \(header.shape)",
                                 hint: "save one layer's activations as float32 (N, C, H, W)")
        }
        let (n, c, h, w) = (header.shape[0], header.shape[1], header.shape[2], header.shape[3])
        guard c >= 1, h >= 1, w >= 1 else {
            throw RunError.input(path: path, reason: "shape \(header.shape) has an empty dimension", hint: "check the array")
        }
        guard n >= images else {
            throw RunError.input(path: path, reason: "holds \(n) rows but the dataset has \(images) images",
                                 hint: "pass --limit \(n) to dissect only the first \(n) images, or recompute the file")
        }
        layers = [LayerShape(name: layerName, units: c, height: h, width: w)]
        rows = n
        file = try RowFile(path: path, offset: header.dataOffset, rowLength: c * h * w)
    }

    /// Reads the rows of `items`, contiguous runs at a time.
    public func produce(_ items: [SampleItem], into output: inout [[Float]]) throws -> [String?] {
        let per = layers[0].valuesPerImage
        if output.count != 1 { output = [[]] }
        if output[0].count != items.count * per { output[0] = [Float](repeating: 0, count: items.count * per) }
        var k = 0
        try output[0].withUnsafeMutableBufferPointer { out in
            while k < items.count {
                var end = k + 1
                while end < items.count && items[end].index == items[end - 1].index + 1 { end += 1 }
                try file.read(rows: items[k].index, count: end - k, into: out.baseAddress! + k * per)
                k = end
            }
        }
        return [String?](repeating: nil, count: items.count)
    }

    /// Reads rows `range` into `output` without going through samples.
    func read(_ range: Range<Int>, into output: UnsafeMutablePointer<Float>) throws {
        try file.read(rows: range.lowerBound, count: range.count, into: output)
    }
}

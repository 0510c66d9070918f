// ndbench tally: the engine's tally on the data benchmarks/tally/tally_numpy.py generates
// (512 units, 7x7 maps, 112x112 segmentations in 3 pixel categories plus a scene label).
import ArgumentParser
import Dissection
import Foundation
import Runtime

struct TallyBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tally",
        abstract: "Tally throughput on benchmarks/tally data; prints JSON (seconds and checksums).")

    @Argument(help: "Directory written by tally_numpy.py generate.")
    var directory: String

    @Option(help: "Images per batch.")
    var batch: Int = 32

    @Option(help: "Worker threads (0 = all cores).")
    var threads: Int = 0

    func run() throws {
        let acts = try NPY.read(directory + "/acts.npy")
        let segs = try NPY.read(directory + "/segs.npy")
        let scenes = try NPY.read(directory + "/scenes.npy")
        let thresholds = try NPY.read(directory + "/thresholds.npy").data
        let (n, c, h, w) = (acts.shape[0], acts.shape[1], acts.shape[2], acts.shape[3])
        let (layers, sh, sw) = (segs.shape[1], segs.shape[2], segs.shape[3])
        let names = ["color", "object", "part", "scene"]
        let ranges = [(1, 11), (12, 111), (112, 161), (162, 181)]
        let categories = names.enumerated().map { ConceptCategory(name: $1, kind: $0 < 3 ? .pixel : .image) }
        var labels: [ConceptLabel] = []
        for (k, (lo, hi)) in ranges.enumerated() {
            for id in lo...hi { labels.append(ConceptLabel(id: id, name: "l\(id)", category: k)) }
        }
        let catalog = ConceptCatalog(categories: categories, labels: labels)
        // Annotations are built before the clock starts (decoding is not the tally).
        let annotations: [ImageAnnotation] = (0..<n).map { i in
            let pixel = (0..<layers).map { k in
                PixelLayer(category: k, labels: segs.data[((i * layers + k) * sh * sw)..<((i * layers + k + 1) * sh * sw)].map { UInt32($0) })
            }
            let scene = Int(scenes.data[i])
            return ImageAnnotation(height: sh, width: sw, pixelLayers: pixel,
                                   imageLabels: scene > 0 ? [ImageLevelLabels(category: 3, ids: [scene])] : [])
        }
        let options = RunOptions(batchSize: batch, threads: threads)
        let kernel = TallyKernel(units: c, height: h, width: w, rule: .lite, workers: options.workerCount)
        var tally = LayerTally(units: c, catalog: catalog)
        let per = c * h * w
        let maskBatch = LabelMaskBatch(catalog: catalog, workers: options.workerCount)
        let start = Date(), cpu = processCPUSeconds()
        for b in stride(from: 0, to: n, by: batch) {
            let e = min(n, b + batch)
            let masks = maskBatch.build(annotations[b..<e].map { $0 })
            acts.data[(b * per)..<(e * per)].withUnsafeBufferPointer {
                kernel.add($0, masks: masks, thresholds: thresholds, to: &tally)
            }
        }
        let seconds = Date().timeIntervalSince(start), cpuSeconds = processCPUSeconds() - cpu
        let result: [String: Any] = [
            "images": n, "seconds": seconds, "cpu_seconds": cpuSeconds, "threads": options.workerCount,
            "truth": tally.truth.reduce(0, +),
            "intersections": tally.intersections.reduce(0, +), "area": tally.activeArea.reduce(0, +),
            "unions": tally.unions.reduce(0, +),
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }
}

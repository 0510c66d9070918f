// ndbench forward: the forward pass alone over a probe's images (decode the images, normalise, run
// the model to the tapped layers; segmentations are not read), with the same sessions, batch size
// and decode parallelism `netdissect dissect` uses.
// benchmarks/overhead/run divides the dissection's wall time by this.
import ArgumentParser
import Dissection
import Foundation
import Runtime

struct ForwardBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "forward",
        abstract: "Time the forward pass alone over a probe dataset; prints JSON.")

    @Option(help: "ONNX model.") var model: String
    @Option(help: "Probe dataset directory.") var dataset: String
    @Option(help: "Layer to tap (repeatable).") var layer: [String] = []
    @Option(help: "Images per batch.") var batch: Int = 32
    @Option(help: "Worker threads (0 = all cores).") var threads: Int = 0
    @Option(help: "Only the first N images.") var limit: Int?

    func run() throws {
        let options = RunOptions(batchSize: batch, threads: threads)
        let probe = try ProbeDataset.open(directory: dataset)
        let first = probe.records.first
        let producer = try ModelActivations(path: model, layers: layer, inputHeight: first?.imageHeight ?? 224,
                                            inputWidth: first?.imageWidth ?? 224, mean: RunConfiguration.imagenetMean,
                                            std: RunConfiguration.imagenetStd, bgr: false, workers: options.workerCount)
        // Images only: reading and decoding the segmentations is the dissection's work, not the
        // forward pass's. Decoded across workers in chunks, as the engine's sample source does.
        let count = min(limit ?? probe.records.count, probe.records.count)
        let chunk = max(8, 4 * options.workerCount)
        let start = Date()
        var buffers: [[Float]] = []
        var pending: [SampleItem] = []
        var done = 0
        var checksum: Double = 0
        var next = 0
        while done < count {
            while pending.count < batch && next < count {
                let first = next, end = min(count, next + chunk)
                let box = ItemBox(count: end - first)
                DispatchQueue.concurrentPerform(iterations: end - first) { k in
                    let record = probe.records[first + k]
                    let annotation = ImageAnnotation(height: record.segmentationHeight, width: record.segmentationWidth)
                    if let image = try? probe.decodeImage(record) {
                        box.set(k, .sample(index: first + k, annotation: annotation, image: image))
                    } else {
                        box.set(k, .skip(index: first + k, path: record.image, reason: "undecodable"))
                    }
                }
                pending += box.values.map { $0! }
                next = end
            }
            let items = Array(pending.prefix(batch))
            pending.removeFirst(items.count)
            if items.isEmpty { break }
            _ = try producer.produce(items, into: &buffers)
            checksum += Double(buffers[0].first ?? 0)
            done += items.count
        }
        let seconds = Date().timeIntervalSince(start)
        print("{\"images\": \(done), \"seconds\": \(seconds), \"checksum\": \(checksum)}")
    }
}

/// Results of concurrent decoding.
final class ItemBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [SampleItem?]
    init(count: Int) { values = [SampleItem?](repeating: nil, count: count) }
    func set(_ k: Int, _ item: SampleItem) { lock.lock(); values[k] = item; lock.unlock() }
}

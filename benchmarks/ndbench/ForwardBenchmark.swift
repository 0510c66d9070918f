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
        // forward pass's. Decoded across workers in chunks, ahead of the model on a loader thread,
        // as the engine's sample source does (ProbeSampleSource, ChunkPrefetcher).
        let count = min(limit ?? probe.records.count, probe.records.count)
        let workers = options.workerCount, chunk = max(8, 4 * workers)
        let start = Date()
        var buffers: [[Float]] = []
        var done = 0
        var checksum: Double = 0
        let samples = ChunkPrefetcher(0..<count, chunk: chunk, ahead: max(2, ProbeSampleSource.lookahead / chunk)) { range in
            parallelMap(range.count, workers: workers) { k -> SampleItem in
                let record = probe.records[range.lowerBound + k]
                let annotation = ImageAnnotation(height: record.segmentationHeight, width: record.segmentationWidth)
                guard let image = try? probe.decodeImage(record) else {
                    return .skip(index: range.lowerBound + k, path: record.image, reason: "undecodable")
                }
                return .sample(index: range.lowerBound + k, annotation: annotation, image: image)
            }
        }.items()
        while done < count {
            var items: [SampleItem] = []
            while items.count < batch, let item = samples.next() { items.append(item) }
            if items.isEmpty { break }
            _ = try producer.produce(items, into: &buffers)
            checksum += Double(buffers[0].first ?? 0)
            done += items.count
        }
        let seconds = Date().timeIntervalSince(start)
        print("{\"images\": \(done), \"seconds\": \(seconds), \"checksum\": \(checksum)}")
    }
}

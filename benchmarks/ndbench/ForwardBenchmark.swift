// ndbench forward: the forward pass alone over a probe's images (decode, normalise, run the model
// to the tapped layers), with the same loader, sessions and batch size `netdissect dissect` uses.
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
        let source = try ProbeSampleSource(dataset: probe, categories: nil, limit: limit, workers: options.workerCount)
        let first = probe.records.first
        let producer = try ModelActivations(path: model, layers: layer, inputHeight: first?.imageHeight ?? 224,
                                            inputWidth: first?.imageWidth ?? 224, mean: RunConfiguration.imagenetMean,
                                            std: RunConfiguration.imagenetStd, bgr: false, workers: options.workerCount)
        let start = Date()
        var iterator = source.samples(0..<source.count, decodeImages: true)
        var buffers: [[Float]] = []
        var done = 0
        var checksum: Double = 0
        while done < source.count {
            var items: [SampleItem] = []
            while items.count < batch, let item = iterator.next() { items.append(item) }
            if items.isEmpty { break }
            _ = try producer.produce(items, into: &buffers)
            checksum += Double(buffers[0].first ?? 0)
            done += items.count
        }
        let seconds = Date().timeIntervalSince(start)
        print("{\"images\": \(done), \"seconds\": \(seconds), \"checksum\": \(checksum)}")
    }
}

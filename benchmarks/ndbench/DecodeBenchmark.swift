// ndbench decode: the probe loader's decode throughput (JPEG image + RG-encoded segmentation
// PNGs -> RGB8 + label maps), the Swift side of benchmarks/decode/run.
import ArgumentParser
import Dissection
import Foundation

struct DecodeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "Decode every record of a probe dataset with ProbeLoader and report images/s.")

    @Argument(help: "Dataset directory.")
    var directory: String

    @Option(help: "Decoding threads.")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Passes over the dataset (the best is reported).")
    var repeats: Int = 3

    func run() throws {
        let dataset = try ProbeDataset.open(directory: directory)
        var best = Double.infinity
        var bestCPU = Double.infinity
        var checksum = 0
        for _ in 0..<repeats {
            let cpu = processCPUSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            checksum = 0
            for item in ProbeLoader(dataset: dataset, workers: workers) {
                // Touch the decoded data so nothing can be skipped; the same sum as pillow_decode.py's.
                if case let .sample(sample) = item {
                    let image = sample.image
                    checksum &+= Int(image.pixels[((image.height / 2) * image.width + image.width / 2) * 3])
                    for layers in sample.layers {
                        for map in layers { checksum &+= Int(map.labels[(map.height / 2) * map.width + map.width / 2]) }
                    }
                    for ids in sample.imageLabels { checksum &+= ids.count }
                }
            }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            bestCPU = min(bestCPU, processCPUSeconds() - cpu)
        }
        let rate = Double(dataset.records.count) / best
        print("swift decode: \(dataset.records.count) records, \(workers) workers: \(String(format: "%.3f", best)) s, \(String(format: "%.1f", rate)) images/s, CPU \(String(format: "%.3f", bestCPU)) s = \(String(format: "%.2f", bestCPU * 1000 / Double(dataset.records.count))) ms/image (checksum \(checksum))")
    }
}

// ndbench runtime: images per second of a session on one model, up to one layer, at one batch
// size. benchmarks/runtime/run calls it next to onnxruntime on the same model, truncated at the
// same tensor, with the same thread count, and prints the ratio.
import ArgumentParser
import Foundation
import Runtime

struct RuntimeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runtime",
        abstract: "Images per second of netdissect's runtime on MODEL up to LAYER (one JSON line).")

    @Option(help: "The .onnx model.")
    var model: String

    @Option(help: "Run the graph up to this layer (value name, node name or module path).")
    var layer: String

    @Option(help: "Images per batch.")
    var batch: Int = 1

    @Option(help: "Worker threads (sets NETDISSECT_THREADS for the kernels).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Input height and width.")
    var inputSize: Int = 224

    @Option(help: "Measure for at least this many seconds (and at least 3 batches).")
    var seconds: Double = 3

    @Option(help: "Run exactly this many batches after the warm-up instead (for perf stat).")
    var batches: Int?

    @Flag(help: "Print the plan (one line per step: kernel and fusions) to stderr first.")
    var showPlan = false

    @Flag(help: "Only print the ONNX value name LAYER resolves to, and exit.")
    var resolveOnly = false

    func run() throws {
        setenv("NETDISSECT_THREADS", String(threads), 1)
        let onnx: ONNXModel
        let value: String
        do {
            onnx = try ONNXModel.load(path: model)
            value = try onnx.resolveLayer(layer, inputSize: inputSize)
        } catch {
            throw ValidationError("\(error)")
        }
        if resolveOnly {
            print(value)
            return
        }
        let session = try onnx.session(inputSize: inputSize, taps: [layer])
        var generator = SplitMix(seed: 1)
        let count = batch * onnx.inputChannels * inputSize * inputSize
        let input = Tensor(shape: [batch, onnx.inputChannels, inputSize, inputSize],
                           data: (0..<count).map { _ in generator.nextFloat() })
        try session.prepare(batch: batch)
        if showPlan {
            for line in try session.planSummary(batch: batch) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        _ = try session.run(input)  // warm-up: first touch of the arena and the weights
        var runs = 0
        let cpuStart = processCPUSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while batches.map({ runs < $0 }) ?? (runs < 3 || elapsed < seconds) {
            _ = try session.run(input)
            runs += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        let rate = Double(runs * batch) / elapsed
        let cpuPerImage = (processCPUSeconds() - cpuStart) / Double(runs * batch)
        let fields: [(String, String)] = [
            ("runtime", "\"netdissect\""), ("isa", "\"\(ISA.selected.rawValue)\""), ("layer", "\"\(layer)\""), ("value", "\"\(value)\""),
            ("batch", "\(batch)"), ("threads", "\(threads)"), ("batches", "\(runs)"),
            ("seconds", String(format: "%.3f", elapsed)), ("images_per_second", String(format: "%.3f", rate)),
            ("cpu_ms_per_image", String(format: "%.2f", cpuPerImage * 1000)),
        ]
        if let profile = KernelProfile.report() { FileHandle.standardError.write(Data((profile + "\n").utf8)) }
        print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
    }
}

/// Reproducible input values in [-1, 1) without Foundation's generators.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func nextFloat() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 23) - 1
    }
}

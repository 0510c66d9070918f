// ndbench conv: one convolution kernel on one shape, for tuning the kernels in
// Sources/Runtime/Kernels (benchmarks/runtime/conv.py runs the same convolution on onnxruntime).
import ArgumentParser
import Foundation
import Runtime

struct ConvBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conv",
        abstract: "Time one convolution kernel (one JSON line: algorithm, ms per batch, GFLOP/s).")

    @Option(name: .customLong("c"), help: "Input channels.") var channels: Int = 64
    @Option(name: .customLong("oc"), help: "Output channels.") var outputChannels: Int = 64
    @Option(name: .customLong("size"), help: "Input height and width.") var size: Int = 56
    @Option(name: .customLong("k"), help: "Kernel height and width.") var kernel: Int = 3
    @Option(help: "Stride.") var stride: Int = 1
    @Option(help: "Pad on every side.") var pad: Int = 1
    @Option(help: "Groups.") var groups: Int = 1
    @Option(help: "Images per batch.") var batch: Int = 1
    @Option(help: "Worker threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Fused activation: none, relu, relu6.") var activation: String = "relu"
    @Flag(help: "Add a residual tensor in the epilogue.") var residual = false
    @Option(help: "Measure for at least this many seconds.") var seconds: Double = 2
    @Option(help: "The batch size the kernel is prepared for (default: --batch).") var expectedBatch: Int?
    @Option(help: "Force an algorithm (im2col, im2colTiles, tiledColumns, winograd, pointwise, depthwise, interleavedDepthwise).")
    var algorithm: String?

    func run() throws {
        let shape = ConvShape(
            inputChannels: channels, outputChannels: outputChannels, inputHeight: size, inputWidth: size,
            window: SlidingWindow(kernel: (kernel, kernel), stride: (stride, stride), pads: (pad, pad, pad, pad)),
            groups: groups)
        if let problem = shape.problem { throw ValidationError(problem) }
        let act: Activation
        switch activation {
        case "none": act = .none
        case "relu": act = .relu
        case "relu6": act = .clip(min: 0, max: 6)
        default: throw ValidationError("activation must be none, relu or relu6")
        }
        var forced: Convolution.Algorithm?
        if let algorithm {
            let usable = Convolution.algorithms(for: shape)
            guard let match = usable.first(where: { "\($0)" == algorithm }) else {
                throw ValidationError("--algorithm \(algorithm): this shape can run \(usable.map { "\($0)" }.joined(separator: ", "))")
            }
            forced = match
        }
        var rng = SplitMix(seed: 2)
        let conv = Convolution(shape: shape, weights: (0..<shape.weightCount).map { _ in rng.nextFloat() },
                               bias: (0..<outputChannels).map { _ in rng.nextFloat() }, activation: act,
                               expectedBatch: expectedBatch ?? batch, algorithm: forced)
        let parallelism = Parallelism(threads: threads)
        let x = UnsafeMutablePointer<Float>.allocate(capacity: batch * shape.inputCount)
        let y = UnsafeMutablePointer<Float>.allocate(capacity: batch * shape.outputCount)
        let r = UnsafeMutablePointer<Float>.allocate(capacity: batch * shape.outputCount)
        let scratchCount = conv.scratchCount(batch: batch, parallelism: parallelism)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, scratchCount))
        defer { x.deallocate(); y.deallocate(); r.deallocate(); scratch.deallocate() }
        for i in 0..<batch * shape.inputCount { x[i] = rng.nextFloat() }
        r.initialize(repeating: 0.5, count: batch * shape.outputCount)
        y.initialize(repeating: 0, count: batch * shape.outputCount)
        scratch.initialize(repeating: 0, count: max(1, scratchCount))
        let residualPointer = residual ? UnsafePointer(r) : nil
        conv.run(x, y, batch: batch, residual: residualPointer, scratch: scratch, parallelism: parallelism)
        var runs = 0
        let cpuStart = processCPUSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while runs < 3 || elapsed < seconds {
            conv.run(x, y, batch: batch, residual: residualPointer, scratch: scratch, parallelism: parallelism)
            runs += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        let flops = 2.0 * Double(batch * shape.outputCount * shape.reductionLength)
        let ms = elapsed / Double(runs) * 1000
        let cpuMs = (processCPUSeconds() - cpuStart) / Double(runs) * 1000
        print("{\"kernel\": \"conv \(conv.algorithm)\", \"shape\": \"\(shape)\", \"batch\": \(batch), "
              + "\"threads\": \(threads), \"ms\": \(String(format: "%.3f", ms)), "
              + "\"gflops\": \(String(format: "%.2f", flops / (ms / 1000) / 1e9)), "
              + "\"cpu_ms\": \(String(format: "%.3f", cpuMs)), "
              + "\"cpu_gflops\": \(String(format: "%.2f", flops / (cpuMs / 1000) / 1e9))}")
    }
}

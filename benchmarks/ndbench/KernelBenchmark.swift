// ndbench conv: one convolution kernel on one shape, for tuning the kernels in Sources/Kernels
// (benchmarks/runtime/conv.py runs the same convolution on onnxruntime), through the kernel
// variant this process selects (NETDISSECT_ISA forces one).
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
    @Option(help: "Kernel height, instead of --k (Inception's 7x1).") var kh: Int?
    @Option(help: "Kernel width, instead of --k (Inception's 1x7).") var kw: Int?
    @Option(help: "Pad above and below, instead of --pad.") var padH: Int?
    @Option(help: "Pad left and right, instead of --pad.") var padW: Int?
    @Option(help: "Groups.") var groups: Int = 1
    @Option(help: "Images per batch.") var batch: Int = 1
    @Option(help: "Worker threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Fused activation: none, relu, relu6.") var activation: String = "relu"
    @Flag(help: "Add a residual tensor in the epilogue.") var residual = false
    @Option(help: "Measure for at least this many seconds.") var seconds: Double = 2
    @Option(help: "Force an algorithm (im2col, im2colTiles, tiledColumns, channelLanes, directLanes, directRows, subsampledPointwise, winograd, winograd4x4, winogradLine, pointwise, depthwise, interleavedDepthwise).")
    var algorithm: String?

    func run() throws {
        let shape = ConvShape(
            inputChannels: channels, outputChannels: outputChannels, inputHeight: size, inputWidth: size,
            window: SlidingWindow(kernel: (kh ?? kernel, kw ?? kernel), stride: (stride, stride),
                                  pads: (padH ?? pad, padW ?? pad, padH ?? pad, padW ?? pad)),
            groups: groups)
        if let problem = shape.problem { throw ValidationError(problem) }
        let act: Activation
        switch activation {
        case "none": act = .none
        case "relu": act = .relu
        case "relu6": act = .clip(min: 0, max: 6)
        default: throw ValidationError("activation must be none, relu or relu6")
        }
        let parallelism = Parallelism(threads: threads)
        let provider = KernelProviders.fast(ISA.selected, parallelism: parallelism)
        if let algorithm, !provider.convolutionAlgorithms(shape).contains(algorithm) {
            throw ValidationError("--algorithm \(algorithm): this shape can run \(provider.convolutionAlgorithms(shape).joined(separator: ", "))")
        }
        var rng = SplitMix(seed: 2)
        let request = ConvolutionRequest(shape: shape, batch: batch,
                                         weights: (0..<shape.weightCount).map { _ in rng.nextFloat() },
                                         bias: (0..<outputChannels).map { _ in rng.nextFloat() },
                                         hasResidual: residual, activation: act, algorithm: algorithm)
        guard let conv = provider.convolution(request) else {
            throw ValidationError("the fast kernels decline this convolution (\(shape))")
        }
        let x = UnsafeMutablePointer<Float>.allocate(capacity: batch * shape.inputCount)
        let y = UnsafeMutablePointer<Float>.allocate(capacity: batch * shape.outputCount)
        let r = UnsafeMutablePointer<Float>.allocate(capacity: batch * shape.outputCount)
        let scratchCount = conv.scratchCount
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, scratchCount))
        defer { x.deallocate(); y.deallocate(); r.deallocate(); scratch.deallocate() }
        for i in 0..<batch * shape.inputCount { x[i] = rng.nextFloat() }
        r.initialize(repeating: 0.5, count: batch * shape.outputCount)
        y.initialize(repeating: 0, count: batch * shape.outputCount)
        scratch.initialize(repeating: 0, count: max(1, scratchCount))
        let buffers = KernelBuffers(x: x, y: y, residual: residual ? UnsafePointer(r) : nil, scratch: scratch)
        let timing = KernelTiming(seconds: seconds) { conv.run(buffers) }
        let ms = timing.ms, cpuMs = timing.cpuMs
        let flops = 2.0 * Double(batch * shape.outputCount * shape.reductionLength)
        print("{\"kernel\": \"\(conv.label)\", \"isa\": \"\(ISA.selected.rawValue)\", \"shape\": \"\(shape)\", \"batch\": \(batch), "
              + "\"threads\": \(threads), \"ms\": \(String(format: "%.3f", ms)), "
              + "\"gflops\": \(String(format: "%.2f", flops / (ms / 1000) / 1e9)), "
              + "\"cpu_ms\": \(String(format: "%.3f", cpuMs)), "
              + "\"cpu_gflops\": \(String(format: "%.2f", flops / (cpuMs / 1000) / 1e9))}")
    }
}

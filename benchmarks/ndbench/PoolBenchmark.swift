// ndbench pool: one max or average pooling kernel on one shape, for tuning Sources/Kernels'
// pooling (benchmarks/runtime/ort_profile.py shows onnxruntime's pools inside a network),
// through the kernel variant this process selects (NETDISSECT_ISA forces one).
import ArgumentParser
import Foundation
import Runtime

struct PoolBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract: "Time one pooling kernel (one JSON line: ms per batch, GB/s of input read).")

    @Option(help: "max, or average (count_include_pad), or average-exclude-pad.") var kind: String = "max"
    @Option(name: .customLong("c"), help: "Channels.") var channels: Int = 64
    @Option(name: .customLong("size"), help: "Input height and width.") var size: Int = 112
    @Option(name: .customLong("k"), help: "Window height and width.") var kernel: Int = 3
    @Option(help: "Stride.") var stride: Int = 2
    @Option(help: "Pad on every side.") var pad: Int = 1
    @Flag(help: "Ceil mode (windows may run past the end pad).") var ceil = false
    @Option(help: "Images per batch.") var batch: Int = 1
    @Option(help: "Worker threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Measure for at least this many seconds.") var seconds: Double = 2

    func run() throws {
        let poolKind: PoolKind
        switch kind {
        case "max": poolKind = .max
        case "average": poolKind = .average(countIncludePad: true)
        case "average-exclude-pad": poolKind = .average(countIncludePad: false)
        default: throw ValidationError("--kind must be max, average or average-exclude-pad")
        }
        let shape = PoolShape(channels: channels, inputHeight: size, inputWidth: size,
                              window: SlidingWindow(kernel: (kernel, kernel), stride: (stride, stride),
                                                    pads: (pad, pad, pad, pad)),
                              ceilMode: ceil)
        if let problem = shape.problem { throw ValidationError(problem) }
        let provider = KernelProviders.fast(ISA.selected, parallelism: Parallelism(threads: threads))
        guard let pool = provider.pooling(PoolingRequest(kind: .window(poolKind, shape, batch: batch))) else {
            throw ValidationError("the fast kernels decline this pool (\(shape))")
        }
        var rng = SplitMix(seed: 3)
        let x = UnsafeMutablePointer<Float>.allocate(capacity: batch * shape.inputCount)
        let y = UnsafeMutablePointer<Float>.allocate(capacity: batch * shape.outputCount)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, pool.scratchCount))
        defer { x.deallocate(); y.deallocate(); scratch.deallocate() }
        for i in 0..<batch * shape.inputCount { x[i] = rng.nextFloat() }
        y.initialize(repeating: 0, count: batch * shape.outputCount)
        scratch.initialize(repeating: 0, count: max(1, pool.scratchCount))
        let buffers = KernelBuffers(x: x, y: y, residual: nil, scratch: scratch)
        let timing = KernelTiming(seconds: seconds) { pool.run(buffers) }
        let bytes = 4.0 * Double(batch * shape.inputCount)
        print("{\"kernel\": \"\(pool.label)\", \"isa\": \"\(ISA.selected.rawValue)\", \"shape\": \"\(shape)\", "
              + "\"batch\": \(batch), \"threads\": \(threads), \"ms\": \(String(format: "%.4f", timing.ms)), "
              + "\"cpu_ms\": \(String(format: "%.4f", timing.cpuMs)), "
              + "\"input_gb_per_s\": \(String(format: "%.2f", bytes / (timing.ms / 1000) / 1e9))}")
    }
}

// The fast kernels behind the executor's seam (Execution/KernelSeam.swift).
//
// At plan time the planner offers each convolution, pooling and linear node; this provider
// translates the request into a prepared kernel (weights packed, scratch sized for the plan's
// batch and our thread count) or declines what it does not cover (3-D pools, activations it has
// no epilogue for), and the reference operator runs instead.
//
// `NETDISSECT_KERNELS=reference` in the environment turns the fast kernels off for new sessions,
// so whole models can be compared against the plain operators; `NETDISSECT_THREADS` sets the
// number of workers (default: every core).
import Foundation

/// The `KernelProvider` for the kernels in Runtime/Kernels.
struct FastKernels: KernelProvider {
    /// The workers every kernel of a plan spreads over.
    let parallelism: Parallelism

    init(parallelism: Parallelism = .machine) {
        self.parallelism = parallelism
    }

    /// The providers new sessions use: the fast kernels, or none (reference operators only)
    /// when `NETDISSECT_KERNELS=reference`.
    static func standardProviders(parallelism: Parallelism = .machine) -> [any KernelProvider] {
        ProcessInfo.processInfo.environment["NETDISSECT_KERNELS"] == "reference" ? [] : [FastKernels(parallelism: parallelism)]
    }

    func convolution(_ request: ConvolutionRequest) -> PreparedKernel? {
        let s = request.shape
        let geometry = ConvGeometry(
            inputChannels: s.channels, outputChannels: s.outChannels,
            inputHeight: s.height, inputWidth: s.width,
            window: Window(kernel: (s.kernelH, s.kernelW), stride: (s.strideH, s.strideW),
                           dilation: (s.dilationH, s.dilationW),
                           pads: (s.padTop, s.padLeft, s.padBottom, s.padRight)),
            groups: s.group)
        guard geometry.problem == nil, geometry.outputHeight == s.outHeight,
              geometry.outputWidth == s.outWidth, request.weights.count == geometry.weightCount,
              let activation = Activation(request.activation) else { return nil }
        let conv = Convolution(geometry: geometry, weights: request.weights, bias: request.bias,
                               activation: activation, expectedBatch: s.batch)
        let batch = s.batch, parallelism = parallelism
        let label = "conv \(conv.algorithm)" + (request.hasResidual ? " +residual" : "")
            + (activation.isIdentity ? "" : " +\(activation)")
        return PreparedKernel(label: label, scratchCount: conv.scratchCount(batch: batch, parallelism: parallelism)) { b in
            conv.run(b.x, b.y, batch: batch, residual: b.residual, scratch: b.scratch, parallelism: parallelism)
        }.profiled("\(label) \(geometry)")
    }

    func pooling(_ request: PoolingRequest) -> PreparedKernel? {
        let parallelism = parallelism
        switch request.kind {
        case let .global(isMax, planes, size):
            guard !isMax, size >= 1 else { return nil }
            return PreparedKernel(label: "global average pool", scratchCount: 0) { b in
                GlobalAveragePool.run(b.x, b.y, planes: planes, planeSize: size, parallelism: parallelism)
            }.profiled("global average pool \(planes)x\(size)")
        case let .window(s):
            let w = s.window
            guard w.rank == 1 || w.rank == 2 else { return nil }
            // A 1-D pool is a 2-D pool over a single row.
            func axis(_ values: [Int], _ fill: Int) -> (Int, Int) {
                w.rank == 2 ? (values[0], values[1]) : (fill, values[0])
            }
            let (h, width) = axis(w.input, 1)
            let pads = (top: w.rank == 2 ? w.padBegin[0] : 0, left: w.padBegin[w.rank - 1],
                        bottom: w.rank == 2 ? w.padEnd[0] : 0, right: w.padEnd[w.rank - 1])
            let window = Window(kernel: axis(w.kernel, 1), stride: axis(w.strides, 1),
                                dilation: axis(w.dilations, 1), pads: pads)
            // The resolved output sizes already say whether ceil mode changed anything.
            var g = PoolGeometry(channels: s.planes / s.inputShape[0], inputHeight: h, inputWidth: width,
                                 window: window, ceilMode: false)
            guard g.problem == nil else { return nil }
            let expected = axis(w.output, 1)
            if (g.outputHeight, g.outputWidth) != expected { g.ceilMode = true }
            guard (g.outputHeight, g.outputWidth) == expected else { return nil }
            let pooling = Pooling(kind: s.isMax ? .max : .average(countIncludePad: s.countIncludePad), geometry: g)
            let batch = s.inputShape[0]
            return PreparedKernel(label: s.isMax ? "max pool" : "average pool",
                                  scratchCount: pooling.scratchCount(parallelism: parallelism)) { b in
                pooling.run(b.x, b.y, batch: batch, scratch: b.scratch!, parallelism: parallelism)
            }.profiled("\(s.isMax ? "max" : "average") \(g)")
        }
    }

    func linear(_ request: LinearRequest) -> PreparedKernel? {
        guard let activation = Activation(request.activation) else { return nil }
        // y (M, N) = x (M, K) * w (N, K)^T + b
        let gemm = Gemm(m: request.rows, n: request.outFeatures, k: request.inFeatures, transB: true,
                        addend: request.bias == nil ? .none : .row, activation: activation)
        let weights = request.weights, bias = request.bias ?? []
        let parallelism = parallelism
        return PreparedKernel(label: "linear sgemm", scratchCount: 0) { b in
            weights.withBase { w in
                bias.withBase { c in
                    gemm.run(a: b.x, b: w, c: gemm.addend == .none ? nil : c, y: b.y, parallelism: parallelism)
                }
            }
        }.profiled("linear \(request.rows)x\(request.inFeatures) -> \(request.outFeatures)")
    }
}

extension Activation {
    /// The kernel epilogue for an activation the planner fused, or nil when there is none.
    init?(_ fused: FusedActivation) {
        switch fused {
        case .none: self = .none
        case let .clip(lo, hi): self = .clip(min: lo, max: hi)
        case let .unary(op):
            switch op {
            case .relu: self = .relu
            case .sigmoid: self = .sigmoid
            case .tanh: self = .tanh
            case .hardSwish: self = .hardSwish
            case let .leakyRelu(alpha): self = .leakyRelu(alpha: alpha)
            case let .hardSigmoid(alpha, beta): self = .hardSigmoid(alpha: alpha, beta: beta)
            case .exp, .log, .sqrt, .neg, .abs, .reciprocal, .floor, .ceil, .erf, .not: return nil
            }
        }
    }
}

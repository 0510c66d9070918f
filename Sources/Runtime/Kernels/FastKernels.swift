// The fast kernels behind the executor's seam (Execution/KernelSeam.swift).
//
// At plan time the planner offers each convolution, pooling and linear node; this provider
// turns the request into a prepared kernel (weights packed, scratch sized for the plan's batch and
// our thread count) or declines what it does not cover (3-D pools, global max pools), and the
// reference operator runs instead.
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
        let shape = request.shape, activation = request.activation
        guard shape.problem == nil, request.weights.count == shape.weightCount else { return nil }
        let conv = Convolution(shape: shape, weights: request.weights, bias: request.bias,
                               activation: activation, expectedBatch: request.batch)
        let batch = request.batch, parallelism = parallelism
        let label = "conv \(conv.algorithm)" + (request.hasResidual ? " +residual" : "")
            + (activation.isIdentity ? "" : " +\(activation)")
        return PreparedKernel(label: label, scratchCount: conv.scratchCount(batch: batch, parallelism: parallelism)) { b in
            conv.run(b.x, b.y, batch: batch, residual: b.residual, scratch: b.scratch, parallelism: parallelism)
        }.profiled("\(label) \(shape)")
    }

    func pooling(_ request: PoolingRequest) -> PreparedKernel? {
        let parallelism = parallelism
        switch request.kind {
        case let .global(isMax, planes, size):
            guard !isMax, size >= 1 else { return nil }
            return PreparedKernel(label: "global average pool", scratchCount: 0) { b in
                GlobalAveragePool.run(b.x, b.y, planes: planes, planeSize: size, parallelism: parallelism)
            }.profiled("global average pool \(planes)x\(size)")
        case let .window(kind, shape, batch):
            guard shape.isPlanar, shape.problem == nil else { return nil }
            let pooling = Pooling(kind: kind, shape: shape)
            let label = kind == .max ? "max pool" : "average pool"
            return PreparedKernel(label: label, scratchCount: pooling.scratchCount(parallelism: parallelism)) { b in
                pooling.run(b.x, b.y, batch: batch, scratch: b.scratch!, parallelism: parallelism)
            }.profiled("\(kind == .max ? "max" : "average") \(shape)")
        }
    }

    func linear(_ request: LinearRequest) -> PreparedKernel? {
        let activation = request.activation
        // y (M, N) = x (M, K) * w (N, K)^T + b
        let gemm = Gemm(shape: GemmShape(m: request.rows, n: request.outFeatures, k: request.inFeatures, transB: true,
                                         addend: request.bias == nil ? .none : .row),
                        activation: activation)
        let weights = request.weights, bias = request.bias ?? []
        let parallelism = parallelism
        return PreparedKernel(label: "linear sgemm", scratchCount: 0) { b in
            weights.withBase { w in
                bias.withBase { c in
                    gemm.run(a: b.x, b: w, c: gemm.shape.addend == .none ? nil : c, y: b.y, parallelism: parallelism)
                }
            }
        }.profiled("linear \(request.rows)x\(request.inFeatures) -> \(request.outFeatures)")
    }
}

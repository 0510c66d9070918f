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

    /// The element-wise, normalisation and layout kernels, for the nodes they cover.
    func node(_ op: ResolvedOp) -> PreparedKernel? {
        let parallelism = parallelism
        switch op {
        case let .binary(b, s):
            guard !b.isComparison else { return nil }
            let kernel = BinaryElementwise(b, s)
            return PreparedKernel(label: "\(b) elementwise", scratchCount: 0) { k in
                kernel.run(a: k.inputs[0]!, b: k.inputs[1]!, y: k.y, parallelism: parallelism)
            }.profiled("\(b) \(s.outputShape)")
        case let .activation(f, shape):
            let count = shape.reduce(1, *)
            return PreparedKernel(label: "\(f)", scratchCount: 0) { k in
                f.run(k.x, k.y, count: count, parallelism: parallelism)
            }.profiled("\(f) \(shape)")
        case let .unary(u, shape):
            // The reference's loop, spread over the workers (Erf in exported Gelus is the one
            // that matters).
            let count = shape.reduce(1, *)
            let grain = parallelism.grain(for: count, minimum: 1 << 14)
            return PreparedKernel(label: "\(u)", scratchCount: 0) { k in
                let x = UncheckedSendable(k.x), y = UncheckedSendable(k.y)
                parallelism.forEachRange(count, grain: grain) { range, _ in
                    Reference.unary(u, x: x.value + range.lowerBound, y: y.value + range.lowerBound, count: range.count)
                }
            }.profiled("\(u) \(shape)")
        case let .affine(s):
            let kernel = ChannelAffine(shape: s)
            return PreparedKernel(label: "channel affine", scratchCount: 0) { k in
                kernel.run(k.x, k.y, parallelism: parallelism)
            }.profiled("affine \(s.shape)")
        case let .softmax(s):
            let kernel = Softmax(shape: s)
            return PreparedKernel(label: "softmax", scratchCount: 0) { k in
                kernel.run(k.x, k.y, parallelism: parallelism)
            }.profiled("softmax \(s.outer)x\(s.length)x\(s.inner)")
        case let .layerNorm(s):
            let kernel = LayerNorm(shape: s)
            return PreparedKernel(label: "layer norm", scratchCount: 0) { k in
                kernel.run(k.inputs[0]!, scale: k.inputs[1]!, bias: s.hasBias ? k.inputs[2] : nil, k.y, parallelism: parallelism)
            }.profiled("layer norm \(s.outer)x\(s.inner)")
        case let .lrn(a, shape):
            guard shape.count >= 3 else { return nil }
            let kernel = LRN(a, shape: shape)
            return PreparedKernel(label: "lrn", scratchCount: 0) { k in
                kernel.run(k.x, k.y, parallelism: parallelism)
            }.profiled("lrn \(shape)")
        case let .concat(s):
            let kernel = Concat(shape: s)
            return PreparedKernel(label: "concat", scratchCount: 0) { k in
                kernel.run(k.inputs.map { $0! }, k.y, parallelism: parallelism)
            }.profiled("concat \(s.outputShape)")
        case let .pad(s):
            let kernel = Pad(shape: s)
            return PreparedKernel(label: "pad", scratchCount: 0) { k in
                kernel.run(k.x, k.y, parallelism: parallelism)
            }.profiled("pad \(s.outputShape)")
        case let .matMul(s):
            let kernel = MatMul(shape: s)
            return PreparedKernel(label: "matmul sgemm", scratchCount: 0) { k in
                kernel.run(a: k.inputs[0]!, b: k.inputs[1]!, y: k.y, parallelism: parallelism)
            }.profiled("matmul \(s.matrices)x\(s.m)x\(s.k)x\(s.n)")
        default:
            return nil
        }
    }
}

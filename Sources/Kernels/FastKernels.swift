// The fast kernels behind the executor's seam (KernelSupport/Seam/KernelSeam.swift).
//
// At plan time the planner offers each convolution, pooling and linear node; this provider
// turns the request into a prepared kernel (weights packed, scratch sized for the plan's batch and
// our thread count) or declines what it does not cover (3-D pools, global max pools), and the
// reference operator runs instead.
//
// This directory is compiled once per instruction set (modules KernelsBaseline, KernelsWithAVX2,
// KernelsWithAVX512; KernelSupport/ISA.swift): each has its own `FastKernels`, and Runtime's
// `KernelProviders` picks the one for `ISA.selected`.
import Foundation
import KernelSupport

/// The `KernelProvider` for the kernels in Sources/Kernels, as this module compiles them.
package struct FastKernels: KernelProvider {
    /// The instruction set this copy of the kernels is compiled for.
    #if NETDISSECT_ISA_AVX512
    package static let isa = ISA.avx512
    #elseif NETDISSECT_ISA_AVX2
    package static let isa = ISA.avx2
    #else
    package static let isa = ISA.baseline
    #endif

    /// The workers every kernel of a plan spreads over.
    let parallelism: Parallelism

    package init(parallelism: Parallelism = .machine) {
        self.parallelism = parallelism
    }

    package func convolution(_ request: ConvolutionRequest) -> PreparedKernel? {
        let shape = request.shape, activation = request.activation
        guard shape.problem == nil, request.weights.count == shape.weightCount else { return nil }
        var forced: Convolution.Algorithm?
        if let name = request.algorithm {
            guard let match = Convolution.algorithms(for: shape).first(where: { "\($0)" == name }) else { return nil }
            forced = match
        }
        let conv = Convolution(shape: shape, weights: request.weights, bias: request.bias,
                               activation: activation, expectedBatch: request.batch, algorithm: forced)
        let batch = request.batch, parallelism = parallelism
        let label = "conv \(conv.algorithm)" + (request.hasResidual ? " +residual" : "")
            + (activation.isIdentity ? "" : " +\(activation)")
        return PreparedKernel(label: label, scratchCount: conv.scratchCount(batch: batch, parallelism: parallelism)) { b in
            conv.run(b.x, b.y, batch: batch, residual: b.residual, scratch: b.scratch, parallelism: parallelism)
        }.profiled("\(label) \(shape)")
    }

    /// The block as `InvertedResidual` on large maps, as `InvertedResidualByChannels` on small ones
    /// when the batch alone does not occupy the workers (no algorithm forced).
    package func invertedResidual(_ request: InvertedResidualRequest) -> PreparedKernel? {
        let (e, d, p) = (request.expand, request.depthwise, request.project)
        guard e?.algorithm == nil, d.algorithm == nil, p.algorithm == nil,
              [e, d, p].allSatisfy({ $0 == nil || $0!.weights.count == $0!.shape.weightCount }) else { return nil }
        func convolution(_ r: ConvolutionRequest, _ algorithm: Convolution.Algorithm) -> Convolution {
            Convolution(shape: r.shape, weights: r.weights, bias: r.bias, activation: r.activation,
                        expectedBatch: r.batch, algorithm: algorithm)
        }
        let batch = p.batch, parallelism = parallelism
        let residual = p.hasResidual ? " +residual" : ""
        let shapes = (e.map { "\($0.shape.inputChannels) -> " } ?? "") + "\(d.shape.inputChannels)x\(d.shape.inputHeight)x\(d.shape.inputWidth)"
            + " stride \(d.shape.window.strideHeight) -> \(p.shape.outputChannels)x\(p.shape.outputHeight)x\(p.shape.outputWidth)"
        if InvertedResidual.applies(expand: e?.shape, depthwise: d.shape, project: p.shape) {
            let block = InvertedResidual(expand: e.map { convolution($0, .pointwise) }, depthwise: convolution(d, .depthwise),
                                         project: convolution(p, .pointwise))
            let label = "inverted residual" + residual
            return PreparedKernel(label: label, scratchCount: block.scratchCount(parallelism: parallelism)) { b in
                block.run(b.x, b.y, batch: batch, residual: b.residual, scratch: b.scratch!, parallelism: parallelism)
            }.profiled("\(label) \(shapes)")
        }
        // Cut by channels only when the batch leaves workers without images (batch 1 on two
        // workers). Where every worker has images of its own (G = 1), the block per image was level
        // with the layers run one by one on AVX-512 and 6 % behind on AVX2 (MobileNetV2, batch 32,
        // two workers); at batch 1 it was level on AVX-512 and 4-10 % ahead on AVX2
        // (benchmarks/HISTORY.md, 2026-12-06).
        guard InvertedResidualByChannels.applies(expand: e?.shape, depthwise: d.shape, project: p.shape),
              InvertedResidualByChannels.groups(channels: d.shape.inputChannels, batch: batch,
                                                threads: parallelism.threads) > 1 else { return nil }
        let block = InvertedResidualByChannels(
            expand: e.map { convolution($0, .pointwise) }, depthwise: convolution(d, .interleavedDepthwise),
            project: convolution(p, .pointwise))
        let label = "inverted residual by channels" + residual
        return PreparedKernel(label: label, scratchCount: block.scratchCount(batch: batch, parallelism: parallelism)) { b in
            block.run(b.x, b.y, batch: batch, residual: b.residual, scratch: b.scratch!, parallelism: parallelism)
        }.profiled("\(label) \(shapes)")
    }

    package func convolutionAlgorithms(_ shape: ConvShape) -> [String] {
        Convolution.algorithms(for: shape).map { "\($0)" }
    }

    package func pooling(_ request: PoolingRequest) -> PreparedKernel? {
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

    package func linear(_ request: LinearRequest) -> PreparedKernel? {
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
    package func node(_ request: NodeRequest) -> PreparedKernel? {
        let parallelism = parallelism
        switch request {
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
            // The reference's loop, spread over the workers; Erf (of Gelus the load did not
            // recognise) eight lanes at a time.
            let count = shape.reduce(1, *)
            let grain = parallelism.grain(for: count, minimum: 1 << 14)
            return PreparedKernel(label: "\(u)", scratchCount: 0) { k in
                let x = UncheckedSendable(k.x), y = UncheckedSendable(k.y)
                parallelism.forEachRange(count, grain: grain) { range, _ in
                    let xs = x.value + range.lowerBound, ys = y.value + range.lowerBound
                    if u == .erf {
                        VectorMath.erf(xs, ys, count: range.count)
                    } else {
                        for i in 0..<range.count { ys[i] = u.apply(xs[i]) }
                    }
                }
            }.profiled("\(u) \(shape)")
        case let .affine(s):
            let kernel = ChannelAffine(shape: s, activation: s.activation)
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
        case let .stridedCopy(s):
            let kernel = StridedCopy(shape: s)
            return PreparedKernel(label: "strided copy", scratchCount: 0) { k in
                kernel.run(k.x, k.y, parallelism: parallelism)
            }.profiled("strided copy \(s.outputShape)")
        }
    }
}

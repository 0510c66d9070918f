// Pass 3 of planning: each step becomes a closure over arena pointers.
//
// Convolutions, pools and linear layers are first offered to the kernel providers (the seam in
// KernelSeam.swift); whatever no provider takes runs on the `Reference` operators. The closures
// capture pointers only: running a plan touches no allocator.

/// A step with its kernel chosen, waiting for the arena.
struct PreparedStep {
    var name: String
    var label: String
    /// Floats of the shared scratch region the step needs.
    var scratch: Int
    var bind: (BindingContext) -> () -> Void
}

/// Pointers into a freshly allocated arena.
struct BindingContext {
    let memory: MemoryPlan
    let base: UnsafeMutablePointer<Float>
    let scratch: UnsafeMutablePointer<Float>

    /// The storage of a per-image value.
    func pointer(_ value: String) -> UnsafeMutablePointer<Float> { base + memory.offset(of: value) }

    /// Input `input` of step `step`: a per-image value, or its constant's copy in the arena.
    func operand(step: Int, input: Int, _ operand: Operand?) -> UnsafePointer<Float>? {
        switch operand {
        case let .runtime(name, _)?: return UnsafePointer(pointer(name))
        case .constant?:
            guard let offset = memory.constantOffset(step: step, input: input) else { return nil }
            return UnsafePointer(base + offset)
        case nil: return nil
        }
    }
}

extension Planner {
    /// Chooses the kernel of one step.
    func prepare(_ spec: StepSpec, index: Int) throws -> PreparedStep {
        let out = spec.output
        let count = graph.shapes[out]!.reduce(1, *)
        switch spec.kind {
        case let .conv(node, residual, activation):
            return convolution(node, residual: residual, activation: activation, name: spec.name, output: out)
        case let .linear(node, request):
            guard case let .runtime(x, _)? = node.inputs[0] else { preconditionFailure("linear without a per-image input") }
            for provider in providers {
                if let kernel = provider.linear(request) {
                    return PreparedStep(name: spec.name, label: kernel.label, scratch: kernel.scratchCount) { ctx in
                        let buffers = KernelBuffers(x: ctx.pointer(x), y: ctx.pointer(out), residual: nil, scratch: ctx.scratch)
                        return { kernel.run(buffers) }
                    }
                }
            }
            return PreparedStep(name: spec.name, label: "linear reference", scratch: 0) { ctx in
                let xp = UnsafePointer(ctx.pointer(x)), yp = ctx.pointer(out)
                return { Reference.linear(request, x: xp, y: yp) }
            }
        case let .block(kernel, residual):
            return step(kernel, name: spec.name, x: spec.reads[0], residual: residual, output: out)
        case .view:
            return PreparedStep(name: spec.name, label: "view", scratch: 0) { _ in {} }
        case .assembled:
            return PreparedStep(name: spec.name, label: "Concat in place", scratch: 0) { _ in {} }
        case let .copy(source):
            return PreparedStep(name: spec.name, label: "copy", scratch: 0) { ctx in
                let xp = ctx.pointer(source), yp = ctx.pointer(out)
                return { yp.update(from: xp, count: count) }
            }
        case let .edit(edit):
            let shape = graph.shapes[out]!
            guard shape.count >= 2 else {
                throw ModelError(file: file, .invalidEdit(layer: out, reason: "the layer has no channel axis"))
            }
            let channels = shape[1], positions = shape.dropFirst(2).reduce(1, *)
            if let problem = edit.problem(channels: channels) { throw ModelError(file: file, .invalidEdit(layer: out, reason: problem)) }
            let scratch = edit.scratchCount(channels: channels, positions: positions)
            return PreparedStep(name: spec.name, label: "edit", scratch: scratch) { ctx in
                let yp = ctx.pointer(out), sp = scratch > 0 ? ctx.scratch : nil
                return { edit.apply(yp, batch: shape[0], channels: channels, positions: positions, scratch: sp) }
            }
        case let .node(node):
            return reference(node, step: index, count: count)
        }
    }

    private func convolution(_ node: ComputeNode, residual: String?, activation: Activation,
                             name: String, output out: String) -> PreparedStep {
        guard case let .conv(shape, _) = node.op, case let .runtime(x, _)? = node.inputs[0] else {
            preconditionFailure("malformed conv step")
        }
        let request = convolutionRequest(node, residual: residual, activation: activation)
        for provider in providers {
            if let kernel = provider.convolution(request) {
                return step(kernel, name: name, x: x, residual: residual, output: out)
            }
        }
        let weights = request.weights, bias = request.bias, batch = request.batch
        return PreparedStep(name: name, label: "conv reference", scratch: 0) { ctx in
            let xp = UnsafePointer(ctx.pointer(x)), yp = ctx.pointer(out)
            let rp = residual.map { UnsafePointer(ctx.pointer($0)) }
            return {
                weights.withBase { w in
                    (bias ?? []).withUnsafeBufferPointer { b in
                        Reference.conv(shape, batch: batch, activation: activation, x: xp, w: w,
                                       b: bias == nil ? nil : b.baseAddress, residual: rp, y: yp)
                    }
                }
            }
        }
    }

    /// A provider's kernel for a convolution or a block: reads x (and the residual), writes `out`.
    private func step(_ kernel: PreparedKernel, name: String, x: String, residual: String?, output out: String) -> PreparedStep {
        PreparedStep(name: name, label: kernel.label, scratch: kernel.scratchCount) { ctx in
            let buffers = KernelBuffers(x: ctx.pointer(x), y: ctx.pointer(out), residual: residual.map { UnsafePointer(ctx.pointer($0)) },
                                        scratch: kernel.scratchCount > 0 ? ctx.scratch : nil)
            return { kernel.run(buffers) }
        }
    }

    /// A node on the reference operators (pools offered to the providers first).
    private func reference(_ node: ComputeNode, step stepIndex: Int, count: Int) -> PreparedStep {
        let out = node.output
        func step(_ label: String = "reference", scratch: Int = 0,
                  _ body: @escaping (_ inputs: [UnsafePointer<Float>?], _ y: UnsafeMutablePointer<Float>) -> Void) -> PreparedStep {
            PreparedStep(name: node.name, label: "\(node.opType) \(label)", scratch: scratch) { ctx in
                var inputs = [UnsafePointer<Float>?](repeating: nil, count: node.inputs.count)
                for i in node.op.dataInputs where i < node.inputs.count {
                    inputs[i] = ctx.operand(step: stepIndex, input: i, node.inputs[i])
                }
                let yp = ctx.pointer(out)
                return { body(inputs, yp) }
            }
        }
        func pooled(_ request: PoolingRequest, _ fallback: @escaping (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> PreparedStep {
            for provider in providers {
                if let kernel = provider.pooling(request) {
                    return PreparedStep(name: node.name, label: kernel.label, scratch: kernel.scratchCount) { ctx in
                        guard case let .runtime(x, _)? = node.inputs[0] else { preconditionFailure("pool without a per-image input") }
                        let buffers = KernelBuffers(x: ctx.pointer(x), y: ctx.pointer(out), residual: nil,
                                                    scratch: kernel.scratchCount > 0 ? ctx.scratch : nil)
                        return { kernel.run(buffers) }
                    }
                }
            }
            return step { p, y in fallback(p[0]!, y) }
        }
        if let request = NodeRequest(node.op) {
            for provider in providers {
                guard let kernel = provider.node(request) else { continue }
                return PreparedStep(name: node.name, label: kernel.label, scratch: kernel.scratchCount) { ctx in
                    let inputs = node.inputs.indices.map { i in
                        node.op.dataInputs.contains(i) ? ctx.operand(step: stepIndex, input: i, node.inputs[i]) : nil
                    }
                    let buffers = KernelBuffers(x: inputs.first(where: { $0 != nil }).flatMap { $0 } ?? UnsafePointer(ctx.scratch),
                                                y: ctx.pointer(out), residual: nil,
                                                scratch: kernel.scratchCount > 0 ? ctx.scratch : nil, inputs: inputs)
                    return { kernel.run(buffers) }
                }
            }
        }
        switch node.op {
        case .constant:
            preconditionFailure("constant '\(out)' reached the executor")
        case let .conv(s, shape):
            let w = node.inputs[1]?.constant?.floats ?? [], b = node.inputs.count > 2 ? node.inputs[2]?.constant?.floats : nil
            return step { p, y in
                w.withBase { wp in
                    if let b { b.withBase { Reference.conv(s, batch: shape[0], x: p[0]!, w: wp, b: $0, y: y) } }
                    else { Reference.conv(s, batch: shape[0], x: p[0]!, w: wp, b: nil, y: y) }
                }
            }
        case let .affine(s):
            return step { p, y in Reference.affine(s, x: p[0]!, y: y) }
        case let .activation(f, _):
            return step { p, y in Reference.activation(f, x: p[0]!, y: y, count: count) }
        case let .unary(u, _):
            return step { p, y in Reference.unary(u, x: p[0]!, y: y, count: count) }
        case let .binary(b, s):
            return step { p, y in Reference.binary(b, s, a: p[0]!, b: p[1]!, y: y) }
        case let .pool(kind, s, shape):
            return pooled(PoolingRequest(kind: .window(kind, s, batch: shape[0]))) { x, y in
                Reference.pool(kind, s, batch: shape[0], x: x, y: y)
            }
        case let .globalPool(isMax, shape):
            let planes = shape[0] * shape[1], size = shape.dropFirst(2).reduce(1, *)
            return pooled(PoolingRequest(kind: .global(isMax: isMax, planes: planes, size: size))) { x, y in
                Reference.globalPool(isMax: isMax, planes: planes, size: size, x: x, y: y)
            }
        case let .lrn(a, shape):
            return step { p, y in Reference.lrn(a, shape: shape, x: p[0]!, y: y) }
        case let .softmax(s):
            return step { p, y in Reference.softmax(s, x: p[0]!, y: y) }
        case let .layerNorm(s):
            return step { p, y in Reference.layerNorm(s, x: p[0]!, scale: p[1]!, bias: s.hasBias ? p[2] : nil, y: y) }
        case let .resize(s):
            return step { p, y in Reference.resize(s, x: p[0]!, y: y) }
        case let .gemm(s):
            return step { p, y in Reference.gemm(s, a: p[0]!, b: p[1]!, c: p.count > 2 ? p[2] : nil, y: y) }
        case let .matMul(s):
            return step { p, y in Reference.matMul(s, a: p[0]!, b: p[1]!, y: y) }
        case let .concat(s):
            return PreparedStep(name: node.name, label: "Concat reference", scratch: 0) { ctx in
                let inputs = node.inputs.indices.map { ctx.operand(step: stepIndex, input: $0, node.inputs[$0])! }
                let yp = ctx.pointer(out)
                return { Reference.concat(s, inputs: inputs, y: yp) }
            }
        case .view, .cast:
            return step("copy") { p, y in y.update(from: p[0]!, count: count) }
        case let .transpose(s):
            return step { p, y in Reference.gatherStrided(shape: s.outputShape, offset: 0, strides: s.inputStrides, x: p[0]!, y: y) }
        case let .slice(s):
            return step { p, y in Reference.gatherStrided(shape: s.outputShape, offset: s.offset, strides: s.inputStrides, x: p[0]!, y: y) }
        case let .expand(s):
            return step { p, y in Reference.gatherStrided(shape: s.outputShape, offset: 0, strides: s.inputStrides, x: p[0]!, y: y) }
        case let .gather(s):
            return step { p, y in Reference.gather(s, x: p[0]!, y: y) }
        case let .pad(s):
            return step { p, y in Reference.pad(s, fill: s.value, x: p[0]!, y: y) }
        case let .select(s):
            return step { p, y in Reference.select(s, x: p[1]!, y: p[2]!, out: y) }
        case let .reduce(s):
            return step { p, y in Reference.reduce(s, x: p[0]!, y: y) }
        case let .scatterND(s):
            return step { p, y in Reference.scatterND(s, data: p[0]!, updates: p[2]!, y: y) }
        }
    }
}

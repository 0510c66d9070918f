// A session: one model, one input size, a set of taps and edits, compiled into plans on demand
// (one per batch size, kept for reuse). Layer names and edits are checked when the session is
// made, so a bad name fails before any image is processed.
import Foundation

/// A model compiled for an input size, the layers to read out, and the edits to apply.
///
///     let session = try model.session(inputSize: 224, taps: ["features.13"])
///     let outputs = try session.run(batch)        // ["features.13": Tensor (N, 96, 14, 14)]
///
/// Runs only the nodes the taps depend on. Plans (buffers, packed weights) are made once per
/// batch size and reused. `run` may be called from any thread; calls are serialised.
///
/// A batch of at least as many images as the session has threads (and more than one) runs on
/// image lanes: each thread runs whole images through its own one-image plan with
/// single-threaded kernels, so every layer's output is still in cache when the next layer reads
/// it and no thread waits on another between layers. (A plan for the whole batch would stream
/// each layer's output for every image through memory: one image at a time is faster even on
/// one thread.) A smaller batch spreads each layer over every thread; a model exported with a
/// fixed batch size runs in chunks of that size.
public final class Session: @unchecked Sendable {
    /// The model this session runs.
    public let model: ONNXModel
    /// Input height and width.
    public let height: Int, width: Int
    /// The names `run` returns values under: the taps as given, or the model's outputs.
    public let outputNames: [String]
    /// Per output name, its shape per image (without the batch dimension).
    public let outputShapes: [String: [Int]]
    /// Per output name, where its units are (nil when it is no spatial map): see `UnitLayout`.
    public let unitLayouts: [String: UnitLayout]

    /// The value each output name reads.
    private let values: [String]
    /// Edits by value.
    private let edits: [String: LayerEdit]
    private let providers: [any KernelProvider]
    /// Image lanes: how many, and the single-threaded providers their plans use.
    private let lanes: Int
    private let laneProviders: [any KernelProvider]
    /// Whether the pruned graph computes each image on its own (see
    /// `ResolvedGraph.computesImagesIndependently`); a graph that does not runs on the batch plan.
    private let imagesAreIndependent: Bool
    /// One one-image plan per lane, made on the first batch that uses lanes.
    private var lanePlans: [ExecutionPlan] = []
    private let lock = NSLock()
    /// Plans by batch size, most recently used last; at most `maxPlans` are kept.
    private var plans: [(batch: Int, plan: ExecutionPlan)] = []
    private static let maxPlans = 2

    init(model: ONNXModel, height: Int, width: Int, taps: [String], edits: [String: LayerEdit],
         providers: [any KernelProvider], lanes: Int = 1, laneProviders: [any KernelProvider]? = nil) throws {
        self.model = model
        self.height = height
        self.width = width
        self.providers = providers
        self.lanes = lanes
        self.laneProviders = laneProviders ?? providers
        let graph = try model.resolved(batch: model.declaredBatch ?? 1, height: height, width: width)
        let names = LayerNames(graph)
        outputNames = taps.isEmpty ? graph.outputs : taps
        values = try outputNames.map { try names.resolve($0, file: model.path) }
        var shapes: [String: [Int]] = [:]
        for (name, value) in zip(outputNames, values) { shapes[name] = Array(graph.shapes[value]!.dropFirst()) }
        outputShapes = shapes
        unitLayouts = shapes.compactMapValues { UnitLayout.infer(shape: $0, inputHeight: height, inputWidth: width) }
        if model.declaredBatch == nil, let double = try? model.resolved(batch: 2, height: height, width: width) {
            let taps = Set(values)
            imagesAreIndependent = graph.pruned(keeping: taps)
                .computesImagesIndependently(comparedWith: double.pruned(keeping: taps))
        } else {
            imagesAreIndependent = false
        }
        var byValue: [String: LayerEdit] = [:]
        for (layer, edit) in edits {
            let value = try names.resolve(layer, file: model.path)
            let shape = graph.shapes[value]!
            guard shape.count >= 2 else { throw ModelError(file: model.path, .invalidEdit(layer: layer, reason: "the layer has no channel axis")) }
            // Edits address axis 1 as the channels; a token or channels-last layer keeps its
            // units on the last axis.
            if let layout = UnitLayout.infer(shape: Array(shape.dropFirst()), inputHeight: height, inputWidth: width),
               !layout.isChannelsFirst {
                throw ModelError(file: model.path, .invalidEdit(layer: layer, reason: "its units are \(layout) (channels on the last axis); edits of token and channels-last layers are not supported yet"))
            }
            if let problem = edit.problem(channels: shape[1]) {
                throw ModelError(file: model.path, .invalidEdit(layer: layer, reason: problem))
            }
            guard byValue[value] == nil else {
                throw ModelError(file: model.path, .invalidEdit(layer: layer, reason: "another name for the same layer is edited too"))
            }
            byValue[value] = edit
        }
        self.edits = byValue
    }

    /// The batch size plans are made for: the model's fixed batch, or `requested`.
    private func planBatch(for requested: Int) -> Int { model.declaredBatch ?? requested }

    /// Whether a batch of `n` images runs on image lanes.
    private func usesLanes(_ n: Int) -> Bool {
        n > 1 && imagesAreIndependent && n >= lanes
    }

    /// Makes the lanes' one-image plans if they are not made yet.
    private func prepareLanes() throws {
        while lanePlans.count < lanes { lanePlans.append(try compile(batch: 1, providers: laneProviders)) }
    }

    /// Makes (or reuses) the plan for batches of `batch` images.
    func plan(batch: Int) throws -> ExecutionPlan {
        if let index = plans.firstIndex(where: { $0.batch == batch }) {
            let entry = plans.remove(at: index)
            plans.append(entry)
            return entry.plan
        }
        let compiled = try compile(batch: batch, providers: providers)
        plans.append((batch, compiled))
        if plans.count > Self.maxPlans { plans.removeFirst() }
        return compiled
    }

    /// A new plan for batches of `batch` images on `providers`.
    private func compile(batch: Int, providers: [any KernelProvider]) throws -> ExecutionPlan {
        let graph = try model.resolved(batch: batch, height: height, width: width)
        // Edits of layers no tap depends on are pruned with them; edited layers keep their
        // BatchNormalization unfolded so the edit sees the layer's own output.
        let taps = Set(values)
        return try Planner(file: model.path,
                           graph: graph.pruned(keeping: taps).foldingBatchNormalization(protected: taps.union(edits.keys))
                               .fusingGelu(protected: taps.union(edits.keys))
                               .poolingAfterPointwise(protected: taps.union(edits.keys)),
                           requested: Array(Set(values)).sorted(), edits: edits, providers: providers).plan()
    }

    /// Plans for batches of `batch` images now rather than on the first `run`.
    public func prepare(batch: Int) throws {
        lock.lock()
        defer { lock.unlock() }
        if usesLanes(batch) { try prepareLanes() } else { _ = try plan(batch: planBatch(for: batch)) }
    }

    /// Runs a batch `(N, C, H, W)` and returns each output name's value `(N, ...)`.
    ///
    /// A model exported with a fixed batch size B runs in chunks of B (N must be a multiple).
    /// - Throws: `ModelError.Kind.inputShape` when the batch does not fit.
    public func run(_ batch: Tensor) throws -> [String: Tensor] {
        let c = model.inputChannels
        guard batch.rank == 4, batch.shape[1] == c, batch.shape[2] == height, batch.shape[3] == width,
              batch.shape[0] >= 1 else {
            throw ModelError(file: model.path, .inputShape(expected: "(N, \(c), \(height), \(width))", found: batch.shape))
        }
        let n = batch.shape[0]
        let chunk = planBatch(for: n)
        guard n % chunk == 0 else {
            throw ModelError(file: model.path, .inputShape(
                expected: "(\(chunk) x k, \(c), \(height), \(width)): the model was exported with a fixed batch of \(chunk)",
                found: batch.shape))
        }
        lock.lock()
        defer { lock.unlock() }
        if usesLanes(n) {
            try prepareLanes()
            return run(batch, slicesOf: 1, on: lanePlans)
        }
        let plan = try plan(batch: chunk)
        if n == chunk { return named(batch.data.withBase { plan.run($0) }) }
        return run(batch, slicesOf: chunk, on: [plan])
    }

    /// Runs `batch` in slices of `size` images, one plan (made for `size` images) per worker
    /// running whole slices, each writing its outputs straight into its place in the result:
    /// the image lanes (size 1, one plan per lane) and a fixed-batch model's chunks (one plan).
    /// Every output keeps the batch as its first axis. The lock is held.
    private func run(_ batch: Tensor, slicesOf size: Int, on plans: [ExecutionPlan]) -> [String: Tensor] {
        let n = batch.shape[0], perSlice = size * batch.count / n
        let outputs = plans[0].outputs
        let sliceCounts = outputs.map { $0.shape.reduce(1, *) }
        // (N, ...) per requested value, written in place by the workers (disjoint slices).
        let buffers = sliceCounts.map { UnsafeMutablePointer<Float>.allocate(capacity: max(1, n / size * $0)) }
        defer { buffers.forEach { $0.deallocate() } }
        batch.data.withBase { base in
            let input = UncheckedSendable(base), targets = UncheckedSendable(buffers)
            Parallelism(threads: plans.count).forEach(n / size) { slice, worker in
                plans[worker].run(input.value + slice * perSlice,
                                  into: zip(targets.value, sliceCounts).map { $0 + slice * $1 })
            }
        }
        var byValue: [String: Tensor] = [:]
        for (output, (buffer, count)) in zip(outputs, zip(buffers, sliceCounts)) {
            byValue[output.name] = Tensor(shape: [n] + output.shape.dropFirst(),
                                          data: Array(UnsafeBufferPointer(start: buffer, count: n / size * count)))
        }
        return named(byValue)
    }

    /// Values by value name -> values by the names the caller asked for.
    private func named(_ byValue: [String: Tensor]) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, value) in zip(outputNames, values) { result[name] = byValue[value] }
        return result
    }

    /// One line per step of the plan a batch of `batch` images runs on (the lanes' one-image
    /// plan when it runs on lanes): kernel choices, fusions, for diagnostics.
    public func planSummary(batch: Int = 1) throws -> [String] {
        lock.lock()
        defer { lock.unlock() }
        if usesLanes(batch) {
            try prepareLanes()
            return lanePlans[0].summary
        }
        return try plan(batch: planBatch(for: batch)).summary
    }
}

extension ONNXModel {
    /// A session for a square input of `inputSize` pixels (default: the declared size or 224).
    ///
    /// - Parameters:
    ///   - taps: layer names (value, node or module path) to read out; empty for the model outputs.
    ///   - edits: rewrites of layers' outputs, by layer name.
    public func session(inputSize: Int? = nil, taps: [String] = [], edits: [String: LayerEdit] = [:]) throws -> Session {
        let size = inputSize.map { ($0, $0) } ?? defaultInputSize
        return try session(height: size.0, width: size.1, taps: taps, edits: edits)
    }

    /// A session for an input of `height` x `width` pixels. Its kernels spread each call over
    /// `threads` threads (default: every core); callers that run several sessions at once give
    /// each one thread, so whole images run side by side instead of sharing every layer.
    public func session(height: Int, width: Int, taps: [String] = [], edits: [String: LayerEdit] = [:],
                        threads: Int? = nil) throws -> Session {
        let lanes = threads ?? Parallelism.machine.threads
        return try Session(model: self, height: height, width: width, taps: taps, edits: edits,
                           providers: KernelProviders.standard(threads: threads),
                           lanes: lanes, laneProviders: KernelProviders.standard(threads: 1))
    }

    /// A session on the given kernel providers only (tests compare providers against the reference).
    func session(height: Int, width: Int, taps: [String] = [], edits: [String: LayerEdit] = [:],
                 providers: [any KernelProvider]) throws -> Session {
        try Session(model: self, height: height, width: width, taps: taps, edits: edits, providers: providers)
    }
}

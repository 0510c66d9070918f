// A plan: the per-image graph of one session compiled for one batch size. One arena holds every
// activation (offsets planned from lifetimes, so buffers are reused) plus one shared scratch
// region; every step is a closure with its pointers bound at plan time. Running a batch copies
// it in, calls the steps in order, and copies the requested values out; nothing else allocates.

/// One arena of floats owned by a plan: allocated once, zeroed, freed with the plan.
final class Arena: @unchecked Sendable {
    /// First float of the arena.
    let base: UnsafeMutablePointer<Float>
    /// Number of floats.
    let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { base.deallocate() }
}

/// One compiled step: a node (or a fused chain of nodes) with its buffers bound.
struct Step {
    /// The node name(s), for listings.
    var name: String
    /// How the step runs ("conv reference", "view", "edit zero 3 units").
    var label: String
    var run: () -> Void
}

/// The per-image graph compiled for one batch size.
final class ExecutionPlan: @unchecked Sendable {
    let batch: Int
    let arena: Arena
    /// Where the input batch goes, and how many floats it has.
    let inputOffset: Int, inputCount: Int
    /// Where each requested value is read after the run.
    let outputs: [(name: String, offset: Int, shape: [Int])]
    let steps: [Step]

    init(batch: Int, arena: Arena, inputOffset: Int, inputCount: Int,
         outputs: [(name: String, offset: Int, shape: [Int])], steps: [Step]) {
        self.batch = batch
        self.arena = arena
        self.inputOffset = inputOffset
        self.inputCount = inputCount
        self.outputs = outputs
        self.steps = steps
    }

    /// Runs one batch of exactly `inputCount` floats and returns the requested values.
    func run(_ input: UnsafePointer<Float>) -> [String: Tensor] {
        (arena.base + inputOffset).update(from: input, count: inputCount)
        for step in steps { step.run() }
        var result: [String: Tensor] = [:]
        for output in outputs {
            let count = output.shape.reduce(1, *)
            let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                if count > 0 { buffer.baseAddress!.initialize(from: arena.base + output.offset, count: count) }
                initialized = count
            }
            result[output.name] = Tensor(shape: output.shape, data: values)
        }
        return result
    }

    /// Runs one batch of exactly `inputCount` floats and copies the requested values, in
    /// `outputs` order, to `destinations` (each with room for its value). Allocates nothing.
    func run(_ input: UnsafePointer<Float>, into destinations: [UnsafeMutablePointer<Float>]) {
        precondition(destinations.count == outputs.count, "ExecutionPlan: \(destinations.count) destinations for \(outputs.count) outputs")
        (arena.base + inputOffset).update(from: input, count: inputCount)
        for step in steps { step.run() }
        for (output, destination) in zip(outputs, destinations) {
            destination.update(from: arena.base + output.offset, count: output.shape.reduce(1, *))
        }
    }

    /// One line per step, for `netdissect plan`-style listings and tests.
    var summary: [String] { steps.map { "\($0.name): \($0.label)" } }
}

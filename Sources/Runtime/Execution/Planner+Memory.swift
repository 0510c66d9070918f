// Pass 2 of planning: where every value lives in the arena.
//
// Each stored value has a lifetime from the step that writes it to the last step that reads it
// (the input is written before step 0; requested values live to the end; a view shares its
// source's storage and extends its lifetime; the parts of a Concat written in place are slices
// of its output's storage, which lives from the first part's step). Storages are placed largest
// first at the lowest offset that does not collide with any placed storage whose lifetime
// overlaps: the classic greedy-by-size plan, which for CNN chains needs a few times the largest
// activation.
// Constant operands of reference steps (a scalar exponent, a bias tensor) get their own region.

/// Arena offsets of every value and constant operand of one plan.
struct MemoryPlan {
    /// Floats are placed at multiples of this (64 bytes).
    static let alignment = 16

    private var storageOf: [String: Int] = [:]
    /// Where a value starts inside its storage, when not at its start (a Concat's part).
    private var sliceOffsets: [String: Int] = [:]
    private var storageOffsets: [Int] = []
    /// Constant operands: (step index, input index) -> offset, and the values to copy there.
    private var constantOffsets: [Int: [Int: Int]] = [:]
    private var constantValues: [(offset: Int, values: [Float])] = []
    /// Floats used by values and constants (scratch goes after).
    private(set) var total = 0

    init(graph: ResolvedGraph, specs: [StepSpec], requested: [String], file: String) throws {
        var counts: [Int] = [], first: [Int] = [], last: [Int] = []
        func newStorage(_ value: String, at step: Int) {
            storageOf[value] = counts.count
            counts.append(Self.aligned(graph.shapes[value]!.reduce(1, *)))
            first.append(step)
            last.append(step)
        }
        // The parts of Concats written in place: part -> (the Concat's output, offset in it).
        var parent: [String: (value: String, offset: Int)] = [:]
        for spec in specs {
            guard case let .assembled(parts) = spec.kind else { continue }
            for part in parts { parent[part.value] = (spec.output, part.offset) }
        }
        /// The value whose storage holds `value`, and where in it `value` starts (nested
        /// Concats: a part of a part).
        func root(_ value: String) -> (value: String, offset: Int) {
            var result = (value: value, offset: 0)
            while let up = parent[result.value] { result = (up.value, result.offset + up.offset) }
            return result
        }
        newStorage(graph.inputName, at: -1)
        for (s, spec) in specs.enumerated() {
            for read in spec.reads { last[storageOf[read]!] = max(last[storageOf[read]!], s) }
            switch spec.kind {
            case let .view(source):
                storageOf[spec.output] = storageOf[source]
                sliceOffsets[spec.output] = sliceOffsets[source]
            case .edit: break
            default:
                // A part, or a Concat whose parts came first, joins the storage already made.
                let (holder, offset) = root(spec.output)
                if storageOf[holder] == nil { newStorage(holder, at: s) }
                storageOf[spec.output] = storageOf[holder]
                if offset > 0 { sliceOffsets[spec.output] = offset }
            }
        }
        for value in requested { last[storageOf[value]!] = Int.max }
        // Greedy by size: largest first, lowest offset free over the lifetime.
        storageOffsets = [Int](repeating: 0, count: counts.count)
        var placed: [Int] = []
        for i in counts.indices.sorted(by: { (counts[$0], -$0) > (counts[$1], -$1) }) {
            let overlapping = placed.filter { first[$0] <= last[i] && first[i] <= last[$0] }
                .map { (storageOffsets[$0], storageOffsets[$0] + counts[$0]) }.sorted { $0.0 < $1.0 }
            var offset = 0
            for (start, end) in overlapping {
                if offset + counts[i] <= start { break }
                offset = max(offset, end)
            }
            storageOffsets[i] = offset
            placed.append(i)
            total = max(total, offset + counts[i])
        }
        // Constant data operands of reference steps.
        for (s, spec) in specs.enumerated() {
            guard case let .node(node) = spec.kind else { continue }
            for i in node.op.dataInputs where i < node.inputs.count {
                guard let constant = node.inputs[i]?.constant else { continue }
                constantOffsets[s, default: [:]][i] = total
                constantValues.append((total, constant.floats))
                total += Self.aligned(constant.count)
            }
        }
        guard total <= Planner.maxArenaFloats else {
            throw ModelError(file: file, .tooLarge(reason: "running this batch needs \(total / (1 << 18)) MiB of buffers"))
        }
    }

    /// Arena offset of a per-image value.
    func offset(of value: String) -> Int {
        guard let storage = storageOf[value] else { preconditionFailure("MemoryPlan: no storage for '\(value)'") }
        return storageOffsets[storage] + (sliceOffsets[value] ?? 0)
    }

    /// Arena offset of constant input `input` of step `step`, if it was given one.
    func constantOffset(step: Int, input: Int) -> Int? { constantOffsets[step]?[input] }

    /// Writes the constant operands into a freshly allocated arena.
    func copyConstants(into arena: Arena) {
        for (offset, values) in constantValues {
            values.withBase { (arena.base + offset).update(from: $0, count: values.count) }
        }
    }

    static func aligned(_ count: Int) -> Int { (max(count, 1) + alignment - 1) / alignment * alignment }
}

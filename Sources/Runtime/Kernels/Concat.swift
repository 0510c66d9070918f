// x_i (outer, D_i, inner) -> y (outer, sum D_i, inner): Concat along any axis, as copies.
//
// For NCHW feature maps along channels, outer is N and each input contributes one contiguous
// block of D_i * H * W floats per image, so the whole op is N * inputs block copies.

/// Concatenation of tensors that agree on every dimension but `axis`.
public struct Concat: Sendable, Hashable {
    /// Product of the dimensions before the axis, and after it.
    public let outer: Int, inner: Int
    /// Each input's size along the axis.
    public let axisSizes: [Int]

    /// Concatenation of inputs whose shapes are `outer` x `axisSizes[i]` x `inner`.
    public init(outer: Int, inner: Int, axisSizes: [Int]) {
        precondition(outer >= 0 && inner >= 0 && axisSizes.allSatisfy { $0 >= 0 }, "Concat: negative size")
        self.outer = outer
        self.inner = inner
        self.axisSizes = axisSizes
    }

    /// Concatenation of `shapes` along `axis` (already non-negative); nil when the shapes
    /// disagree off the axis.
    public init?(shapes: [[Int]], axis: Int) {
        guard let first = shapes.first, axis >= 0, axis < first.count else { return nil }
        for s in shapes {
            guard s.count == first.count else { return nil }
            for d in 0..<s.count where d != axis && s[d] != first[d] { return nil }
        }
        self.init(outer: first[..<axis].reduce(1, *), inner: first[(axis + 1)...].reduce(1, *),
                  axisSizes: shapes.map { $0[axis] })
    }

    /// Floats of y per outer index.
    var outputBlock: Int { axisSizes.reduce(0, +) * inner }

    /// Copies every input into its place in `y`.
    public func run(_ inputs: [UnsafePointer<Float>], _ y: UnsafeMutablePointer<Float>,
                    parallelism: Parallelism) {
        precondition(inputs.count == axisSizes.count, "Concat: \(inputs.count) inputs, expected \(axisSizes.count)")
        var offsets: [Int] = [], o = 0
        for size in axisSizes { offsets.append(o); o += size * inner }
        let block = outputBlock, parts = inputs.count
        let handle = UncheckedSendable(inputs)
        parallelism.forEach(outer * parts) { item, _ in
            let n = item / parts, i = item % parts
            let count = axisSizes[i] * inner
            (y + n * block + offsets[i]).update(from: handle.value[i] + n * count, count: count)
        }
    }

    /// The specification: one element at a time.
    public func reference(_ inputs: [UnsafePointer<Float>], _ y: UnsafeMutablePointer<Float>) {
        var out = 0
        for n in 0..<outer {
            for (i, size) in axisSizes.enumerated() {
                for e in 0..<size * inner {
                    y[out] = inputs[i][n * size * inner + e]
                    out += 1
                }
            }
        }
    }
}

// x_i (outer, D_i, inner) -> y (outer, sum D_i, inner): Concat along any axis, as copies spread
// over the workers, the fast path of `Reference.concat`.
//
// For NCHW feature maps along channels, outer is N and each input contributes one contiguous
// block of D_i * H * W floats per image, so the whole op is N * inputs block copies.

/// Concatenation of tensors that agree on every dimension but the axis.
import KernelSupport

struct Concat: Sendable {
    /// Per input, the floats it contributes per outer index.
    let shape: ConcatShape

    init(shape: ConcatShape) {
        self.shape = shape
    }

    /// Copies every input into its place in `y`.
    func run(_ inputs: [UnsafePointer<Float>], _ y: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        let blocks = shape.inner, parts = blocks.count
        precondition(inputs.count == parts, "Concat: \(inputs.count) inputs, expected \(parts)")
        var offsets: [Int] = [], o = 0
        for block in blocks { offsets.append(o); o += block }
        let row = o
        let handle = UncheckedSendable(inputs)
        parallelism.forEach(shape.outer * parts) { item, _ in
            let n = item / parts, i = item % parts
            (y + n * row + offsets[i]).update(from: handle.value[i] + n * blocks[i], count: blocks[i])
        }
    }
}

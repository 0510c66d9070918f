// Concat, settled.

/// Concat along `axis`: each input contributes `inner[i]` contiguous values per outer index.
///
///     x_i (A.., D_i, B..) -> y (A.., sum D_i, B..)
package struct ConcatShape: Sendable, Equatable {
    package var outputShape: [Int]
    /// Product of the dimensions before the axis.
    package var outer: Int
    /// Per input: its axis size times the product of the dimensions after the axis.
    package var inner: [Int]

    package static func resolve(axis: Int, inputs: [[Int]]) throws -> ConcatShape {
        guard let first = inputs.first else { throw OpFailure.malformed("no inputs") }
        guard let a = ShapeMath.normalize(axis: axis, rank: first.count) else {
            throw OpFailure.malformed("axis \(axis) is out of range for rank \(first.count)")
        }
        var out = first
        out[a] = 0
        for shape in inputs {
            guard shape.count == first.count,
                  shape.indices.allSatisfy({ $0 == a || shape[$0] == first[$0] }) else {
                throw OpFailure.shape("input shapes \(inputs.map(ShapeMath.describe)) differ off axis \(a)")
            }
            out[a] += shape[a]
        }
        let after = first[(a + 1)...].reduce(1, *)
        return ConcatShape(outputShape: out, outer: first[..<a].reduce(1, *), inner: inputs.map { $0[a] * after })
    }

    package init(outputShape: [Int], outer: Int, inner: [Int]) {
        self.outputShape = outputShape
        self.outer = outer
        self.inner = inner
    }
}

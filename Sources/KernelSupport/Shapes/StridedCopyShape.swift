// Transpose, Slice and Expand, settled: each is a contiguous y read from x through strides.

/// `y[i_0, ..., i_{r-1}] = x[offset + sum_k i_k * inputStrides[k]]` for y of `outputShape`,
/// stored contiguously (row-major). A stride of 0 repeats a value (Expand); a permuted stride
/// order is a Transpose; an offset and larger strides a Slice.
package struct StridedCopyShape: Sendable, Equatable {
    package var outputShape: [Int]
    package var offset: Int
    package var inputStrides: [Int]

    package init(outputShape: [Int], offset: Int, inputStrides: [Int]) {
        precondition(outputShape.count == inputStrides.count, "StridedCopyShape: one stride per axis")
        self.outputShape = outputShape
        self.offset = offset
        self.inputStrides = inputStrides
    }

    /// The same copy over the fewest axes: axes of size 1 dropped, and neighbours merged where
    /// the outer one steps exactly over the inner one in x (`stride[k] == stride[k+1] * dim[k+1]`),
    /// as they always do in y. A shape with no values keeps a single axis of 0.
    package var collapsed: StridedCopyShape {
        if outputShape.contains(0) { return StridedCopyShape(outputShape: [0], offset: offset, inputStrides: [1]) }
        let (dims, strides) = ShapeMath.collapsedLoops(outputShape, strides: [inputStrides])
        return StridedCopyShape(outputShape: dims, offset: offset, inputStrides: strides[0])
    }
}

// The value that crosses module boundaries: a dense float32 array in row-major (C) order.
//
// Inside the runtime, execution works on planned buffers and views; a `Tensor` is what comes in
// (a batch of images) and what goes out (the model output or a tapped layer).

/// A dense, row-major float32 array with a shape.
public struct Tensor: Sendable, Equatable {
    /// Dimensions, outermost first: `(N, C, H, W)` for a batch of feature maps.
    public var shape: [Int]
    /// `shape.reduce(1, *)` values in row-major order.
    public var data: [Float]

    /// Wraps `data` as a tensor of `shape`; the element count must match.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == data.count,
                     "Tensor: shape \(shape) holds \(shape.reduce(1, *)) values, got \(data.count)")
        self.shape = shape
        self.data = data
    }

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, data: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// Number of elements.
    public var count: Int { data.count }

    /// Number of dimensions.
    public var rank: Int { shape.count }
}

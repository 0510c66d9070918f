// LayerNormalization, per-channel affine maps and Softmax, settled.

/// The geometry of one LayerNormalization.
package struct LayerNormShape: Sendable, Hashable {
    /// x's shape (and y's).
    package var shape: [Int]
    /// Rows, and values per row (the product of the axes from `axis` on).
    package var outer: Int, inner: Int
    package var epsilon: Float
    /// Whether input 2 (B) is present.
    package var hasBias: Bool

    package static func resolve(axis: Int, epsilon: Float, x: [Int], scale: [Int], bias: [Int]?) throws -> LayerNormShape {
        guard let a = ShapeMath.normalize(axis: axis, rank: x.count) else {
            throw OpFailure.malformed("axis \(axis) is out of range for rank \(x.count)")
        }
        let inner = x[a...].reduce(1, *)
        // ONNX lets Scale and B broadcast to the normalised shape; exporters write it whole (or
        // with leading ones), which is all we take.
        for (name, shape) in [("Scale", scale), ("B", bias)] {
            guard let shape else { continue }
            guard Array(shape.drop(while: { $0 == 1 })) == Array(x[a...].drop(while: { $0 == 1 })) else {
                throw OpFailure.malformed("\(name) \(ShapeMath.describe(shape)) is not the normalised shape \(ShapeMath.describe(Array(x[a...])))")
            }
        }
        guard epsilon >= 0, epsilon.isFinite else { throw OpFailure.malformed("epsilon \(epsilon) is negative or not finite") }
        return LayerNormShape(shape: x, outer: x[..<a].reduce(1, *), inner: inner, epsilon: epsilon, hasBias: bias != nil)
    }

    package init(shape: [Int], outer: Int, inner: Int, epsilon: Float, hasBias: Bool) {
        self.shape = shape
        self.outer = outer
        self.inner = inner
        self.epsilon = epsilon
        self.hasBias = hasBias
    }
}

/// BatchNormalization with its statistics folded: `y = f(x * scale[c] + shift[c])`, `f` the
/// activation after it when the planner fuses one (none otherwise).
///
///     x (N, C, ...) -> y (N, C, ...)
package struct AffineShape: Sendable, Equatable {
    /// x's shape (N, C, ...).
    package var shape: [Int]
    /// C values each.
    package var scale: [Float], shift: [Float]
    /// Applied last.
    package var activation: Activation = .none

    package var batch: Int { shape[0] }
    package var channels: Int { shape[1] }
    /// Values per channel per image (H * W).
    package var inner: Int { shape.dropFirst(2).reduce(1, *) }

    package init(shape: [Int], scale: [Float], shift: [Float]) {
        self.shape = shape
        self.scale = scale
        self.shift = shift
    }
}

/// Softmax over the middle dimension of `(outer, length, inner)`.
package struct SoftmaxShape: Sendable, Hashable {
    /// The input's (and the output's) shape.
    package var shape: [Int]
    /// Product of the dimensions before the axis, the length normalised over, and the product
    /// after it (1 before opset 13, which flattens everything from the axis on into `length`).
    package var outer: Int, length: Int, inner: Int

    package static func resolve(axis: Int, coerce2D: Bool, x: [Int]) throws -> SoftmaxShape {
        guard let a = ShapeMath.normalize(axis: axis, rank: x.count) else {
            throw OpFailure.malformed("axis \(axis) is out of range for rank \(x.count)")
        }
        let outer = x[..<a].reduce(1, *)
        if coerce2D { return SoftmaxShape(shape: x, outer: outer, length: x[a...].reduce(1, *), inner: 1) }
        return SoftmaxShape(shape: x, outer: outer, length: x[a], inner: x[(a + 1)...].reduce(1, *))
    }

    package init(shape: [Int], outer: Int, length: Int, inner: Int) {
        self.shape = shape
        self.outer = outer
        self.length = length
        self.inner = inner
    }
}

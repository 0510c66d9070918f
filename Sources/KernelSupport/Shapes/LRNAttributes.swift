// LRN's attributes.

/// LRN's attributes: `y = x / (bias + alpha / size * sum(x^2 over size channels))^beta`.
package struct LRNAttributes: Sendable, Equatable {
    package var alpha: Float, beta: Float, bias: Float
    package var size: Int

    package init(alpha: Float, beta: Float, bias: Float, size: Int) {
        self.alpha = alpha
        self.beta = beta
        self.bias = bias
        self.size = size
    }
}

// LayerNormalization (opset 17): each row of the trailing axes normalised to zero mean and unit
// variance, then scaled and shifted per element of the row.
//
//     x (outer..., inner...) , scale (inner...), b (inner...)? -> y (outer..., inner...)
//     y = (x - mean) / sqrt(var + epsilon) * scale + b, mean and var over each row of `inner`
//
// ViT and Swin normalise tokens (the last axis, C); ConvNeXt normalises its channels-last blocks
// the same way. Older exports write it as ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul,
// Add, which the element-wise operators run as they are.

extension Reference {
    /// Each row's mean and variance in Double (two passes), each output rounded once.
    ///
    ///     x (outer, inner), scale (inner), b (inner)? -> y (outer, inner)
    static func layerNorm(_ s: LayerNormShape, x: UnsafePointer<Float>, scale: UnsafePointer<Float>,
                          bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        let n = s.inner
        guard n > 0 else { return }
        for r in 0..<s.outer {
            let p = x + r * n, q = y + r * n
            var sum: Double = 0
            for i in 0..<n { sum += Double(p[i]) }
            let mean = sum / Double(n)
            var squares: Double = 0
            for i in 0..<n { let d = Double(p[i]) - mean; squares += d * d }
            let inverse = 1 / (squares / Double(n) + Double(s.epsilon)).squareRoot()
            for i in 0..<n {
                q[i] = Float((Double(p[i]) - mean) * inverse * Double(scale[i]) + Double(bias?[i] ?? 0))
            }
        }
    }
}
